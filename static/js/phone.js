// The participant's phone: the live question, a box to answer, and their own answers;
// during a breakout round, the group (group.js).
import { connectLive } from "./live.js";
import { byId, el } from "./dom.js";
import { pageConfig, t } from "./i18n.js";
import { Outbox, draftStore, newClientId } from "./outbox.js";
import { Breakout } from "./group.js";
import {
  BALLOT_FORMATS,
  ballotRequest,
  deliverBallot,
  deliverBallotReply,
  deliverResults,
  mountPlenaryBallot,
} from "./ballot.js";
import { FLOOR_EVENTS, deliverFloorReply, floorRequest, mountPlenaryFloor } from "./floor.js";

const config = pageConfig();
const storagePrefix = `facilitator:${config.meeting}:${config.participant}`;
const outbox = new Outbox(`${storagePrefix}:outbox`);
const EVENT_FOR = { submit: "submit_answer", edit: "edit_answer", delete: "delete_answer" };

const state = { question: null, answers: new Map(), maxLength: 2000, editing: null };
const form = byId("answer-form");
const textarea = byId("answer-text");
let draft = null;

// How the current question is answered, by its format. Open questions: the answer box and the list
// of one's answers. Any format listed here mounts its own control into #format-control instead:
// mount(container, question, {outbox, flush, request, snapshot}) returns the control, which has
// update(question) (opened, closed), snapshot(snapshot) (every (re)connect) and unmount().
const FORMAT_CONTROLS = new Map(BALLOT_FORMATS.map((format) => [format, mountPlenaryBallot]));
FORMAT_CONTROLS.set("floor", mountPlenaryFloor);
const formatControl = { key: null, control: null };
let lastSnapshot = null;

function mountFormatControl() {
  const question = state.question;
  const mount = question ? FORMAT_CONTROLS.get(question.format) : undefined;
  const key = mount ? `${question.id}:${question.format}` : null;
  const container = byId("format-control");
  if (key !== formatControl.key) {
    if (formatControl.control) formatControl.control.unmount();
    const context = { outbox, flush, request: (event, payload) => live.request(event, payload), snapshot: lastSnapshot };
    formatControl.control = mount ? mount(container, question, context) : null;
    formatControl.key = key;
  } else if (formatControl.control) {
    formatControl.control.update(question);
  }
  container.hidden = !formatControl.control;
}

function isOpen() {
  return state.question && state.question.status === "open";
}

function showOffline(offline) {
  const banner = byId("offline-banner");
  banner.hidden = !offline;
  banner.textContent = offline ? t("offline") : "";
}

function renderCount() {
  const left = state.maxLength - textarea.value.length;
  byId("answer-count").textContent = t("chars_left", { count: left });
}

function setDraftFor(question) {
  draft = question ? draftStore(`${storagePrefix}:draft:${question.id}`) : null;
  textarea.value = draft ? draft.get() : "";
  renderCount();
}

function visibleAnswers() {
  const list = [...state.answers.values()].filter(
    (a) => state.question && a.question_id === state.question.id && !a.group_id,
  );
  for (const op of outbox.pending()) {
    if (op.type === "submit" && !op.group && state.question && op.question_id === state.question.id) {
      list.push({ client_id: op.client_id, question_id: op.question_id, text: op.text, pending: true });
    }
  }
  return list;
}

function answerItem(answer) {
  const item = el("li", { class: answer.pending ? "pending" : "", "data-client-id": answer.client_id });
  if (state.editing === answer.client_id && isOpen()) {
    const editor = el("textarea", { "aria-label": t("edit"), rows: "3" });
    editor.value = answer.text;
    const save = el("button", { class: "button primary small", type: "button", text: t("save") });
    save.addEventListener("click", () => editAnswer(answer, editor.value));
    const cancel = el("button", { class: "button small", type: "button", text: t("cancel") });
    cancel.addEventListener("click", () => { state.editing = null; render(); });
    item.append(editor, el("div", { class: "answer-actions" }, save, cancel));
    queueMicrotask(() => editor.focus());
    return item;
  }
  item.append(el("p", { class: "answer-text", dir: "auto", text: answer.text }));
  if (answer.pending) item.append(el("p", { class: "answer-meta", text: t("queued") }));
  if (isOpen()) {
    const edit = el("button", { class: "button small", type: "button", text: t("edit") });
    edit.addEventListener("click", () => { state.editing = answer.client_id; render(); });
    const remove = el("button", { class: "button danger small", type: "button", text: t("delete") });
    remove.addEventListener("click", () => deleteAnswer(answer));
    item.append(el("div", { class: "answer-actions" }, edit, remove));
  }
  return item;
}

function render() {
  byId("plenary").hidden = breakout.hidesPlenary;
  const question = state.question;
  byId("waiting").hidden = Boolean(question);
  byId("question-view").hidden = !question;
  if (!question) return;
  byId("question-text").textContent = question.text;
  const closedNote = byId("question-state");
  closedNote.hidden = isOpen();
  closedNote.textContent = isOpen() ? "" : t("question_closed");
  form.hidden = !isOpen() || Boolean(formatControl.control);
  byId("open-answers").hidden = Boolean(formatControl.control);
  const answers = visibleAnswers();
  byId("my-answers").replaceChildren(...answers.map(answerItem));
  byId("no-answers").hidden = answers.length > 0;
}

