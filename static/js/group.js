// Breakout rounds on the phone: the group's questions, wall, +1s and summary while the round
// runs, the choice of a group in self-select rounds, and the report-back afterwards.
//
// Answers go through the phone's outbox like plenary answers (ops marked with their group),
// so a dropped connection or a reload loses nothing and a late one is reported, never dropped.
import { byId, el } from "./dom.js";
import { t } from "./i18n.js";
import { draftStore, newClientId } from "./outbox.js";
import { ENDING_MS, RoundClock, countdownState, formatRemaining } from "./countdown.js";
import { renderReport, renderWalls } from "./report.js";
import { BallotControl, isBallotFormat } from "./ballot.js";

// After the clock reaches zero the server closes the round within a second or two and says so;
// if that word got lost, the phone asks once.
const EXPIRY_RESYNC_MS = 5000;

function readStored(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || "null");
  } catch {
    return null;
  }
}

function store(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the page still works, it only forgets on reload.
  }
}

// Why a request did not go through, in words for the person holding the phone.
function refusal(reply) {
  if (reply.offline) return t("reconnecting");
  return reply.error || t("error", { message: "" });
}

export class Breakout {
  constructor({ request, resync, outbox, storagePrefix, flush, validate, maxLength }) {
    Object.assign(this, { request, resync, outbox, prefix: storagePrefix, flush, validate, maxLength });
    this.state = null; // snapshot.breakout, as phone_state made it
    this.group = null; // state.group while the round runs
    this.answers = new Map(); // the group wall, by answer id
    this.mine = new Map(); // answer id → client id of my own answers on this wall
    this.myVotes = new Set();
    this.voting = new Set();
    this.summaries = new Map(); // question id → {text, version}
    this.messages = []; // newest first
    this.panels = new Map(); // question id → Panel
    this.questionKey = null;
    this.selected = null;
    this.editing = null;
    this.helpRequested = false;
    this.expiryFor = null;
    this.clock = new RoundClock((ms) => this.renderClock(ms));
    byId("volunteer-button").addEventListener("click", () => this.volunteer());
    byId("help-button").addEventListener("click", () => this.askHelp());
    byId("question-tabs").addEventListener("keydown", (event) => this.tabKey(event));
  }

  get roundOpen() {
    return Boolean(this.state && this.state.round.status === "open");
  }

  get inGroup() {
    return Boolean(this.roundOpen && this.group);
  }

  // While a round runs the phone belongs to its group; the plenary comes back afterwards.
  get hidesPlenary() {
    return this.roundOpen;
  }

  show(breakout, serverTime) {
    const previousGroup = this.group ? this.group.id : null;
    const previousRound = this.state ? this.state.round.id : null;
    const choicesShown = !byId("group-choices").hidden;
    this.state = breakout;
    byId("breakout").hidden = !breakout;
    if (!breakout) {
      this.group = null;
      this.clock.stop();
      this.resetGroup();
      return;
    }
    const open = this.roundOpen;
    this.group = open ? breakout.group : null;
    if (breakout.round.id !== previousRound) this.messages = [];
    if (this.group) this.messages = [...this.group.messages];
    else if (!open) this.messages = [];
    byId("round-bar").hidden = !open;
    if (open) {
      byId("round-title").textContent = t("breakout_round_title", { number: breakout.round.number });
      this.setTime(breakout.round.ends_at, serverTime, false);
    } else {
      this.clock.stop();
      byId("round-warning").hidden = true;
    }
    this.renderMessages(null);
    const choosing = open && !this.group && Boolean(breakout.choices);
    byId("group-view").hidden = !this.group;
    byId("group-choices").hidden = !choosing;
    byId("group-pending").hidden = !(open && !this.group && !choosing);
    if (this.group) this.showGroup(previousGroup);
    else this.resetGroup();
    if (choosing) this.renderChoices(breakout.choices);
    this.renderResults();
    if (this.group && this.group.id !== previousGroup) byId("group-name").focus();
    else if (choosing && !choicesShown) byId("choices-title").focus();
  }

  // ---- The group while the round runs

