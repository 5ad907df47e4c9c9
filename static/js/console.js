// The moderator's console: push questions, watch answers arrive, hide what must go.
import { RoundClock, formatRemaining } from "./countdown.js";
import { byId, el } from "./dom.js";
import { t } from "./i18n.js";
import { Stage, answerItem, connectStage, showResults, wallResults } from "./stage.js";
import { FloorConsole } from "./floor-screens.js";

const state = { questions: [], meeting: null };
const stage = new Stage({ onChange: render });
// Questions from the floor: the button that opens them, and their moderation in the live card.
const floor = new FloorConsole({ request: (event, payload) => act(event, payload) });
// The breakout round, if any: the console links to the cockpit and shows the time left.
const breakout = {
  state: null,
  clock: new RoundClock((ms) => {
    byId("breakout-time").textContent = t("cockpit_time_left", { time: formatRemaining(ms) });
  }),
};

function showError(message) {
  byId("console-error").textContent = message ? t("error", { message }) : "";
}

async function act(event, payload) {
  const reply = await live.request(event, payload);
  showError(reply.ok ? "" : reply.error);
  return reply;
}

function questionItem(question, number) {
  const current = stage.isCurrent(question.id);
  const item = el("li", { class: current ? "is-current" : "" });
  item.append(el("p", { class: "answer-text", dir: "auto", text: `${number}. ${question.text}` }));
  const status = current && question.status === "open" ? t("live") : question.status === "draft" ? "" : t("closed");
  const push = el("button", { class: "button small primary", type: "button", text: t("open_question") });
  push.disabled = current && question.status === "open";
  push.addEventListener("click", () => act("open_question", { question_id: question.id }));
  item.append(el("div", { class: "answer-actions" }, push, status ? el("span", { class: "badge", text: status }) : null));
  return item;
}

// The moderator sees hidden answers too, marked, with the button that shows them again.
function moderatedAnswer(answer) {
  const meta = [answer.author || t("anonymous")];
  if (answer.hidden) meta.push(t("hidden"));
  const toggle = el("button", {
    class: answer.hidden ? "button small" : "button small danger",
    type: "button",
    text: answer.hidden ? t("unhide") : t("hide"),
  });
  toggle.addEventListener("click", () => act("hide_answer", { answer_id: answer.id, hidden: !answer.hidden }));
  const attributes = { class: answer.hidden ? "is-hidden" : "", "data-answer-id": String(answer.id) };
  return answerItem(answer, meta, attributes, el("div", { class: "answer-actions" }, toggle));
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
  const index = stage.question ? guiding.findIndex((q) => q.id === stage.question.id) : -1;
  return guiding.slice(index + 1).find((q) => q.status !== "open") || null;
}

// ---------------------------------------------------------------- results of a ballot question

// The visibility the moderator just chose, until the server acknowledges it: a render meanwhile
// must not put the old one back under their cursor.
const visibility = { pending: false };

function settingsOf(question) {
  return question.settings || {};
}

function renderResults(question) {
  const chart = byId("results-chart");
  showResults(chart, stage.results);
  // Until the first count arrives, a moment after the question opens.
  if (!stage.results && !chart.firstChild) chart.append(el("p", { class: "hint", text: t("no_answers_yet") }));
  const settings = settingsOf(question);
  if (!visibility.pending) {
    byId("results-live").checked = settings.results !== "after_close";
    byId("results-after-close").checked = settings.results === "after_close";
    byId("results-phones").checked = Boolean(settings.phones_see_results);
  }
  const wall = wallResults(question, Boolean(state.meeting && state.meeting.projector_shows_answers));
  const lines = [t(`results_wall_${wall}`)];
  if (settings.phones_see_results) lines.push(t("results_phones_too"));
  const text = lines.join(" ");
  if (byId("results-wall").textContent !== text) byId("results-wall").textContent = text;
}

async function sendVisibility() {
  const question = stage.question;
  if (!question) return;
  visibility.pending = true;
  byId("results-settings").setAttribute("aria-busy", "true");
  const reply = await live.request("set_results_visibility", {
    question_id: question.id,
    results: byId("results-after-close").checked ? "after_close" : "live",
    phones_see_results: byId("results-phones").checked,
  });
  visibility.pending = false;
  byId("results-settings").removeAttribute("aria-busy");
  byId("results-error").textContent = reply.ok ? "" : t("error", { message: reply.error });
  if (reply.ok && reply.question) questionUpdated(reply.question);
  // What the server holds now, whether it took the change or not.
  render();
}

// The question's settings changed (results visibility): the list and, if it is on stage, the stage.
function questionUpdated(question) {
  const index = state.questions.findIndex((q) => q.id === question.id);
  if (index >= 0) state.questions[index] = question;
  if (stage.isCurrent(question.id)) stage.question = question;
}

