// A ballot on the phone: the person's choice, rating, ranking or words for one question, which
// they can change or withdraw until the question closes, and the results when the room may see
// them.
//
// Every change goes through the phone's outbox as one "ballot" operation holding the WHOLE
// response and a sequence number that only grows: a newer change replaces the one still
// waiting, a reload or a dropped connection loses nothing, and the server keeps only the newest.
// What the server acknowledges is what the control shows.
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { newClientId } from "./outbox.js";
import { drawResults } from "./results.js";
import { INPUTS } from "./ballot-inputs.js";

export const BALLOT_FORMATS = Object.freeze(Object.keys(INPUTS));

// A change is normally acknowledged at once; one still waiting after this is said to be kept.
const QUEUED_AFTER_MS = 1500;
const SEND_LABEL = {
  single: "ballot_send_choice",
  multiple: "ballot_send_choice",
  rating: "ballot_send_rating",
  ranking: "ballot_send_ranking",
  words: "ballot_send_words",
};

const mounted = new Map(); // "group:question" → BallotControl (group 0: the plenary)

function keyOf(questionId, groupId) {
  return `${groupId || 0}:${questionId}`;
}

export function isBallotFormat(format) {
  return BALLOT_FORMATS.includes(format);
}

// The socket event and payload that send a queued ballot operation.
export function ballotRequest(op) {
  const payload = { question_id: op.question_id, client_id: op.client_id, seq: op.seq };
  if (op.response === null) return ["withdraw_ballot", payload];
  return ["cast_ballot", { ...payload, response: op.response }];
}

// The server's answer to a ballot operation, handed to the control showing that question.
// False when no control shows it any more: the caller then reports a refusal elsewhere.
export function deliverBallotReply(op, reply) {
  const control = mounted.get(keyOf(op.question_id, op.group));
  if (!control) return false;
  control.onReply(op, reply);
  return true;
}

// The "my_ballot_changed" event: this person changed the ballot on another tab or phone.
export function deliverBallot(ballot) {
  const control = mounted.get(keyOf(ballot.question_id, ballot.group_id));
  if (control && !(control.saved && ballot.seq < control.saved.seq)) control.setBallot(ballot);
}

// The "results" event: {question_id, group_id, results}.
export function deliverResults({ question_id: questionId, group_id: groupId, results }) {
  mounted.get(keyOf(questionId, groupId))?.setResults(results);
}

// mount(container, question, context) for the phone's plenary question: the ballot and results
// come from the phone's snapshot.
export function mountPlenaryBallot(container, question, { outbox, flush, snapshot }) {
  const current = Boolean(snapshot && snapshot.question && snapshot.question.id === question.id);
  return new BallotControl(container, question, {
    outbox,
    flush,
    ballot: current ? snapshot.my_ballot ?? null : null,
    results: current ? snapshot.results ?? null : null,
  });
}

