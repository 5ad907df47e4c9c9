// Questions from the floor on the phone: ask (by name or anonymously, as the meeting allows), vote
// for others' questions and withdraw one's own. The console's and the projector's views are in
// floor-screens.js, so that phones download only this. User text only ever goes through textContent.
import { byId, el } from "./dom.js";
import { pageConfig, t } from "./i18n.js";
import { draftStore, newClientId } from "./outbox.js";

export function isFloor(question) {
  return Boolean(question && question.format === "floor");
}

// Most votes first; among equals, the one asked first (the server's order, kept after local changes).
export function byVotes(a, b) {
  if (b.votes !== a.votes) return b.votes - a.votes;
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id - b.id;
}

export function byTime(a, b) {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  return b.id - a.id;
}

// Lists are rebuilt whole on every change; the control that had the keyboard gets it back, or, when
// the change moved its item to another list (approved, answered), the first control of that item.
export function keepingFocus(container, rebuild) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.focusKey : null;
  rebuild();
  if (!key) return;
  const controls = [...container.querySelectorAll("[data-focus-key]")].filter((node) => !node.disabled);
  const itemId = key.split(":").pop();
  const again =
    controls.find((node) => node.dataset.focusKey === key) ||
    controls.find((node) => node.closest("[data-item-id]")?.dataset.itemId === itemId);
  if (again) again.focus();
}

function votesLine(count) {
  return el("span", { class: "floor-votes", text: t("floor_votes", { count }) });
}

export function authorOf(item) {
  return item.author || t("anonymous");
}

// One floor at a time: the plenary's current question, mounted by phone.js into its
// #format-control. Asking and withdrawing go through the phone's outbox, so a question typed
// without signal is sent, once, when the connection returns.

let mountedPhone = null;

export function mountPlenaryFloor(container, question, { outbox, flush, request, snapshot }) {
  const control = new FloorPhone(container, question, { outbox, flush, request });
  mountedPhone = control;
  control.snapshot(snapshot);
  return control;
}

// The socket event and payload of an outbox entry of type "floor".
export function floorRequest(op) {
  const { type: _type, event, ...payload } = op;
  return [event, payload];
}

// True when the mounted floor took the reply; otherwise the phone reports a refusal itself.
export function deliverFloorReply(op, reply) {
  if (!mountedPhone || mountedPhone.question.id !== op.question_id) return false;
  mountedPhone.onReply(op, reply);
  return true;
}

export const FLOOR_EVENTS = {
  floor_changed: (data) => mountedPhone && mountedPhone.changed(data),
  my_floor_changed: (data) => mountedPhone && mountedPhone.mineChanged(data),
  my_floor_vote: (data) => mountedPhone && mountedPhone.voteChanged(data),
};

class FloorPhone {
  constructor(container, question, { outbox, flush, request }) {
    this.container = container;
    this.question = question;
    this.outbox = outbox;
    this.flush = flush;
    this.request = request;
    this.items = [];
    this.spotlightId = null;
    this.myVotes = new Set();
    this.mine = new Map(); // item id → own item (the room sees it)
    this.waiting = []; // own items waiting for approval
    this.withdrawn = new Set(); // client ids withdrawn before the server acknowledged them
    this.voting = new Set();
    this.attribution = "named";
    this.maxLength = 2000;
    const config = pageConfig();
    this.draft = draftStore(`facilitator:${config.meeting}:${config.participant}:floor-draft:${question.id}`);
    this.build();
  }

  build() {
    const p = (this.parts = {});
    p.text = el("textarea", { id: "floor-text", rows: "3", dir: "auto", "aria-describedby": "floor-count floor-error" });
    p.text.value = this.draft.get();
    p.text.addEventListener("input", () => {
      this.draft.set(p.text.value);
      this.renderCount();
    });
    p.count = el("p", { id: "floor-count", class: "hint", "aria-live": "off" });
    p.anonymous = el("input", { type: "checkbox", id: "floor-anonymous" });
    p.anonymousField = el("label", { class: "check", for: "floor-anonymous" }, p.anonymous, t("floor_ask_anonymously"));
    p.error = el("p", { id: "floor-error", class: "error", role: "alert" });
    p.form = el(
      "form",
      { class: "floor-form", novalidate: true, onsubmit: (event) => this.ask(event) },
      el("label", { for: "floor-text", text: t("floor_your_question") }),
      p.text,
      p.count,
      p.anonymousField,
      p.error,
      el("div", { class: "sticky-send" }, el("button", { type: "submit", class: "button primary wide", text: t("floor_ask") })),
    );
    p.premoderated = el("p", { class: "hint", text: t("floor_premoderated") });
    p.waitingList = el("ul", { class: "answers floor-list", "aria-labelledby": "floor-waiting-heading" });
    p.waitingBox = el(
      "div",
      { class: "floor-waiting" },
      el("h2", { id: "floor-waiting-heading", text: t("floor_your_waiting") }),
      p.waitingList,
    );
    p.list = el("ul", { class: "answers floor-list", "aria-labelledby": "floor-list-heading" });
    p.empty = el("p", { class: "hint", text: t("floor_no_questions") });
    p.answeredList = el("ul", { class: "answers floor-list", "aria-labelledby": "floor-answered-heading" });
    p.answeredBox = el(
      "div",
      {},
      el("h2", { id: "floor-answered-heading", text: t("floor_answered") }),
      p.answeredList,
    );
    this.container.replaceChildren(
      el(
        "div",
        { class: "floor" },
        p.form,
        p.premoderated,
        p.waitingBox,
        el("h2", { id: "floor-list-heading", text: t("floor_room_questions") }),
        p.list,
        p.empty,
        p.answeredBox,
      ),
    );
  }