  showGroup(previousGroup) {
    const group = this.group;
    if (group.id !== previousGroup) {
      this.loadMine(group.id);
      this.editing = null;
      this.showStatus("");
    }
    // The server lists this participant's own answers: any of their devices can edit them.
    for (const answer of group.my_answers || []) this.mine.set(answer.id, answer.client_id);
    this.saveMine();
    this.helpRequested = Boolean(group.help_requested);
    this.answers = new Map(group.answers.map((a) => [a.id, a]));
    this.myVotes = new Set(group.my_votes);
    this.summaries = new Map(Object.entries(group.summaries).map(([id, s]) => [Number(id), s]));
    this.renderHeader();
    const key = `${group.id}:${group.questions.map((q) => q.id).join(",")}`;
    if (key !== this.questionKey) this.buildPanels(key);
    for (const panel of this.panels.values()) {
      panel.renderWall();
      panel.renderSummary();
      panel.showBallot(group);
    }
  }

  resetGroup() {
    if (!this.panels.size && this.questionKey === null) return;
    for (const panel of this.panels.values()) panel.unmount();
    this.panels = new Map();
    this.questionKey = null;
    this.answers = new Map();
    byId("question-tabs").replaceChildren();
    byId("group-questions").replaceChildren();
  }

  renderHeader() {
    const group = this.group;
    byId("group-name").textContent = group.name;
    const count = el("p", { class: "members-count", text: t("breakout_members_count", { count: group.member_count }) });
    const named = group.members.some((m) => m.label);
    const members = byId("group-members");
    members.replaceChildren(count);
    // Anonymous meetings give no labels: the count is all the phone may say.
    if (named) {
      const list = el("ul", { class: "member-list" });
      for (const member of group.members) {
        list.append(
          el(
            "li",
            {},
            member.label || t("anonymous"),
            member.rapporteur ? el("span", { class: "badge rapporteur", text: t("breakout_rapporteur") }) : null,
          ),
        );
      }
      members.append(list);
    }
    let role = "";
    if (group.i_am_rapporteur) role = t("breakout_you_are_rapporteur");
    else if (!group.has_rapporteur) role = t("breakout_no_rapporteur");
    else if (!named) role = t("breakout_rapporteur_chosen");
    // Once a rapporteur, the way to the synthesis stays open after the round ends.
    if (group.i_am_rapporteur) byId("synthesis-link").hidden = false;
    byId("group-role").textContent = role;
    byId("group-role").hidden = !role;
    byId("volunteer-button").hidden = group.has_rapporteur;
    this.renderHelp();
  }

  buildPanels(key) {
    const questions = this.group.questions;
    const withTabs = questions.length > 1;
    this.questionKey = key;
    for (const panel of this.panels.values()) panel.unmount();
    this.panels = new Map(questions.map((q, index) => [q.id, new Panel(this, q, index, withTabs)]));
    if (!this.panels.has(this.selected)) this.selected = questions.length ? questions[0].id : null;
    const tabs = byId("question-tabs");
    tabs.hidden = !withTabs;
    tabs.replaceChildren(...(withTabs ? [...this.panels.values()].map((p) => p.tab) : []));
    byId("group-questions").replaceChildren(...[...this.panels.values()].map((p) => p.node));
    this.selectTab(this.selected, false);
  }

  selectTab(questionId, focus) {
    this.selected = questionId;
    for (const [id, panel] of this.panels) {
      const on = id === questionId;
      panel.node.hidden = !on;
      if (panel.tab) {
        panel.tab.setAttribute("aria-selected", String(on));
        panel.tab.tabIndex = on ? 0 : -1;
        if (on && focus) panel.tab.focus();
      }
    }
  }

  tabKey(event) {
    const ids = [...this.panels.keys()];
    const at = ids.indexOf(this.selected);
    const rtl = document.documentElement.dir === "rtl";
    const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[event.key];
    let next = null;
    if (step) next = ids[(at + step + ids.length) % ids.length];
    else if (event.key === "Home") next = ids[0];
    else if (event.key === "End") next = ids[ids.length - 1];
    if (next === null) return;
    event.preventDefault();
    this.selectTab(next, true);
  }

  renderWalls() {
    for (const panel of this.panels.values()) panel.renderWall();
  }

  // ---- Time

  setTime(endsAt, serverTime, warning) {
    this.clock.set(endsAt, serverTime);
    const left = this.clock.remaining();
    const banner = byId("round-warning");
    if (left > ENDING_MS) banner.hidden = true;
    else if (warning || (left > 0 && banner.hidden)) banner.hidden = false;
  }

