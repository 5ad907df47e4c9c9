// The moderator's console: push questions, watch answers arrive, hide what must go.
import { connectLive } from "./live.js";
import { byId, el } from "./dom.js";
import { pageConfig, t } from "./i18n.js";

const config = pageConfig();
const state = { questions: [], question: null, answers: new Map(), participants: [], progress: null, meeting: null };
// The breakout round, if any: the console links to the cockpit and shows the time left.
const breakout = { state: null, endsAt: null, clockOffset: 0 };

function showError(message) {
  byId("console-error").textContent = message ? t("error", { message }) : "";
}

async function act(event, payload) {
  const reply = await live.request(event, payload);
  showError(reply.ok ? "" : reply.error);
  return reply;
}

function questionItem(question, number) {
  const current = state.question && state.question.id === question.id;
  const item = el("li", { class: current ? "is-current" : "" });
  item.append(el("p", { class: "answer-text", dir: "auto", text: `${number}. ${question.text}` }));
  const status = current && question.status === "open" ? t("live") : question.status === "draft" ? "" : t("closed");
  const push = el("button", { class: "button small primary", type: "button", text: t("open_question") });
  push.disabled = current && question.status === "open";
  push.addEventListener("click", () => act("open_question", { question_id: question.id }));
  item.append(el("div", { class: "answer-actions" }, push, status ? el("span", { class: "badge", text: status }) : null));
  return item;
}

function answerItem(answer) {
  const item = el("li", { class: answer.hidden ? "is-hidden" : "", "data-answer-id": String(answer.id) });
  item.append(el("p", { class: "answer-text", dir: "auto", text: answer.text }));
  const meta = [answer.author || t("anonymous")];
  if (answer.hidden) meta.push(t("hidden"));
  item.append(el("p", { class: "answer-meta", dir: "auto", text: meta.join(" · ") }));
  const toggle = el("button", {
    class: answer.hidden ? "button small" : "button small danger",
    type: "button",
    text: answer.hidden ? t("unhide") : t("hide"),
  });
  toggle.addEventListener("click", () => act("hide_answer", { answer_id: answer.id, hidden: !answer.hidden }));
  item.append(el("div", { class: "answer-actions" }, toggle));
  return item;
}

// People: remove someone (and all they sent), hide all their answers, and merge identities
// that are likely one person who joined again (same name, same network, minutes apart).
const people = { duplicateOf: new Map(), timer: null };

async function loadDuplicates() {
  const reply = await live.request("likely_duplicates", {});
  if (!reply.ok) return;
  people.duplicateOf = new Map();
  for (const chain of reply.duplicates) {
    for (const later of chain.slice(1)) people.duplicateOf.set(later.id, chain[0]);
  }
  render();
}

function duplicatesSoon() {
  // Joins arrive in bursts: one look at the list for a burst.
  window.clearTimeout(people.timer);
  people.timer = window.setTimeout(loadDuplicates, 1500);
}

function personName(p) {
  return [p.display_name, p.country].filter(Boolean).join(" · ") || "—";
}

function personItem(p) {
  const item = el("li", { "data-participant-id": String(p.id) });
  item.append(el("span", { dir: "auto", text: personName(p) }));
  const original = people.duplicateOf.get(p.id);
  const actions = [];
  if (original) {
    item.append(el("span", { class: "badge", dir: "auto", text: t("possible_duplicate", { name: original.display_name }) }));
    const merge = el("button", { class: "button small", type: "button", text: t("merge") });
    merge.addEventListener("click", () => {
      if (window.confirm(t("confirm_merge", { name: original.display_name }))) {
        act("merge_participants", { keep_id: original.id, merge_id: p.id });
      }
    });
    actions.push(merge);
  }
  const hide = el("button", { class: "button small", type: "button", text: t("hide_all_answers") });
  hide.addEventListener("click", () => {
    if (window.confirm(t("confirm_hide_all", { name: personName(p) }))) {
      act("hide_participant_answers", { participant_id: p.id });
    }
  });
  const remove = el("button", { class: "button small danger", type: "button", text: t("remove_participant") });
  remove.addEventListener("click", () => {
    if (window.confirm(t("confirm_remove", { name: personName(p) }))) {
      act("remove_participant", { participant_id: p.id });
    }
  });
  item.append(el("span", { class: "answer-actions" }, ...actions, hide, remove));
  return item;
}

function nextQuestion() {
  const guiding = state.questions.filter((q) => q.kind === "guiding");
  const index = state.question ? guiding.findIndex((q) => q.id === state.question.id) : -1;
  return guiding.slice(index + 1).find((q) => q.status !== "open") || null;
}