  isOpen() {
    return this.question.status === "open";
  }

  update(question) {
    this.question = question;
    this.render();
  }

  snapshot(snapshot) {
    if (!snapshot) return;
    this.attribution = snapshot.meeting.attribution;
    this.maxLength = snapshot.limits.answer;
    const floor = snapshot.floor;
    if (floor && floor.question_id === this.question.id) {
      this.items = floor.items;
      this.spotlightId = floor.spotlight_id;
      this.myVotes = new Set(floor.my_votes);
      this.mineChanged(floor, { quiet: true });
    }
    this.render();
  }

  unmount() {
    this.container.replaceChildren();
    if (mountedPhone === this) mountedPhone = null;
  }

  changed(data) {
    if (data.question_id !== this.question.id) return;
    this.items = data.items;
    this.spotlightId = data.spotlight_id;
    // A vote for a merged duplicate now counts for the question that absorbed it (not for one's own).
    for (const { id, into_id: into } of data.merged || []) {
      if (!this.myVotes.delete(id)) continue;
      if (!this.mine.has(into)) this.myVotes.add(into);
    }
    this.render();
  }

  mineChanged(data, { quiet = false } = {}) {
    if (data.question_id !== this.question.id) return;
    this.mine = new Map(data.mine.map((own) => [own.id, own]));
    this.waiting = data.my_pending;
    if (!quiet) this.render();
  }

  voteChanged(data) {
    if (data.question_id !== this.question.id) return;
    if (data.supported) this.myVotes.add(data.item_id);
    else this.myVotes.delete(data.item_id);
    this.render();
  }

  canAskAnonymously() {
    return this.attribution !== "anonymous";
  }

  ask(event) {
    event.preventDefault();
    const p = this.parts;
    const text = p.text.value.trim();
    const problem = !text ? t("empty") : text.length > this.maxLength ? t("too_long", { max: this.maxLength }) : "";
    p.error.textContent = problem;
    p.text.setAttribute("aria-invalid", problem ? "true" : "false");
    if (problem || !this.isOpen()) return;
    this.outbox.add({
      type: "floor",
      event: "ask_floor",
      client_id: newClientId(),
      question_id: this.question.id,
      text,
      anonymous: this.canAskAnonymously() && p.anonymous.checked,
    });
    p.text.value = "";
    this.draft.set("");
    this.render();
    this.flush();
  }

  withdraw(own) {
    if (!window.confirm(t("floor_confirm_withdraw"))) return;
    this.withdrawn.add(own.client_id);
    this.outbox.add({ type: "floor", event: "delete_answer", client_id: own.client_id, question_id: this.question.id });
    this.forget(own.client_id);
    this.render();
    this.flush();
  }

  forget(clientId) {
    const gone = [...this.mine.values(), ...this.waiting].find((own) => own.client_id === clientId);
    this.waiting = this.waiting.filter((own) => own.client_id !== clientId);
    if (gone) {
      this.mine.delete(gone.id);
      this.items = this.items.filter((item) => item.id !== gone.id);
    }
  }

  onReply(op, reply) {
    const p = this.parts;
    if (!reply.ok) {
      p.error.textContent = t("error", { message: reply.error });
      // A refused question is not lost: it goes back into the box if the box is empty.
      if (op.event === "ask_floor" && !p.text.value) {
        p.text.value = op.text;
        this.draft.set(op.text);
      }
    } else if (op.event === "ask_floor" && !this.withdrawn.has(op.client_id)) {
      const own = reply.item;
      if (own.awaiting_approval) {
        if (!this.waiting.some((each) => each.id === own.id)) this.waiting = [...this.waiting, own];
      } else {
        this.mine.set(own.id, own);
        if (!this.items.some((item) => item.id === own.id)) {
          this.items = [...this.items, { id: own.id, text: own.text, author: null, votes: 0, answered: false, created_at: own.created_at }];
        }
      }
    } else if (op.event === "delete_answer") {
      this.forget(op.client_id);
    }
    this.render();
  }

