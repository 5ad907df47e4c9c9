// One Socket.IO connection per page, with its status shown to the person using it.
//
// python-socketio does not recover missed events after a reconnect, so the server
// sends a full snapshot on every connect; pages render from it and then apply events.
import { io } from "../vendor/socket.io/socket.io.esm.min.js";
import { t } from "./i18n.js";
import { byId } from "./dom.js";

const ACK_TIMEOUT_MS = 10000;

export function connectLive({ view, meeting, onSnapshot, onRefused, events = {} }) {
  const socket = io({ auth: { view, meeting }, transports: ["websocket", "polling"] });
  const status = byId("status");
  let lastRevision = -1;

  function showStatus(state, text) {
    if (!status) return;
    status.dataset.state = state;
    status.textContent = text;
  }

  function applySnapshot(snapshot) {
    lastRevision = snapshot.revision;
    onSnapshot(snapshot);
  }

  async function resync() {
    const event = view === "phone" ? "sync" : "sync_console";
    const reply = await request(event, {});
    if (reply.ok) applySnapshot(reply.snapshot);
  }

  // Stage events carry the meeting's revision: an old one is dropped, a gap means we
  // missed something and ask for the whole truth again.
  function staged(handler) {
    return (data) => {
      if (data.revision <= lastRevision) return;
      if (data.revision > lastRevision + 1) {
        resync();
        return;
      }
      lastRevision = data.revision;
      handler(data);
    };
  }

  function request(event, payload, timeout = ACK_TIMEOUT_MS) {
    return new Promise((resolve) => {
      if (!socket.connected) {
        resolve({ ok: false, offline: true, error: t("offline") });
        return;
      }
      socket.timeout(timeout).emit(event, payload, (err, reply) => {
        if (err) resolve({ ok: false, offline: true, error: t("reconnecting") });
        else resolve(reply ?? { ok: false, error: "" });
      });
    });
  }

  socket.on("connect", () => showStatus("connected", t("connected")));
  socket.on("disconnect", (reason) => {
    showStatus("offline", t("reconnecting"));
    // The server closed this socket (a removed phone, an ended login): the client would stay
    // down for good. One more try lets the server say why, and onRefused take it from there.
    if (reason === "io server disconnect") socket.connect();
  });
  socket.on("connect_error", (error) => {
    showStatus("offline", t("reconnecting"));
    if (error && ["not_joined", "forbidden", "bad_request"].includes(error.message)) {
      socket.disconnect();
      if (onRefused) onRefused(error.message);
    }
  });
  socket.on("snapshot", applySnapshot);
  for (const [name, handler] of Object.entries(events)) {
    const isStage = name === "question_opened" || name === "question_closed";
    socket.on(name, isStage ? staged(handler) : handler);
  }
  // The browser knows before the socket's heartbeat does: drop now, reconnect when back.
  window.addEventListener("offline", () => socket.disconnect());
  window.addEventListener("online", () => { if (!socket.connected) socket.connect(); });
  return { socket, request, resync };
}