function render() {
  const guiding = state.questions.filter((q) => q.kind === "guiding");
  byId("question-list").replaceChildren(...guiding.map((q, i) => questionItem(q, i + 1)));
  byId("participant-count").textContent = t("participants_count", { count: state.participants.length });
  byId("people").replaceChildren(...state.participants.map(personItem));
  const question = state.question;
  byId("no-current").hidden = Boolean(question);
  byId("current-view").hidden = !question;
  if (!question) return;
  byId("current-text").textContent = question.text;
  byId("current-status").textContent = question.status === "open" ? t("live") : t("closed");
  byId("close-button").disabled = question.status !== "open";
  const next = nextQuestion();
  byId("next-button").disabled = !next;
  byId("next-button").title = next ? next.text : "";
  const progress = state.progress;
  byId("progress").textContent = progress
    ? `${t("answered_count", { answered: progress.answered, total: progress.participants })} · ${t("answers_count", { count: progress.answers })}`
    : "";
  byId("projector-answers").checked = Boolean(state.meeting && state.meeting.projector_shows_answers);
  const answers = [...state.answers.values()].sort((a, b) => a.id - b.id);
  byId("answers").replaceChildren(...answers.map(answerItem));
}

// One question is live at a time: opening one closes the one before, as the server did.
function questionChanged(question) {
  if (question.status === "open") {
    for (const other of state.questions) if (other.status === "open" && other.id !== question.id) other.status = "closed";
  }
  const index = state.questions.findIndex((q) => q.id === question.id);
  if (index >= 0) state.questions[index] = question;
  else state.questions.push(question);
  state.question = question;
}

function breakoutRemaining() {
  const total = Math.max(0, Math.ceil((breakout.endsAt - (Date.now() + breakout.clockOffset)) / 1000));
  const pad = (n) => String(n).padStart(2, "0");
  const hours = Math.floor(total / 3600);
  const clock = `${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  return hours ? `${hours}:${clock}` : clock;
}

function tickBreakout() {
  const round = breakout.state && breakout.state.round;
  if (!round || round.status !== "open") return;
  byId("breakout-time").textContent = t("cockpit_time_left", { time: breakoutRemaining() });
}

function renderBreakout() {
  const round = breakout.state && breakout.state.round;
  const open = Boolean(round && round.status === "open");
  const closed = Boolean(round && round.status === "closed");
  byId("breakout-open").hidden = !round;
  byId("breakouts-card").classList.toggle("is-active", Boolean(round));
  byId("breakout-cockpit").hidden = !open;
  byId("breakout-report").hidden = !closed;
  if (!round) return;
  breakout.endsAt = Date.parse(round.ends_at);
  byId("breakout-round").textContent = `${t("cockpit_round_number", { number: round.number })} · ${open ? t("live") : t("closed")}`;
  byId("breakout-time").textContent = "";
  tickBreakout();
}

function breakoutTimer(data) {
  if (data.server_time) breakout.clockOffset = Date.parse(data.server_time) - Date.now();
  breakout.endsAt = Date.parse(data.ends_at);
  tickBreakout();
}

byId("close-button").addEventListener("click", () => act("close_question", {}));
byId("next-button").addEventListener("click", () => {
  const next = nextQuestion();
  if (next) act("open_question", { question_id: next.id });
});
byId("projector-answers").addEventListener("change", (event) =>
  act("show_answers_on_projector", { show: event.target.checked }),
);
byId("adhoc-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = byId("adhoc-text");
  if (!box.value.trim()) {
    showError(t("empty"));
    return;
  }
  const reply = await act("open_question", { text: box.value });
  if (reply.ok) box.value = "";
});

const live = connectLive({
  view: "console",
  meeting: config.meeting,
  onRefused: () => window.location.reload(),
  onSnapshot(snapshot) {
    state.meeting = snapshot.meeting;
    state.questions = snapshot.questions;
    state.question = snapshot.question;
    state.participants = snapshot.participants;
    state.progress = snapshot.progress;
    state.answers = new Map(snapshot.answers.map((a) => [a.id, a]));
    breakout.state = snapshot.breakout || null;
    if (snapshot.server_time) breakout.clockOffset = Date.parse(snapshot.server_time) - Date.now();
    render();
    renderBreakout();
    duplicatesSoon();
  },
  events: {
    // A fresh question has no answers yet: the event says all there is to know, and a room of
    // thousands is not listed again on every push. A reopened one has answers: read them.
    question_opened(data) {
      if (!data.fresh) {
        live.resync();
        return;
      }
      questionChanged(data.question);
      state.answers = new Map();
      state.progress = data.progress || { question_id: data.question.id, answers: 0, answered: 0, participants: state.participants.length };
      render();
    },
    question_closed(data) {
      questionChanged(data.question);
      render();
    },
    answer_changed(answer) {
      if (state.question && answer.question_id === state.question.id) {
        state.answers.set(answer.id, answer);
        render();
      }
    },
    answer_removed(answer) {
      state.answers.delete(answer.id);
      render();
    },
    progress(progress) {
      if (state.question && progress.question_id === state.question.id) {
        state.progress = progress;
        render();
      }
    },
    participant_joined({ participant }) {
      if (!state.participants.some((p) => p.id === participant.id)) state.participants.push(participant);
      render();
      duplicatesSoon();
    },
    // Someone was removed, merged or had their answers hidden: read everything again.
    participants_changed: () => live.resync(),
    meeting_changed(meeting) {
      state.meeting = meeting;
      render();
    },
    // A breakout round opened or closed, or report-back moved on.
    phase_changed: () => live.resync(),
    timer_changed: breakoutTimer,
    round_warning: breakoutTimer,
  },
});
window.setInterval(tickBreakout, 1000);
