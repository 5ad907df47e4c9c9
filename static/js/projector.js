// The wall: the QR code in the lobby, then the live question and, if chosen, its answers.
import { connectLive } from "./live.js";
import { byId, el } from "./dom.js";
import { pageConfig, t } from "./i18n.js";

const config = pageConfig();
const state = { question: null, answers: new Map(), participants: [], progress: null, showAnswers: false };

function render() {
  const question = state.question;
  const live = question && question.status === "open";
  byId("lobby").hidden = Boolean(live);
  byId("question-stage").hidden = !live;
  byId("participant-count").textContent = t("participants_count", { count: state.participants.length });
  byId("people").replaceChildren(
    ...state.participants.map((p) => el("li", { text: p.display_name || p.country || "—" })),
  );
  if (!live) return;
  byId("question-text").textContent = question.text;
  const progress = state.progress;
  byId("progress").textContent = progress
    ? t("answered_count", { answered: progress.answered, total: progress.participants })
    : "";
  const answers = state.showAnswers ? [...state.answers.values()].sort((a, b) => a.id - b.id) : [];
  byId("answers").replaceChildren(
    ...answers.map((a) =>
      el("li", {}, el("p", { class: "answer-text", text: a.text }), a.author ? el("p", { class: "answer-meta", text: a.author }) : null),
    ),
  );
}

function applyStage(data) {
  state.question = data.question;
  state.progress = data.progress;
  state.answers = new Map((data.answers || []).map((a) => [a.id, a]));
  render();
}

connectLive({
  view: "projector",
  meeting: config.meeting,
  onRefused: () => window.location.reload(),
  onSnapshot(snapshot) {
    state.showAnswers = snapshot.meeting.projector_shows_answers;
    state.participants = snapshot.participants;
    applyStage(snapshot);
  },
  events: {
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
    participant_joined({ participant }) {
      if (!state.participants.some((p) => p.id === participant.id)) state.participants.push(participant);
      render();
    },
  },
});