function showQuestion(question, { keepAnswers = false } = {}) {
  const changed = !state.question || state.question.id !== (question && question.id);
  state.question = question;
  if (!keepAnswers && changed) state.answers.clear();
  if (changed) {
    state.editing = null;
    setDraftFor(question);
  }
  mountFormatControl();
  render();
  if (changed && question) byId("question-text").focus();
}

function reportUndelivered(op, reply) {
  const note = byId("late-answers");
  note.hidden = false;
  const lines = [t("error", { message: reply.error })];
  if (op.text) lines.push(op.text);
  note.append(el("span", { class: "answer-text", dir: "auto", text: lines.join("\n") }), el("br"));
}

function onReply(op, reply) {
  if (op.type === "floor") {
    if (!deliverFloorReply(op, reply) && !reply.ok) reportUndelivered(op, reply);
    return;
  }
  if (op.type === "ballot") {
    // The control of that question shows what became of it; a refusal for a question no longer
    // shown is reported like a late answer.
    if (!deliverBallotReply(op, reply) && !reply.ok) reportUndelivered(op, reply);
    return;
  }
  if (!reply.ok) reportUndelivered(op, reply);
  if (op.group) {
    breakout.onReply(op, reply);
    return;
  }
  if (reply.ok && op.type !== "delete") {
    state.answers.set(reply.answer.client_id, reply.answer);
  } else if (reply.ok) {
    state.answers.delete(op.client_id);
  }
  render();
}

function flush() {
  const send = (op) => {
    if (op.type === "ballot") return live.request(...ballotRequest(op));
    if (op.type === "floor") return live.request(...floorRequest(op));
    const { type, group, ...payload } = op;
    // Written for a group wall: if the round has ended, the server says so instead of
    // taking it as a plenary answer.
    if (group && type === "submit") payload.for_group = true;
    return live.request(EVENT_FOR[type], payload);
  };
  outbox.flush(send, onReply).then(() => {
    render();
    breakout.renderWalls();
  });
}

function validate(text) {
  if (!text) return t("empty");
  if (text.length > state.maxLength) return t("too_long", { max: state.maxLength });
  return "";
}

function editAnswer(answer, text) {
  const problem = validate(text.trim());
  if (problem) {
    byId("answer-error").textContent = problem;
    return;
  }
  state.editing = null;
  outbox.add({ type: "edit", client_id: answer.client_id, text: text.trim() });
  const stored = state.answers.get(answer.client_id);
  if (stored) stored.text = text.trim();
  render();
  flush();
}

function deleteAnswer(answer) {
  if (!window.confirm(t("confirm_delete"))) return;
  outbox.add({ type: "delete", client_id: answer.client_id });
  state.answers.delete(answer.client_id);
  render();
  flush();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = textarea.value.trim();
  const problem = validate(text);
  byId("answer-error").textContent = problem;
  textarea.setAttribute("aria-invalid", problem ? "true" : "false");
  if (problem || !isOpen()) return;
  outbox.add({ type: "submit", client_id: newClientId(), question_id: state.question.id, text });
  textarea.value = "";
  draft.set("");
  renderCount();
  render();
  flush();
});

textarea.addEventListener("input", () => {
  if (draft) draft.set(textarea.value);
  renderCount();
});

const breakout = new Breakout({
  request: (event, payload) => live.request(event, payload),
  resync: () => live.resync(),
  outbox,
  storagePrefix,
  flush,
  validate,
  maxLength: () => state.maxLength,
});

const live = connectLive({
  view: "phone",
  meeting: config.meeting,
  onRefused: () => window.location.assign(config.joinUrl),
  onSnapshot(snapshot) {
    lastSnapshot = snapshot;
    state.maxLength = snapshot.limits.answer;
    state.answers = new Map(snapshot.my_answers.map((a) => [a.client_id, a]));
    breakout.show(snapshot.breakout, snapshot.server_time);
    showQuestion(snapshot.question, { keepAnswers: true });
    if (formatControl.control) formatControl.control.snapshot(snapshot);
    render();
    flush();
  },
  events: {
    question_opened(data) {
      if (data.fresh) showQuestion(data.question);
      else live.resync();
    },
    question_closed(data) {
      showQuestion(data.question, { keepAnswers: true });
    },
    my_answer_changed(answer) {
      if (answer.group_id) breakout.myAnswerChanged(answer);
      else state.answers.set(answer.client_id, answer);
      render();
    },
    my_answer_removed(answer) {
      state.answers.delete(answer.client_id);
      render();
    },
    results: (data) => deliverResults(data),
    my_ballot_changed: (ballot) => deliverBallot(ballot),
    ...FLOOR_EVENTS,
    // Breakout rounds: a change of phase or of group is read back from the server whole.
    phase_changed: () => live.resync(),
    group_changed: () => live.resync(),
    wall_answer_changed: (answer) => breakout.wallAnswerChanged(answer),
    wall_answer_removed: (answer) => breakout.wallAnswerRemoved(answer),
    votes_changed: (data) => breakout.votesChanged(data),
    summary_saved: (summary) => breakout.summarySaved(summary),
    message_broadcast: (message) => breakout.messageBroadcast(message),
    timer_changed: (data) => breakout.timerChanged(data, false),
    round_warning: (data) => breakout.timerChanged(data, true),
    help_changed: (data) => breakout.helpChanged(data),
  },
});

live.socket.on("connect", () => showOffline(false));
live.socket.on("disconnect", () => showOffline(true));
window.addEventListener("offline", () => showOffline(true));
renderCount();