export class BallotControl {
  // group: the breakout group whose question this is (null in plenary); open: whether answers
  // are taken (a plenary question's own status unless said otherwise).
  constructor(container, question, options) {
    const { outbox, flush, group = null, open = null, headingLevel = 2, ballot, results } = options;
    Object.assign(this, { container, outbox, flush, group });
    this.question = question;
    this.openOverride = open;
    this.key = keyOf(question.id, group);
    this.saved = null; // {response, seq} as the server last said, or null: nothing stored
    this.editing = false;
    this.touched = false; // the person has changed the inputs since they last showed an answer
    this.message = null; // {key} or {text, error} shown under the buttons
    this.sentAt = 0; // when the change still waiting was last handed to the outbox
    this.queuedTimer = null;
    this.latestResults = null;
    this.sizeWatch = null; // waits for the results to be shown before drawing them
    const announcer = el("p", { class: "visually-hidden", "aria-live": "polite" });
    this.input = INPUTS[question.format](question, {
      announce: (text) => {
        announcer.textContent = text;
      },
      onChange: () => {
        this.touched = true;
        this.clearProblem();
      },
    });
    this.problem = el("p", { class: "error", role: "alert" });
    this.status = el("p", { class: "ballot-status", role: "status" });
    const button = (className, key, onclick) =>
      el("button", { type: "button", class: className, text: t(key), onclick });
    this.send = el("button", { type: "submit", class: "button primary wide", text: t(SEND_LABEL[question.format]) });
    this.cancel = button("button", "cancel", () => this.stopEditing());
    this.change = button("button", "ballot_change", () => this.startEditing());
    this.withdraw = button("button danger", "ballot_withdraw", () => this.submit(null));
    const form = el(
      "form",
      { class: "ballot", novalidate: true, "data-format": question.format },
      this.input.node,
      this.problem,
      this.status,
      el("div", { class: "ballot-actions" }, this.send, this.cancel, this.change, this.withdraw),
      announcer,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitInput();
    });
    form.addEventListener("change", () => this.clearProblem());
    form.addEventListener("input", () => {
      this.touched = true;
    });
    this.resultsBox = el("div", { class: "ballot-results-chart" });
    this.results = el(
      "section",
      { class: "ballot-results", hidden: true },
      el(`h${headingLevel}`, { class: "ballot-results-title", text: t("ballot_results") }),
      this.resultsBox,
    );
    container.replaceChildren(form, this.results);
    mounted.set(this.key, this);
    // A change left waiting by an earlier page is being sent now.
    if (this.pending()) this.sentAt = Date.now();
    this.setBallot(ballot ?? null);
    if (results !== undefined) this.setResults(results);
  }

  get open() {
    if (this.openOverride !== null) return this.openOverride;
    return this.question.status === "open";
  }

  unmount() {
    clearTimeout(this.queuedTimer);
    this.stopWatching();
    if (mounted.get(this.key) === this) mounted.delete(this.key);
    this.container.replaceChildren();
  }

  // ---- What the server says

  // The phone's snapshot: its ballot and results are for the current question only.
  snapshot(snapshot) {
    if (!snapshot || !snapshot.question || snapshot.question.id !== this.question.id) return;
    this.setBallot(snapshot.my_ballot ?? null);
    this.setResults(snapshot.results ?? null);
  }

  setBallot(ballot) {
    this.saved = ballot ? { response: ballot.response ?? null, seq: ballot.seq || 0 } : null;
    this.settle();
    this.render();
  }

  // The question closed, or opened again.
  update(question, open = this.openOverride) {
    this.question = question;
    this.openOverride = open;
    this.settle();
    this.render();
  }

  // Open with nothing to show: ready for an answer. Closed: locked. What the person is in the
  // middle of changing stays as it is.
  settle() {
    if (!this.open) this.editing = false;
    else if (!(this.editing && this.touched)) this.editing = !this.shownResponse();
  }

  setResults(results) {
    this.latestResults = results;
    this.results.hidden = !results;
    if (!results) this.resultsBox.replaceChildren();
    else if (this.resultsBox.getClientRects().length || typeof ResizeObserver !== "function") this.drawResults();
    else this.drawWhenShown();
  }

  drawResults() {
    if (this.latestResults) drawResults(this.resultsBox, this.latestResults, { big: false });
  }

  // A chart takes the width it is given: in a panel not shown yet (another tab, a page still
  // hidden) it is drawn once the panel appears.
  drawWhenShown() {
    if (this.sizeWatch) return;
    this.sizeWatch = new ResizeObserver(() => {
      if (!this.resultsBox.getClientRects().length) return;
      this.stopWatching();
      // On the next frame: drawing changes the height, never inside the observer.
      window.requestAnimationFrame(() => this.drawResults());
    });
    this.sizeWatch.observe(this.resultsBox);
  }

  stopWatching() {
    if (this.sizeWatch) this.sizeWatch.disconnect();
    this.sizeWatch = null;
  }

  onReply(op, reply) {
    if (reply.ok && reply.ballot) {
      this.saved = { response: reply.ballot.response ?? null, seq: reply.ballot.seq || 0 };
      if (!this.pending()) {
        this.message = { key: this.saved.response ? "ballot_saved" : "ballot_withdrawn" };
        // Withdrawn while the question is open: the control is ready for a new answer.
        if (!this.saved.response && this.open) this.editing = true;
      }
    } else if (!reply.ok && !reply.offline) {
      this.message = { text: reply.error || t("error", { message: "" }), error: true };
    }
    this.render();
  }

  // ---- What the person does

  pending() {
    const mine = (op) => op.type === "ballot" && keyOf(op.question_id, op.group) === this.key;
    const ops = this.outbox.pending().filter(mine);
    return ops.length ? ops[ops.length - 1] : null;
  }

  // The response the control shows when not being edited: a change still waiting, else the stored one.
  shownResponse() {
    const pending = this.pending();
    if (pending) return pending.response;
    return this.saved ? this.saved.response : null;
  }

  nextSeq() {
    const pending = this.pending();
    // Time-based so that it keeps growing across reloads; never below what the server holds.
    return Math.max(Date.now(), (this.saved ? this.saved.seq : 0) + 1, (pending ? pending.seq : 0) + 1);
  }

  submitInput() {
    if (!this.open) return;
    const { response, problem } = this.input.read();
    this.problem.textContent = problem || "";
    if (problem) {
      this.input.focus();
      return;
    }
    this.submit(response);
  }

  submit(response) {
    if (!this.open) return;
    this.outbox.add({
      type: "ballot",
      client_id: newClientId(),
      question_id: this.question.id,
      group: this.group,
      seq: this.nextSeq(),
      response,
    });
    // Withdrawn: the control is empty and ready for a new answer at once.
    this.editing = response === null;
    if (response === null) this.input.show(null);
    this.touched = false;
    this.problem.textContent = "";
    this.message = null;
    this.sentAt = Date.now();
    clearTimeout(this.queuedTimer);
    this.queuedTimer = setTimeout(() => this.render(), QUEUED_AFTER_MS);
    this.render();
    // The inputs were switched off: focus goes to what can be done next.
    if (response) this.change.focus();
    else this.input.focus();
    this.flush();
  }

  startEditing() {
    if (!this.open) return;
    this.editing = true;
    this.message = null;
    this.render();
    this.input.focus();
  }

  stopEditing() {
    this.editing = false;
    this.problem.textContent = "";
    this.render();
    this.change.focus();
  }

  clearProblem() {
    this.problem.textContent = "";
  }

  // ---- Drawing

  statusText(pending, shown) {
    // A refusal first: a change made offline may arrive after the question closed.
    if (this.message && this.message.error) return this.message.text;
    if (pending) {
      const justSent = Date.now() - this.sentAt < QUEUED_AFTER_MS;
      if (justSent) return t(pending.response ? "sending" : "ballot_withdrawing");
      return t("ballot_queued");
    }
    if (!this.open) return shown ? "" : t("ballot_not_answered");
    if (this.message) return t(this.message.key);
    return shown && !this.editing ? t("ballot_saved") : "";
  }

  render() {
    const pending = this.pending();
    const shown = this.shownResponse();
    if (!this.editing) {
      this.input.show(shown);
      this.touched = false;
    }
    const open = this.open;
    this.input.setEnabled(open && this.editing);
    this.send.hidden = !(open && this.editing);
    this.cancel.hidden = !(open && this.editing && shown);
    this.change.hidden = !(open && !this.editing);
    this.withdraw.hidden = !(open && !this.editing && shown);
    const text = this.statusText(pending, shown);
    if (this.status.textContent !== text) this.status.textContent = text;
    let state = "";
    if (this.message && this.message.error) state = "error";
    else if (pending) state = "pending";
    else if (text && shown && !this.editing) state = "saved";
    this.status.dataset.state = state;
  }
}
