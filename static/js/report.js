// Breakout rounds as both the phone and the projector show them: the results read out at
// report-back and every group's wall once it is opened to everyone.
import { drawResults } from "./results.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";

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

function resultsBlock(results, big) {
  if (!results) return null;
  const box = el("div", { class: "report-results" });
  drawResults(box, results, { big });
  return box;
}

// One group's report-back: for each of its questions the summary, the group's results of a
// choice, rating, ranking or word-cloud question, and the most supported answers.
export function renderReport(report, { headingLevel = 2, big = false } = {}) {
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
        resultsBlock(question.results, big),
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
