// The wall: the QR code in the lobby, then the live question and, if chosen, its answers;
// during a breakout round its clock, and at report-back what the group found.
import { ENDING_MS, RoundClock, countdownState, formatRemaining } from "./countdown.js";
import { byId, el } from "./dom.js";
import { t } from "./i18n.js";
import { renderReport } from "./report.js";
import { Stage, answerItem, connectStage, refitResults, showResults, wallResults } from "./stage.js";
import { FloorProjector } from "./floor-screens.js";

const state = {
  participantCount: 0,
  showAnswers: false,
  breakout: null, // snapshot.breakout, as wall_state made it
  messages: [], // newest first
};
// Its participants are listed by name where answers are attributed; none in an anonymous meeting.
// A hidden answer leaves the wall.
const stage = new Stage({ onChange: render, shows: (answer) => !answer.hidden });
// Questions from the floor: the most voted, or the one the moderator spotlights, in big type.
const floor = new FloorProjector({ resync: () => live.resync() });
const clock = new RoundClock((ms) => {
  byId("round-clock").textContent = ms > 0 ? formatRemaining(ms) : t("breakout_time_up");
  byId("round-stage").classList.toggle("is-urgent", countdownState(ms) !== "running");
});
let shownReport = null;

// A running round fills the wall; after it, the report-back does until the moderator ends it.
function currentScreen() {
  const breakout = state.breakout;
  if (breakout && breakout.round.status === "open") return "round";
  if (breakout && breakout.report) return "report";
  if (stage.question && stage.question.status === "open") return "question";
  // A closed choice, rating, ranking or word question keeps its results on the wall (shown only
  // now, if the moderator chose "after closing") until the next question.
  return stage.isBallot() && stage.results ? "question" : "lobby";
}

// The chart in big type, or why it is not there yet; the line of who answered stays above it.
function renderResultsStage(question) {
  const ballot = stage.isBallot();
  byId("question-stage").classList.toggle("is-ballot", ballot);
  const wall = ballot ? wallResults(question, state.showAnswers) : "off";
  byId("results-later").hidden = wall !== "after_close";
  // The rule decides at once: results the server has not yet taken back never show meanwhile.
  const results = wall === "shown" ? stage.results : null;
  byId("results-stage").hidden = !results;
  showResults(byId("results-stage"), results, { big: true, fit: true });
}

function renderRound() {
  const breakout = state.breakout;
  byId("round-title").textContent = t("breakout_round_title", { number: breakout.round.number });
  const latest = state.messages[0];
  byId("round-message").hidden = !latest;
  byId("round-message-text").textContent = latest ? latest.text : "";
  byId("round-groups").replaceChildren(...breakout.groups.map((g) => el("li", { dir: "auto", text: g.name })));
}

function renderReportStage() {
  const report = state.breakout.report;
  if (report === shownReport) return;
  shownReport = report;
  byId("report-content").replaceChildren(renderReport(report, { headingLevel: 1, big: true }));
}

function setTime(endsAt, serverTime, warning) {
  clock.set(endsAt, serverTime);
  const left = clock.remaining();
  const banner = byId("round-warning");
  if (left > ENDING_MS) banner.hidden = true;
  else if (warning || left > 0) banner.hidden = false;
}

function render() {
  floor.render(stage.question);
  const question = stage.question;
  const current = currentScreen();
  const asking = current === "question";
  byId("lobby").hidden = current !== "lobby";
  byId("question-stage").hidden = !asking;
  byId("round-stage").hidden = current !== "round";
  byId("report-stage").hidden = current !== "report";
  if (current === "round") renderRound();
  if (current === "report") renderReportStage();
  byId("participant-count").textContent = t("participants_count", { count: state.participantCount });
  byId("people").replaceChildren(
    ...stage.participants.map((p) => el("li", { dir: "auto", text: p.display_name || p.country || "—" })),
  );
  if (!asking) return;
  byId("question-text").textContent = question.text;
  byId("progress").textContent = stage.answeredLine();
  renderResultsStage(question);
  const answers = state.showAnswers ? stage.sortedAnswers() : [];
  byId("answers").replaceChildren(...answers.map((a) => answerItem(a, a.author ? [a.author] : [])));
}

function applyStage(data) {
  stage.load(data);
  render();
}

function applyBreakout(breakout, serverTime) {
  const previous = state.breakout;
  state.breakout = breakout;
  if (!previous || !breakout || previous.round.id !== breakout.round.id) state.messages = [];
  if (breakout && breakout.round.status === "open") {
    state.messages = [...breakout.messages];
    setTime(breakout.round.ends_at, serverTime, false);
  } else {
    clock.stop();
    byId("round-warning").hidden = true;
  }
}

function onTimer(data, warning) {
  const breakout = state.breakout;
  if (!breakout || breakout.round.status !== "open" || breakout.round.id !== data.round_id) {
    live.resync();
    return;
  }
  breakout.round.ends_at = data.ends_at;
  setTime(data.ends_at, data.server_time, warning);
}

const live = connectStage(stage, {
  view: "projector",
  onSnapshot(snapshot) {
    floor.load(snapshot);
    state.showAnswers = snapshot.meeting.projector_shows_answers;
    stage.participants = snapshot.participants;
    state.participantCount = snapshot.participant_count ?? snapshot.participants.length;
    applyBreakout(snapshot.breakout, snapshot.server_time);
    applyStage(snapshot);
  },
  events: {
    phase_changed: () => live.resync(),
    timer_changed: (data) => onTimer(data, false),
    round_warning: (data) => onTimer(data, true),
    message_broadcast(message) {
      if (message.group_id !== null || state.messages.some((m) => m.id === message.id)) return;
      state.messages = [message, ...state.messages];
      if (currentScreen() === "round") renderRound();
    },
    question_opened: applyStage,
    question_closed: applyStage,
    ...floor.events(),
    participant_joined({ participant, participant_count: count }) {
      if (stage.join(participant)) state.participantCount = stage.participants.length;
      if (typeof count === "number") state.participantCount = count;
      render();
    },
  },
});

// A window made larger or smaller (the wall's resolution changed): the chart fits it again.
let refitting = false;
window.addEventListener("resize", () => {
  if (refitting) return;
  refitting = true;
  window.requestAnimationFrame(() => {
    refitting = false;
    refitResults(byId("results-stage"));
  });
});
