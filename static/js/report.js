// Breakout rounds as both the phone and the projector show them: the round's clock and
// the results read out at report-back.
import { el } from "./dom.js";
import { t } from "./i18n.js";

// The round's countdown, corrected for the difference between this device's clock and the
// server's: remaining = ends_at - (now + (server_time - local time at receipt)).
// One interval per page, whatever happens to the round.
export class RoundClock {
  constructor(onTick) {
    this.onTick = onTick;
    this.endsAt = null;
    this.offset = 0;
    this.timer = null;
  }

  set(endsAt, serverTime) {
    this.endsAt = endsAt ? Date.parse(endsAt) : null;
    if (serverTime) this.offset = Date.parse(serverTime) - Date.now();
    if (this.endsAt === null) {
      this.stop();
      return;
    }
    if (this.timer === null) this.timer = setInterval(() => this.tick(), 1000);
    this.tick();
  }

  stop() {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.endsAt = null;
  }

  remaining() {
    return this.endsAt === null ? null : Math.max(0, this.endsAt - (Date.now() + this.offset));
  }

  tick() {
    if (this.endsAt !== null) this.onTick(this.remaining());
  }
}

// 754000 ms → "12:34"; minutes go past 59 for long rounds ("90:00").
export function formatRemaining(ms) {
  const seconds = Math.ceil(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return `${String(minutes).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
}

function summaryBlock(text) {
  return text
    ? el("p", { class: "summary-text", dir: "auto", text })
    : el("p", { class: "hint", text: t("breakout_no_summary") });
}

function votesBadge(votes) {
  return el("span", { class: "vote-badge", text: t("breakout_votes_count", { count: votes }) });
}

export function answerEntry(answer, { votes = true } = {}) {
  return el(
    "li",
    {},
    el("p", { class: "answer-text", dir: "auto", text: answer.text }),
    answer.author || (votes && answer.votes)
      ? el(
          "p",
          { class: "answer-meta" },
          answer.author ? el("span", { text: answer.author }) : null,
          votes && answer.votes ? votesBadge(answer.votes) : null,
        )
      : null,
  );
}

// One group's report-back: for each of its questions the summary and the most supported answers.
export function renderReport(report, { headingLevel = 2 } = {}) {
  const sub = `h${headingLevel + 1}`;
  const questions = el("div", { class: "report-questions" });
  for (const question of report.questions) {
    const top = question.top_answers || [];
    questions.append(
      el(
        "article",
        { class: "report-question" },
        el(sub, { class: "question-text", dir: "auto", text: question.text }),
        el("p", { class: "report-label", text: t("breakout_summary") }),
        summaryBlock(question.summary),
        top.length ? el("p", { class: "report-label", text: t("breakout_top_answers") }) : null,
        top.length ? el("ol", { class: "answers top-answers" }, ...top.map((a) => answerEntry(a))) : null,
      ),
    );
  }
  return el(
    "section",
    { class: "report" },
    el(`h${headingLevel}`, { class: "report-title", text: t("breakout_report_back", { group: report.group.name }) }),
    questions,
  );
}

// Every group's wall once the moderator opens them to everyone: read only, one fold per group.
export function renderWalls(walls) {
  return el(
    "section",
    { class: "walls" },
    el("h2", { text: t("breakout_all_walls") }),
    ...walls.map((group) => {
      const fold = el("details", { class: "wall-fold", "data-group": group.id }, el("summary", { text: group.name }));
      for (const question of group.questions) {
        const answers = group.answers.filter((a) => a.question_id === question.id);
        const summary = group.summaries[String(question.id)];
        fold.append(
          el("h3", { class: "question-text", dir: "auto", text: question.text }),
          el("p", { class: "report-label", text: t("breakout_summary") }),
          summaryBlock(summary ? summary.text : ""),
          answers.length
            ? el("ul", { class: "answers" }, ...answers.map((a) => answerEntry(a)))
            : el("p", { class: "hint", text: t("no_answers_yet") }),
        );
      }
      return fold;
    }),
  );
}