  renderClock(ms) {
    byId("round-clock").textContent = ms > 0 ? formatRemaining(ms) : t("breakout_time_up");
    byId("round-bar").classList.toggle("is-urgent", countdownState(ms) !== "running");
    const endsAt = this.state && this.state.round.ends_at;
    if (ms === 0 && this.roundOpen && this.expiryFor !== endsAt) {
      this.expiryFor = endsAt;
      setTimeout(() => {
        if (this.roundOpen && this.clock.remaining() === 0) this.resync();
      }, EXPIRY_RESYNC_MS);
    }
  }

  // ---- Messages from the moderator

  renderMessages(newId) {
    const list = byId("breakout-messages");
    list.hidden = !this.messages.length;
    list.replaceChildren(
      ...this.messages.map((m) =>
        el(
          "li",
          { class: "broadcast", role: m.id === newId ? "alert" : null },
          el("span", { class: "broadcast-label", text: t("breakout_from_moderator") }),
          el("span", { class: "broadcast-text", dir: "auto", text: m.text }),
        ),
      ),
    );
  }

  // ---- Requests

  showStatus(text, isError = false) {
    const status = byId("group-status");
    status.textContent = text;
    status.classList.toggle("error", isError);
  }

  renderHelp() {
    byId("help-button").disabled = this.helpRequested;
    const status = byId("group-status");
    if (this.helpRequested) this.showStatus(t("breakout_help_notified"));
    else if (status.textContent === t("breakout_help_notified")) this.showStatus("");
  }

  async volunteer() {
    const button = byId("volunteer-button");
    button.disabled = true;
    const reply = await this.request("volunteer", {});
    button.disabled = false;
    if (!reply.ok) this.showStatus(refusal(reply), true);
    this.resync();
  }

  async askHelp() {
    byId("help-button").disabled = true;
    const reply = await this.request("ask_help", {});
    if (reply.ok) this.helpRequested = true;
    this.renderHelp();
    if (!reply.ok) this.showStatus(refusal(reply), true);
  }

  async vote(answerId) {
    const answer = this.answers.get(answerId);
    if (!answer || this.voting.has(answerId)) return;
    const supported = !this.myVotes.has(answerId);
    this.voting.add(answerId);
    this.panels.get(answer.question_id)?.renderWall();
    const reply = await this.request("vote", { answer_id: answerId, supported });
    this.voting.delete(answerId);
    const panel = this.panels.get(answer.question_id);
    if (reply.ok) {
      if (reply.supported) this.myVotes.add(answerId);
      else this.myVotes.delete(answerId);
      const current = this.answers.get(answerId);
      if (current) current.votes = reply.votes;
    } else if (panel) {
      panel.parts.error.textContent = refusal(reply);
    }
    panel?.renderWall();
  }

  editAnswer(entry, text, panel) {
    const clean = text.trim();
    const problem = this.validate(clean);
    if (problem) {
      panel.parts.error.textContent = problem;
      return;
    }
    panel.parts.error.textContent = "";
    this.editing = null;
    this.outbox.add({ type: "edit", client_id: entry.clientId, text: clean, group: this.group.id });
    const stored = entry.answer && this.answers.get(entry.answer.id);
    if (stored) stored.text = clean;
    panel.renderWall();
    this.flush();
  }

  deleteAnswer(entry, panel) {
    if (!window.confirm(t("confirm_delete"))) return;
    this.outbox.add({ type: "delete", client_id: entry.clientId, group: this.group.id });
    if (entry.answer) this.answers.delete(entry.answer.id);
    panel.renderWall();
    this.flush();
  }

  async choose(groupId, button) {
    button.disabled = true;
    byId("choices-error").textContent = "";
    const reply = await this.request("choose_group", { group_id: groupId });
    if (!reply.ok) {
      byId("choices-error").textContent = refusal(reply);
      button.disabled = false;
    }
    this.resync();
  }

  // ---- My own answers: the wall does not say whose an answer is, the acknowledgements do.

  mineKey() {
    return `${this.prefix}:group-answers`;
  }

  loadMine(groupId) {
    const stored = readStored(this.mineKey());
    const answers = stored && stored.group === groupId && stored.answers ? stored.answers : {};
    this.mine = new Map(Object.entries(answers).map(([id, clientId]) => [Number(id), clientId]));
  }