function render() {
  floor.render(stage.question);
  const guiding = state.questions.filter((q) => q.kind === "guiding");
  byId("question-list").replaceChildren(...guiding.map((q, i) => questionItem(q, i + 1)));
  byId("participant-count").textContent = t("participants_count", { count: stage.participants.length });
  byId("people").replaceChildren(...stage.participants.map(personItem));
  const question = stage.question;
  byId("no-current").hidden = Boolean(question);
  byId("current-view").hidden = !question;
  if (!question) return;
  byId("current-text").textContent = question.text;
  byId("current-status").textContent = question.status === "open" ? t("live") : t("closed");
  byId("close-button").disabled = question.status !== "open";
  const next = nextQuestion();
  byId("next-button").disabled = !next;
  byId("next-button").title = next ? next.text : "";
  const progress = stage.progress;
  const ballot = stage.isBallot();
  // A ballot question has no written answers: who answered, and the results, in their place.
  byId("progress").textContent = progress
    ? ballot
      ? stage.answeredLine()
      : `${stage.answeredLine()} · ${t("answers_count", { count: progress.answers })}`
    : "";
  byId("projector-answers").checked = Boolean(state.meeting && state.meeting.projector_shows_answers);
  byId("current-view").classList.toggle("is-ballot", ballot);
  byId("results-panel").hidden = !ballot;
  if (ballot) renderResults(question);
  byId("answers").replaceChildren(...stage.sortedAnswers().map(moderatedAnswer));
}

// One question is live at a time: opening one closes the one before, as the server did.
function questionChanged(question) {
  if (question.status === "open") {
    for (const other of state.questions) if (other.status === "open" && other.id !== question.id) other.status = "closed";
  }
  const index = state.questions.findIndex((q) => q.id === question.id);
  if (index >= 0) state.questions[index] = question;
  else state.questions.push(question);
  stage.question = question;
}

function renderBreakout(serverTime) {
  const round = breakout.state && breakout.state.round;
  const open = Boolean(round && round.status === "open");
  const closed = Boolean(round && round.status === "closed");
  byId("breakout-open").hidden = !round;
  byId("breakouts-card").classList.toggle("is-active", Boolean(round));
  byId("breakout-cockpit").hidden = !open;
  byId("breakout-report").hidden = !closed;
  byId("breakout-time").textContent = "";
  if (open) breakout.clock.set(round.ends_at, serverTime);
  else breakout.clock.stop();
  if (!round) return;
  byId("breakout-round").textContent = `${t("cockpit_round_number", { number: round.number })} · ${open ? t("live") : t("closed")}`;
}

function breakoutTimer(data) {
  const round = breakout.state && breakout.state.round;
  if (round && round.status === "open") breakout.clock.set(data.ends_at, data.server_time);
}

byId("close-button").addEventListener("click", () => act("close_question", {}));
byId("next-button").addEventListener("click", () => {
  const next = nextQuestion();
  if (next) act("open_question", { question_id: next.id });
});
byId("projector-answers").addEventListener("change", (event) =>
  act("show_answers_on_projector", { show: event.target.checked }),
);
for (const control of [byId("results-live"), byId("results-after-close"), byId("results-phones")]) {
  control.addEventListener("change", sendVisibility);
}

// ---------------------------------------------------------------- the ad-hoc question

// Formats whose options the moderator writes, one per line.
const WITH_OPTIONS = new Set(["single", "multiple", "ranking"]);
// The scale a quick rating runs on, the question itself rated.
const QUICK_RATING = { scale_min: 1, scale_max: 5 };

function adhocError(message) {
  byId("adhoc-error").textContent = message;
}

function showAdhocOptions() {
  byId("adhoc-options-field").hidden = !WITH_OPTIONS.has(byId("adhoc-format").value);
}

byId("adhoc-format").addEventListener("change", showAdhocOptions);
showAdhocOptions();

byId("adhoc-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = byId("adhoc-text");
  const format = byId("adhoc-format").value;
  const optionsBox = byId("adhoc-options");
  box.setAttribute("aria-invalid", "false");
  if (!box.value.trim()) {
    adhocError(t("empty"));
    box.setAttribute("aria-invalid", "true");
    box.focus();
    return;
  }
  const payload = { text: box.value, format };
  if (WITH_OPTIONS.has(format)) payload.options = optionsBox.value.split("\n").filter((line) => line.trim());
  if (format === "rating") payload.settings = { ...QUICK_RATING };
  const reply = await live.request("open_question", payload);
  // The server says what is wrong (too few options, two the same…), next to the form.
  adhocError(reply.ok ? "" : t("error", { message: reply.error }));
  if (!reply.ok) return;
  box.value = "";
  optionsBox.value = "";
});

const live = connectStage(stage, {
  view: "console",
  onSnapshot(snapshot) {
    state.meeting = snapshot.meeting;
    state.questions = snapshot.questions;
    stage.load(snapshot);
    stage.participants = snapshot.participants;
    breakout.state = snapshot.breakout || null;
    floor.load(snapshot);
    render();
    renderBreakout(snapshot.server_time);
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
      const progress = data.progress || { question_id: data.question.id, answers: 0, answered: 0, participants: stage.participants.length };
      stage.load({ question: data.question, progress, answers: [] });
      render();
    },
    question_closed(data) {
      questionChanged(data.question);
      render();
    },
    participant_joined({ participant }) {
      stage.join(participant);
      render();
      duplicatesSoon();
    },
    // Someone was removed, merged or had their answers hidden: read everything again.
    participants_changed: () => live.resync(),
    meeting_changed(meeting) {
      state.meeting = meeting;
      render();
    },
    question_updated({ question }) {
      questionUpdated(question);
      render();
    },
    // A breakout round opened or closed, or report-back moved on.
    phase_changed: () => live.resync(),
    timer_changed: breakoutTimer,
    round_warning: breakoutTimer,
    ...floor.events(),
  },
});
