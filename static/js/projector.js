// The wall: the QR code in the lobby, then the live question and, if chosen, its answers;
// during a breakout round its clock, and at report-back what the group found.
import { connectLive } from "./live.js";
import { byId, el } from "./dom.js";
import { pageConfig, t } from "./i18n.js";
import { RoundClock, formatRemaining, renderReport } from "./report.js";

const WARNING_MS = 60 * 1000;
const config = pageConfig();
const state = {
  question: null,
  answers: new Map(),
  participants: [], // by name where answers are attributed; empty in an anonymous meeting
  participantCount: 0,
  progress: null,
  showAnswers: false,
  breakout: null, // snapshot.breakout, as wall_state made it
  messages: [], // newest first
};
const clock = new RoundClock((ms) => {
  byId("round-clock").textContent = ms > 0 ? formatRemaining(ms) : t("breakout_time_up");
  byId("round-stage").classList.toggle("is-urgent", ms <= WARNING_MS);
});
let shownReport = null;

// A running round fills the wall; after it, the report-back does until the moderator ends it.
function stage() {
  const breakout = state.breakout;
  if (breakout && breakout.round.status === "open") return "round";
  if (breakout && breakout.report) return "report";
  return state.question && state.question.status === "open" ? "question" : "lobby";
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
  byId("report-content").replaceChildren(renderReport(report, { headingLevel: 1 }));
}

function setTime(endsAt, serverTime, warning) {
  clock.set(endsAt, serverTime);
  const left = clock.remaining();
  const banner = byId("round-warning");
  if (left > WARNING_MS) banner.hidden = true;
  else if (warning || left > 0) banner.hidden = false;
}

function render() {
  const question = state.question;
  const current = stage();
  const asking = current === "question";
  byId("lobby").hidden = current !== "lobby";
  byId("question-stage").hidden = !asking;
  byId("round-stage").hidden = current !== "round";
  byId("report-stage").hidden = current !== "report";
  if (current === "round") renderRound();
  if (current === "report") renderReportStage();
  byId("participant-count").textContent = t("participants_count", { count: state.participantCount });
  byId("people").replaceChildren(
    ...state.participants.map((p) => el("li", { dir: "auto", text: p.display_name || p.country || "—" })),
  );
  if (!asking) return;
  byId("question-text").textContent = question.text;
  const progress = state.progress;
  byId("progress").textContent = progress
    ? t("answered_count", { answered: progress.answered, total: progress.participants })
    : "";
  const answers = state.showAnswers ? [...state.answers.values()].sort((a, b) => a.id - b.id) : [];
  byId("answers").replaceChildren(
    ...answers.map((a) =>
      el(
        "li",
        {},
        el("p", { class: "answer-text", dir: "auto", text: a.text }),
        a.author ? el("p", { class: "answer-meta", dir: "auto", text: a.author }) : null,
      ),
    ),
  );
}

function applyStage(data) {
  state.question = data.question;
  state.progress = data.progress;
  state.answers = new Map((data.answers || []).map((a) => [a.id, a]));
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

const live = connectLive({
  view: "projector",
  meeting: config.meeting,
  onRefused: () => window.location.reload(),
  onSnapshot(snapshot) {
    state.showAnswers = snapshot.meeting.projector_shows_answers;
    state.participants = snapshot.participants;
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
      if (stage() === "round") renderRound();
    },
    question_opened: applyStage,
    question_closed: applyStage,
    answer_changed(answer) {
      if (state.question && answer.question_id === state.question.id && !answer.hidden) {
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
    participant_joined({ participant, participant_count: count }) {
      if (participant && !state.participants.some((p) => p.id === participant.id)) {
        state.participants.push(participant);
        state.participantCount = state.participants.length;
      }
      if (typeof count === "number") state.participantCount = count;
      render();
    },
  },
});
