// The cockpit's results of a round's choice, rating, ranking and word questions: for each such
// question a table of every group (how many answered, what leads), read at a glance for ten
// groups, and beside it the chart of the group the moderator picks.
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { showResults } from "./stage.js";

const chosen = new Map(); // question id → the group whose chart is shown
// One chart container per question, kept across renders: a chart is drawn again only when its
// results change, not each time a phone joins or a message is sent.
const chartBoxes = new Map();

function numbers() {
  const lang = document.documentElement.lang || undefined;
  const decimal = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(lang, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const count = new Intl.NumberFormat(lang);
  return { decimal: (n) => decimal.format(n), percent: (n) => percent.format(n / 100), count: (n) => count.format(n) };
}

// {question id: {group id: results}} as the cockpit's snapshot carries it.
export function groupResults(cockpit, questionId, groupId) {
  const byGroup = (cockpit.results || {})[String(questionId)];
  return (byGroup && byGroup[String(groupId)]) || null;
}

// A recount for one group, from a `results` event; false when it is not this round's.
export function takeGroupResults(cockpit, { question_id: questionId, group_id: groupId, results }) {
  const byGroup = cockpit && groupId !== null && groupId !== undefined ? (cockpit.results || {})[String(questionId)] : null;
  if (!byGroup || !(String(groupId) in byGroup) || !results) return false;
  byGroup[String(groupId)] = results;
  return true;
}

// What leads in one group, in a few words: the most chosen option, the best rated statement,
// the item ranked first, the most given words.
export function leadingLine(results) {
  if (!results || !results.respondents) return "—";
  const f = numbers();
  if (results.format === "single" || results.format === "multiple") {
    const most = Math.max(...results.options.map((o) => o.count));
    const top = results.options.filter((o) => o.count === most);
    return `${top.map((o) => o.text).join(" / ")} (${f.percent(top[0].percent)})`;
  }
  if (results.format === "rating") {
    const rated = results.rows.filter((row) => row.count > 0 && typeof row.mean === "number");
    if (!rated.length) return "—";
    if (results.rows.length === 1) return t("chart_mean_value", { value: f.decimal(rated[0].mean) });
    const best = rated.reduce((a, b) => (b.mean > a.mean ? b : a));
    return t("results_rating_top", { text: best.text, value: f.decimal(best.mean) });
  }
  if (results.format === "ranking") return t("results_ranked_first", { text: results.ranking[0].text });
  if (results.format === "words") {
    return results.words
      .slice(0, 3)
      .map((word) => `${word.text} (${f.count(word.count)})`)
      .join(" · ");
  }
  return "—";
}

// The round's questions that have results, in the order the groups list them.
function ballotQuestions(cockpit) {
  const found = new Map();
  for (const group of cockpit.groups) {
    for (const question of group.questions) {
      if ((cockpit.results || {})[String(question.id)] && !found.has(question.id)) found.set(question.id, question);
    }
  }
  return [...found.values()];
}

function groupRow(cockpit, question, group, selected, rerender) {
  const results = groupResults(cockpit, question.id, group.id);
  const pick = el("button", {
    type: "button",
    class: "link-button results-pick",
    "aria-pressed": selected ? "true" : "false",
    "data-key": `results-${question.id}-${group.id}`,
    dir: "auto",
    text: group.name,
  });
  pick.addEventListener("click", () => {
    chosen.set(question.id, group.id);
    rerender();
  });
  const answered = results ? results.respondents : 0;
  return el(
    "tr",
    { class: selected ? "is-selected" : "" },
    el("th", { scope: "row" }, pick),
    el("td", { class: "results-answered", text: t("chart_count_of_total", { count: answered, total: group.members.length }) }),
    el("td", { class: "results-leading", dir: "auto", text: leadingLine(results) }),
  );
}

function questionResults(cockpit, question, rerender) {
  const groups = cockpit.groups.filter((group) => groupResults(cockpit, question.id, group.id));
  if (!groups.length) return null;
  if (!groups.some((group) => group.id === chosen.get(question.id))) chosen.set(question.id, groups[0].id);
  const selected = groups.find((group) => group.id === chosen.get(question.id));
  if (!chartBoxes.has(question.id)) chartBoxes.set(question.id, el("div", { class: "results-chart" }));
  const box = chartBoxes.get(question.id);
  showResults(box, groupResults(cockpit, question.id, selected.id));
  const table = el(
    "table",
    { class: "results-table" },
    el("caption", { class: "visually-hidden", text: t("results_caption", { question: question.text }) }),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        el("th", { scope: "col", text: t("results_group") }),
        el("th", { scope: "col", text: t("results_answered") }),
        el("th", { scope: "col", text: t("results_leading") }),
      ),
    ),
    el("tbody", {}, ...groups.map((group) => groupRow(cockpit, question, group, group === selected, rerender))),
  );
  return el(
    "section",
    { class: "group-results", "data-question-id": String(question.id) },
    el("h3", { dir: "auto", text: question.text }),
    el(
      "div",
      { class: "group-results-body" },
      el("div", { class: "results-table-box" }, table),
      el(
        "div",
        { class: "group-results-chart" },
        el("h4", { dir: "auto", text: t("results_chart_of", { group: selected.name }) }),
        box,
      ),
    ),
  );
}

// Fills the container; returns whether the round has any such question (the card shows only then).
export function renderGroupResults(container, cockpit, rerender) {
  const questions = ballotQuestions(cockpit);
  const sections = questions.map((question) => questionResults(cockpit, question, rerender)).filter(Boolean);
  container.replaceChildren(...sections);
  for (const id of chartBoxes.keys()) if (!questions.some((q) => q.id === id)) chartBoxes.delete(id);
  return sections.length > 0;
}