  async vote(item) {
    const id = item.id;
    if (this.voting.has(id)) return;
    const supported = !this.myVotes.has(id);
    this.voting.add(id);
    this.parts.error.textContent = "";
    const reply = await this.request("support_floor", { item_id: id, supported });
    this.voting.delete(id);
    if (reply.ok) {
      if (supported) this.myVotes.add(id);
      else this.myVotes.delete(id);
      const current = this.items.find((each) => each.id === id);
      if (current) current.votes = reply.votes;
    } else {
      this.parts.error.textContent = t("error", { message: reply.error });
    }
    this.render();
  }

  renderCount() {
    this.parts.count.textContent = t("chars_left", { count: this.maxLength - this.parts.text.value.length });
  }

  queued() {
    return this.outbox
      .pending()
      .filter((op) => op.type === "floor" && op.event === "ask_floor" && op.question_id === this.question.id)
      .filter((op) => !this.withdrawn.has(op.client_id));
  }

  waitingItem(own, note) {
    const open = this.isOpen();
    return el(
      "li",
      { class: own.queued ? "floor-item pending" : "floor-item is-waiting" },
      el("p", { class: "answer-text", dir: "auto", text: own.text }),
      el("p", { class: "answer-meta" }, el("span", { class: "badge floor-waiting-badge", text: note })),
      open && !own.queued
        ? el(
            "div",
            { class: "answer-actions" },
            el("button", {
              type: "button",
              class: "button small danger",
              "data-focus-key": `withdraw:${own.client_id}`,
              text: t("floor_withdraw"),
              onclick: () => this.withdraw(own),
            }),
          )
        : null,
    );
  }

  roomItem(item) {
    const own = this.mine.get(item.id);
    const open = this.isOpen();
    const spotlit = item.id === this.spotlightId;
    const meta = el(
      "p",
      { class: "answer-meta" },
      own ? el("span", { class: "badge floor-mine-badge", text: t("floor_you_asked") }) : null,
      el("span", { dir: "auto", text: authorOf(item) }),
      spotlit ? el("span", { class: "badge floor-spotlight-badge", text: t("floor_on_screen") }) : null,
    );
    const side = [];
    if (own || item.answered) {
      side.push(votesLine(item.votes));
    } else {
      const pressed = this.myVotes.has(item.id);
      side.push(
        el(
          "button",
          {
            type: "button",
            class: "button small vote floor-vote",
            "aria-pressed": String(pressed),
            "aria-label": t("floor_vote_label", { count: item.votes }),
            "data-focus-key": `vote:${item.id}`,
            disabled: !open,
            onclick: () => this.vote(item),
          },
          el("span", { "aria-hidden": "true", text: "▲" }),
          el("span", { class: "vote-count", text: String(item.votes) }),
        ),
      );
    }
    if (own && open) {
      side.push(
        el("button", {
          type: "button",
          class: "button small danger",
          "data-focus-key": `withdraw:${own.client_id}`,
          text: t("floor_withdraw"),
          onclick: () => this.withdraw(own),
        }),
      );
    }
    const classes = ["floor-item", own ? "is-mine" : "", spotlit ? "is-spotlight" : ""].filter(Boolean).join(" ");
    return el(
      "li",
      { class: classes, "data-item-id": String(item.id) },
      el("div", { class: "floor-body" }, el("p", { class: "answer-text", dir: "auto", text: item.text }), meta),
      el("div", { class: "floor-side" }, ...side),
    );
  }

  render() {
    const p = this.parts;
    const open = this.isOpen();
    p.form.hidden = !open;
    p.anonymousField.hidden = !this.canAskAnonymously();
    p.premoderated.hidden = !(open && this.question.settings && this.question.settings.premoderation);
    this.renderCount();
    const waiting = [
      ...this.queued().map((op) => this.waitingItem({ ...op, queued: true }, t("queued"))),
      ...this.waiting.map((own) => this.waitingItem(own, t("floor_waiting_approval"))),
    ];
    const room = this.items.filter((item) => !item.answered).sort(byVotes);
    const answered = this.items.filter((item) => item.answered).sort(byVotes);
    keepingFocus(this.container, () => {
      p.waitingList.replaceChildren(...waiting);
      p.list.replaceChildren(...room.map((item) => this.roomItem(item)));
      p.answeredList.replaceChildren(...answered.map((item) => this.roomItem(item)));
    });
    p.waitingBox.hidden = waiting.length === 0;
    p.empty.hidden = room.length > 0;
    p.answeredBox.hidden = answered.length === 0;
  }
}