  saveMine() {
    if (this.group) store(this.mineKey(), { group: this.group.id, answers: Object.fromEntries(this.mine) });
  }

  rememberMine(answer) {
    if (!this.inGroup || answer.group_id !== this.group.id) return;
    this.mine.set(answer.id, answer.client_id);
    this.saveMine();
    const shown = this.answers.get(answer.id);
    if (shown) shown.text = answer.text;
    else {
      this.answers.set(answer.id, {
        id: answer.id,
        group_id: answer.group_id,
        question_id: answer.question_id,
        text: answer.text,
        author: null,
        votes: 0,
      });
    }
  }

  // The outbox's reply to one of this wall's operations (failures are reported by the phone).
  onReply(op, reply) {
    if (reply.ok && op.type === "delete") {
      for (const [id, clientId] of this.mine) {
        if (clientId === op.client_id) {
          this.mine.delete(id);
          this.answers.delete(id);
        }
      }
      this.saveMine();
    } else if (reply.ok && reply.answer) {
      this.rememberMine(reply.answer);
    }
    this.renderWalls();
  }

  // ---- Events

  myAnswerChanged(answer) {
    this.rememberMine(answer);
    this.panels.get(answer.question_id)?.renderWall();
  }

  wallAnswerChanged(answer) {
    if (!this.inGroup || answer.group_id !== this.group.id) return;
    if (answer.hidden) {
      this.wallAnswerRemoved(answer);
      return;
    }
    this.answers.set(answer.id, answer);
    this.panels.get(answer.question_id)?.renderWall();
  }

  wallAnswerRemoved(answer) {
    if (!this.inGroup || answer.group_id !== this.group.id) return;
    this.answers.delete(answer.id);
    this.panels.get(answer.question_id)?.renderWall();
  }

  votesChanged({ answer_id: answerId, group_id: groupId, votes }) {
    const answer = this.answers.get(answerId);
    if (!answer || !this.inGroup || groupId !== this.group.id) return;
    answer.votes = votes;
    this.panels.get(answer.question_id)?.renderWall();
  }

  summarySaved(summary) {
    if (!this.inGroup || summary.group_id !== this.group.id) return;
    this.panels.get(summary.question_id)?.summarySaved(summary);
  }

  messageBroadcast(message) {
    if (!this.roundOpen || this.messages.some((m) => m.id === message.id)) return;
    if (message.group_id !== null && (!this.group || message.group_id !== this.group.id)) return;
    this.messages = [message, ...this.messages].slice(0, 5);
    this.renderMessages(message.id);
  }

  timerChanged(data, warning) {
    if (!this.roundOpen || data.round_id !== this.state.round.id) {
      this.resync();
      return;
    }
    this.state.round.ends_at = data.ends_at;
    this.setTime(data.ends_at, data.server_time, warning);
  }

  helpChanged(data) {
    if (!this.inGroup || data.group_id !== this.group.id) return;
    this.helpRequested = data.requested;
    this.renderHelp();
  }

  // ---- Self-select rounds

  renderChoices(choices) {
    byId("choice-list").replaceChildren(
      ...choices.map((choice) => {
        const full = choice.capacity !== null && choice.members >= choice.capacity;
        const headingId = `choice-${choice.id}`;
        const button = el("button", {
          type: "button",
          class: "button primary wide",
          disabled: full,
          "aria-describedby": headingId,
          text: full ? t("breakout_group_full") : t("breakout_join_group"),
        });
        button.addEventListener("click", () => this.choose(choice.id, button));
        const places =
          choice.capacity !== null
            ? t("breakout_places_taken", { count: choice.members, capacity: choice.capacity })
            : t("breakout_members_count", { count: choice.members });
        return el(
          "li",
          { class: "card choice" },
          el("h2", { id: headingId, dir: "auto", text: choice.name }),
          el("p", { class: "hint", text: places }),
          choice.questions.length
            ? el(
                "ul",
                { class: "choice-questions" },
                ...choice.questions.map((q) => el("li", { dir: "auto", text: q.text })),
              )
            : null,
          button,
        );
      }),
    );
  }

  // ---- After the round

