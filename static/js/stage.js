// The plenary as the console and the projector both follow it: who has joined, the question on
// the stage, how many have answered it, its answers or, for a choice, rating, ranking or word
// question, its results, kept in step with the snapshot the server sends on every connect and
// with the events after it.
import { connectLive } from "./live.js";
import { el } from "./dom.js";
import { pageConfig, t } from "./i18n.js";
import { isBallotFormat } from "./ballot.js";
import { renderResults } from "./charts.js";

export class Stage {
  // shows(answer): whether this screen lists the answer at all.
  constructor({ onChange, shows = () => true }) {
    this.onChange = onChange;
    this.shows = shows;
    this.question = null;
    this.progress = null;
    this.answers = new Map();
    this.results = null; // a ballot question's results, when this screen may see them
    this.participants = [];
  }

  // From a snapshot, or from an event that carries the whole stage.
  load({ question, progress, answers, results }) {
    this.question = question || null;
    this.progress = progress || null;
    this.answers = new Map((answers || []).filter((a) => this.shows(a)).map((a) => [a.id, a]));
    this.results = results || null;
  }

  // Choice, rating, ranking and word questions are answered by ballots, shown as results.
  isBallot() {
    return Boolean(this.question && isBallotFormat(this.question.format));
  }

  isCurrent(questionId) {
    return Boolean(this.question && this.question.id === questionId);
  }

  // In the order they arrived.
  sortedAnswers() {
    return [...this.answers.values()].sort((a, b) => a.id - b.id);
  }

  answeredLine() {
    const progress = this.progress;
    if (!progress) return "";
    // A ballot is not a written answer: who answered is who the results count.
    const answered = this.isBallot() && this.results ? this.results.respondents : progress.answered;
    return t("answered_count", { answered, total: progress.participants });
  }

  // True when the person was not listed yet: a phone that reconnects joins only once.
  join(participant) {
    if (!participant || this.participants.some((p) => p.id === participant.id)) return false;
    this.participants.push(participant);
    return true;
  }

  // The events every screen of the stage takes the same way.
  events() {
    return {
      answer_changed: (answer) => {
        if (!this.isCurrent(answer.question_id) || !this.shows(answer)) return;
        this.answers.set(answer.id, answer);
        this.onChange();
      },
      answer_removed: (answer) => {
        this.answers.delete(answer.id);
        this.onChange();
      },
      progress: (progress) => {
        if (!this.isCurrent(progress.question_id)) return;
        this.progress = progress;
        this.onChange();
      },
      // Recounted at most a few times a second; null when this screen may no longer show them.
      results: (data) => {
        if (data.group_id !== null && data.group_id !== undefined) return; // a breakout group's
        if (!this.isCurrent(data.question_id)) return;
        this.results = data.results;
        this.onChange();
      },
      // The moderator changed when the room sees the results.
      question_updated: ({ question }) => {
        if (!this.isCurrent(question.id)) return;
        this.question = question;
        this.onChange();
      },
    };
  }
}

// Where a ballot question's results stand on the projector, by the server's rule
// (facilitator/answers/tally.py): "off" while the moderator keeps answers off the projector,
// "after_close" while they wait for the question to close, otherwise "shown".
export function wallResults(question, showAnswers) {
  if (!question || !isBallotFormat(question.format) || !showAnswers) return "off";
  const afterClose = (question.settings || {}).results === "after_close";
  return afterClose && question.status === "open" ? "after_close" : "shown";
}

// ---------------------------------------------------------------- the results chart

const charts = new WeakMap(); // container → {results, big, fit}

// Draws the results into the container, only when they changed: a screen renders on every event,
// the chart only when a recount arrives. fit: the wall never scrolls, so a chart that would push
// the page past the window is drawn narrower, its type scaling with its width.
export function showResults(container, results, { big = false, fit = false } = {}) {
  const drawn = charts.get(container);
  if (drawn && drawn.results === results && drawn.big === big) return;
  charts.set(container, { results, big, fit });
  drawChart(container);
}

// Again from the full width: the window changed size.
export function refitResults(container) {
  if (charts.has(container)) drawChart(container);
}

function drawChart(container) {
  const { results, big, fit } = charts.get(container);
  container.style.maxWidth = "";
  if (!results) {
    container.replaceChildren();
    return;
  }
  renderResults(container, results, { big });
  if (fit && !container.closest("[hidden]")) fitToWindow(container, results, big);
}

function overflow() {
  return document.documentElement.scrollHeight - window.innerHeight;
}

function fitToWindow(container, results, big) {
  let excess = overflow();
  for (let attempt = 0; attempt < 4 && excess > 0; attempt += 1) {
    const height = container.offsetHeight;
    const width = container.clientWidth;
    if (!height || !width) return;
    const previous = container.style.maxWidth;
    container.style.maxWidth = `${Math.floor(width * Math.max(0.4, (height - excess) / height))}px`;
    renderResults(container, results, { big });
    const now = overflow();
    if (now >= excess) {
      // Narrower only wrapped the labels onto more lines: the wider drawing was better.
      container.style.maxWidth = previous;
      renderResults(container, results, { big });
      return;
    }
    excess = now;
  }
}

// The moderator's and the wall's connection: a screen that may no longer watch reloads, and the
// server's page then says why.
export function connectStage(stage, { view, onSnapshot, events }) {
  return connectLive({
    view,
    meeting: pageConfig().meeting,
    onRefused: () => window.location.reload(),
    onSnapshot,
    events: { ...stage.events(), ...events },
  });
}

// One answer: its text, then a line of what the screen says about it (author, state).
export function answerItem(answer, meta, attributes = {}, ...extra) {
  return el(
    "li",
    attributes,
    el("p", { class: "answer-text", dir: "auto", text: answer.text }),
    meta.length ? el("p", { class: "answer-meta", dir: "auto", text: meta.join(" · ") }) : null,
    ...extra,
  );
}