  renderResults() {
    const state = this.state;
    const closed = Boolean(state) && !this.roundOpen;
    const report = closed ? state.report : null;
    const walls = closed ? state.walls : null;
    const ended = byId("round-ended");
    ended.hidden = !closed || Boolean(report || walls);
    ended.textContent = closed ? t("breakout_round_ended", { number: state.round.number }) : "";
    byId("report-view").replaceChildren(...(report ? [renderReport(report, { headingLevel: 1 })] : []));
    const wallsView = byId("walls-view");
    const unfolded = new Set([...wallsView.querySelectorAll("details[open]")].map((d) => d.dataset.group));
    wallsView.replaceChildren(...(walls ? [renderWalls(walls)] : []));
    for (const fold of wallsView.querySelectorAll("details")) {
      if (unfolded.has(fold.dataset.group)) fold.open = true;
    }
  }
}

// One of the group's questions: a box to answer, the wall of answers and the summary.
class Panel {
  constructor(view, question, index, withTab) {
    this.view = view;
    this.questionId = question.id;
    const node = byId("group-question-template").content.firstElementChild.cloneNode(true);
    this.node = node;
    this.parts = {};
    for (const part of node.querySelectorAll("[data-part]")) {
      this.parts[part.dataset.part.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = part;
    }
    const p = this.parts;
    const base = `group-q${question.id}`;
    node.id = `${base}-panel`;
    p.question.textContent = question.text;
    p.answer.id = `${base}-answer`;
    p.answerLabel.htmlFor = p.answer.id;
    p.count.id = `${base}-count`;
    p.error.id = `${base}-error`;
    p.answer.setAttribute("aria-describedby", `${p.count.id} ${p.error.id}`);
    p.wallHeading.id = `${base}-wall`;
    p.wall.setAttribute("aria-labelledby", p.wallHeading.id);
    p.summaryInput.id = `${base}-summary`;
    p.summaryLabel.htmlFor = p.summaryInput.id;
    if (withTab) {
      node.setAttribute("role", "tabpanel");
      node.setAttribute("aria-labelledby", `${base}-tab`);
      this.tab = el("button", {
        type: "button",
        role: "tab",
        class: "tab",
        id: `${base}-tab`,
        "aria-controls": node.id,
        "aria-selected": "false",
        text: t("breakout_question_number", { number: index + 1 }),
      });
      this.tab.addEventListener("click", () => view.selectTab(this.questionId, false));
    }

    // Choice, rating, ranking and word questions are answered by a ballot, not on the wall.
    this.ballot = null;
    if (isBallotFormat(question.format)) {
      for (const part of [p.form, p.wallHeading, p.wall, p.wallEmpty]) part.hidden = true;
      p.ballot.hidden = false;
      this.ballot = new BallotControl(p.ballot, question, {
        outbox: view.outbox,
        flush: view.flush,
        group: view.group.id,
        open: true,
        headingLevel: 3,
        ballot: (view.group.my_ballots || {})[question.id] ?? null,
        results: (view.group.results || {})[question.id] ?? null,
      });
    }

    this.draft = draftStore(`${view.prefix}:draft:group:${question.id}`);
    p.answer.value = this.draft.get();
    this.renderCount();
    p.answer.addEventListener("input", () => {
      this.draft.set(p.answer.value);
      this.renderCount();
    });
    p.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });

    this.items = new Map(); // entry key → li
    this.signatures = new WeakMap(); // li → what it shows, to rebuild only what changed

    this.summaryKey = `${view.prefix}:summary:${view.group.id}:${question.id}`;
    this.editorReady = false;
    this.base = 0; // the version the rapporteur's text started from
    this.synced = null; // the text of that version, when the box still holds it unchanged
    this.theirs = "";
    p.summaryForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.saveSummary();
    });
    p.summaryInput.addEventListener("input", () => {
      p.summaryStatus.textContent = "";
      this.keepSummaryDraft();
    });
    p.useTheirs.addEventListener("click", () => {
      p.summaryInput.value = this.theirs;
      this.synced = this.theirs;
      p.conflict.hidden = true;
      store(this.summaryKey, null);
      p.summaryInput.focus();
    });
  }

  // The group's view from the server: this question's ballot and, when the group may see them, results.
  showBallot(group) {
    if (!this.ballot) return;
    this.ballot.setBallot((group.my_ballots || {})[this.questionId] ?? null);
    this.ballot.setResults((group.results || {})[this.questionId] ?? null);
  }

  unmount() {
    if (this.ballot) this.ballot.unmount();
  }

  renderCount() {
    const left = this.view.maxLength() - this.parts.answer.value.length;
    this.parts.count.textContent = t("chars_left", { count: left });
  }

  send() {
    const view = this.view;
    const p = this.parts;
    const text = p.answer.value.trim();
    const problem = view.validate(text);
    p.error.textContent = problem;
    p.answer.setAttribute("aria-invalid", problem ? "true" : "false");
    if (problem || !view.inGroup) return;
    view.outbox.add({
      type: "submit",
      client_id: newClientId(),
      question_id: this.questionId,
      text,
      group: view.group.id,
    });
    p.answer.value = "";
    this.draft.set("");
    this.renderCount();
    this.renderWall();
    view.flush();
  }

  // ---- The wall: newest first, my answers not yet delivered on top.

  entries() {
    const view = this.view;
    const groupId = view.group.id;
    const pending = view.outbox.pending().filter((op) => op.group === groupId);
    // Changes still waiting to be sent show as the person made them, even after a resync.
    const edited = new Map(pending.filter((op) => op.type === "edit").map((op) => [op.client_id, op.text]));
    const deleted = new Set(pending.filter((op) => op.type === "delete").map((op) => op.client_id));
    const waiting = pending
      .filter((op) => op.type === "submit" && op.question_id === this.questionId)
      .reverse()
      .map((op) => ({ key: `p:${op.client_id}`, clientId: op.client_id, text: op.text, mine: true, pending: true }));
    const wall = [...view.answers.values()]
      .filter((a) => a.question_id === this.questionId && !deleted.has(view.mine.get(a.id)))
      .sort((a, b) => b.id - a.id)
      .map((a) => {
        const clientId = view.mine.get(a.id);
        const text = edited.get(clientId) ?? a.text;
        return { key: `a:${a.id}`, answer: a, clientId, text, mine: Boolean(clientId), pending: false };
      });
    return [...waiting, ...wall];
  }

  renderWall() {
    const list = this.parts.wall;
    const entries = this.entries();
    const seen = new Set();
    entries.forEach((entry, index) => {
      let item = this.items.get(entry.key);
      if (!item) {
        item = el("li");
        this.items.set(entry.key, item);
      }
      this.fill(item, entry);
      // Move only what is out of place, so focus and the open editor stay where they are.
      if (list.children[index] !== item) list.insertBefore(item, list.children[index] || null);
      seen.add(entry.key);
    });
    for (const [key, item] of this.items) {
      if (!seen.has(key)) {
        item.remove();
        this.items.delete(key);
      }
    }
    this.parts.wallEmpty.hidden = entries.length > 0 || Boolean(this.ballot);
  }

  fill(item, entry) {
    const view = this.view;
    const open = view.inGroup;
    const editing = open && entry.mine && view.editing === entry.clientId;
    const author = entry.answer ? entry.answer.author : null;
    const signature = editing ? "editing" : JSON.stringify([entry.text, author, entry.mine, entry.pending, open]);
    if (this.signatures.get(item) !== signature) {
      this.signatures.set(item, signature);
      item.className = entry.pending ? "pending" : entry.mine ? "mine" : "";
      item.replaceChildren(...(editing ? this.editor(entry) : this.content(entry, author, open)));
    }
    const vote = item.querySelector(".vote");
    if (vote) {
      const id = entry.answer.id;
      vote.setAttribute("aria-pressed", String(view.myVotes.has(id)));
      vote.querySelector(".vote-count").textContent = String(entry.answer.votes || 0);
      vote.disabled = view.voting.has(id);
    }
  }

  content(entry, author, open) {
    const view = this.view;
    const parts = [el("p", { class: "answer-text", dir: "auto", text: entry.text })];
    const meta = [
      entry.mine ? el("span", { class: "badge", text: t("breakout_you") }) : null,
      author ? el("span", { text: author }) : null,
      entry.pending ? el("span", { text: t("queued") }) : null,
    ].filter(Boolean);
    if (meta.length) parts.push(el("p", { class: "answer-meta" }, ...meta));
    const actions = [];
    if (!entry.pending) {
      const id = entry.answer.id;
      actions.push(
        el(
          "button",
          {
            type: "button",
            class: "button small vote",
            "aria-pressed": "false",
            title: t("breakout_vote_hint"),
            onclick: () => view.vote(id),
          },
          "+1 ",
          el("span", { class: "vote-count", text: "0" }),
        ),
      );
    }
    if (open && entry.mine) {
      actions.push(
        el("button", {
          type: "button",
          class: "button small",
          text: t("edit"),
          onclick: () => {
            view.editing = entry.clientId;
            this.renderWall();
          },
        }),
        el("button", {
          type: "button",
          class: "button danger small",
          text: t("delete"),
          onclick: () => view.deleteAnswer(entry, this),
        }),
      );
    }
    if (actions.length) parts.push(el("div", { class: "answer-actions" }, ...actions));
    return parts;
  }

  editor(entry) {
    const view = this.view;
    const box = el("textarea", { "aria-label": t("edit"), rows: "3" });
    box.value = entry.text;
    queueMicrotask(() => box.focus());
    return [
      box,
      el(
        "div",
        { class: "answer-actions" },
        el("button", {
          type: "button",
          class: "button primary small",
          text: t("save"),
          onclick: () => view.editAnswer(entry, box.value, this),
        }),
        el("button", {
          type: "button",
          class: "button small",
          text: t("cancel"),
          onclick: () => {
            view.editing = null;
            this.renderWall();
          },
        }),
      ),
    ];
  }

  // ---- The summary: everyone reads it; the rapporteur writes it, and never loses a word
  // to someone who saved meanwhile.

  current() {
    return this.view.summaries.get(this.questionId) || { text: "", version: 0 };
  }

  renderSummary() {
    const p = this.parts;
    const summary = this.current();
    const editor = this.view.inGroup && this.view.group.i_am_rapporteur;
    p.summaryText.hidden = editor;
    p.summaryForm.hidden = !editor;
    if (!editor) {
      this.editorReady = false;
      p.summaryText.textContent = summary.text || t("breakout_summary_none");
      p.summaryText.classList.toggle("is-empty", !summary.text);
      return;
    }
    if (this.editorReady) return;
    this.editorReady = true;
    const draft = readStored(this.summaryKey);
    if (draft && typeof draft.text === "string" && draft.text !== summary.text) {
      p.summaryInput.value = draft.text;
      this.base = Number.isInteger(draft.base) ? draft.base : summary.version;
      this.synced = null;
    } else {
      p.summaryInput.value = summary.text;
      this.base = summary.version;
      this.synced = summary.text;
    }
  }

  keepSummaryDraft() {
    const text = this.parts.summaryInput.value;
    store(this.summaryKey, text === this.synced ? null : { text, base: this.base });
  }

  summarySaved(summary) {
    if (summary.version < this.current().version) return;
    this.view.summaries.set(this.questionId, { text: summary.text, version: summary.version });
    if (this.editorReady) {
      const input = this.parts.summaryInput;
      if (input.value === this.synced) input.value = summary.text;
      // If the rapporteur has changed the text, it stays; saving it will show both versions.
      if (input.value === summary.text) {
        this.synced = summary.text;
        this.base = summary.version;
        store(this.summaryKey, null);
      }
    }
    this.renderSummary();
  }

  async saveSummary() {
    const p = this.parts;
    const text = p.summaryInput.value;
    p.summarySave.disabled = true;
    p.summaryStatus.classList.remove("error");
    p.summaryStatus.textContent = t("sending");
    const reply = await this.view.request("save_summary", {
      question_id: this.questionId,
      text,
      base_version: this.base,
    });
    p.summarySave.disabled = false;
    if (reply.ok) {
      const saved = reply.summary;
      this.view.summaries.set(this.questionId, { text: saved.text, version: saved.version });
      this.base = saved.version;
      this.synced = saved.text;
      p.conflict.hidden = true;
      p.summaryStatus.textContent = t("breakout_saved");
      this.keepSummaryDraft();
    } else if (reply.conflict && reply.summary) {
      const theirs = reply.summary;
      this.view.summaries.set(this.questionId, { text: theirs.text, version: theirs.version });
      this.base = theirs.version;
      this.synced = theirs.text;
      this.theirs = theirs.text;
      p.summaryStatus.textContent = "";
      p.conflict.hidden = false;
      p.conflictMessage.textContent = reply.error;
      p.conflictTheirs.textContent = theirs.text || t("breakout_summary_none");
      this.keepSummaryDraft();
    } else {
      p.summaryStatus.classList.add("error");
      p.summaryStatus.textContent = refusal(reply);
    }
  }
}
