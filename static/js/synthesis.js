// The synthesis page: every question's themes across groups, the groups' summaries and the most
// supported answers, curated by the moderator and the rapporteurs; or, in projector mode, one
// question at a time in large type.
//
// The socket only says which question changed; the page then fetches what it may see over HTTP.
// Changes come in bursts while a room writes, so a question is fetched at most once a second, and
// never while someone is typing a theme's new name in it.
import { io } from "../vendor/socket.io/socket.io.esm.min.js";
import { renderResults } from "./charts.js";
import { byId, el } from "./dom.js";
import { pageConfig, t } from "./i18n.js";

const config = pageConfig();
const REFRESH_GAP_MS = 1000;
const ALL = "all";

const state = {
  questions: [], // as the server sent them, in meeting order
  stage: 0, // projector mode: the question on screen
  dirty: new Set(), // question ids to fetch again, or ALL
  timer: null,
  busy: false,
  editing: null, // id of the question whose rename box is open
  expanded: new Set(), // themes whose every answer is shown
};
// A long theme shows its first answers; the rest are one click away.
const ANSWERS_SHOWN = 5;
// Projector mode: the questions from the floor a wall can show in large type.
const STAGE_FLOOR_ITEMS = 6;
// Charts measure their container, so they are drawn once their section is on the page.
const undrawn = new Map(); // chart container -> results

const csrfToken = document.querySelector('meta[name="csrf-token"]').content;

// ---------------------------------------------------------------- server

function showError(message) {
  const box = byId("synthesis-error");
  if (box) box.textContent = message ? t("error", { message }) : "";
}

async function fetchQuestions(questionId) {
  const url = questionId ? `${config.data_url}?question=${questionId}` : config.data_url;
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) throw new Error(response.statusText || String(response.status));
  const reply = await response.json();
  checkView(reply.view);
  return reply.questions;
}

// What this reader may see and do was decided when the page was served; once the moderator
// opens the walls or changes the rapporteurs' rights, the page and its socket start afresh.
function checkView(view) {
  if (view && (view.whole !== config.view.whole || view.may_curate !== config.view.may_curate)) {
    window.location.reload();
  }
}

async function post(path, payload) {
  try {
    const response = await fetch(`${config.base_url}/${path}`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken, Accept: "application/json" },
      body: JSON.stringify(payload),
    });
    const reply = await response.json().catch(() => ({ ok: false, error: response.statusText }));
    showError(reply.ok ? "" : reply.error);
    checkView(reply.view);
    if (reply.questions) merge(reply.questions);
    else scheduleRefresh(ALL);
    return reply.ok;
  } catch (error) {
    showError(error.message);
    return false;
  }
}

function merge(questions) {
  for (const question of questions) {
    const index = state.questions.findIndex((q) => q.id === question.id);
    if (index >= 0) state.questions[index] = question;
    else state.questions.push(question);
    if (!config.projector) renderQuestion(question);
  }
  if (config.projector) renderStage();
}

function scheduleRefresh(questionId) {
  state.dirty.add(questionId ?? ALL);
  catchUp();
}

// The question someone is working in (typing a name, choosing in a list): its section is not
// rebuilt under their hands, and catches up once they leave it.
function heldQuestion() {
  if (state.editing !== null) return state.editing;
  const active = document.activeElement;
  const section = active?.matches("select, input, textarea") ? active.closest(".synthesis-question") : null;
  return section ? Number(section.dataset.question) : null;
}

function catchUp() {
  if (state.dirty.size && state.timer === null) state.timer = setTimeout(refresh, REFRESH_GAP_MS);
}

async function refresh() {
  state.timer = null;
  if (state.busy) {
    catchUp();
    return;
  }
  const held = heldQuestion();
  const wanted = [...state.dirty];
  state.dirty = new Set();
  state.busy = true;
  try {
    if (wanted.includes(ALL)) {
      const fresh = await fetchQuestions(null);
      if (held === null) {
        state.questions = fresh;
        renderAll();
      } else {
        merge(fresh.filter((q) => q.id !== held));
        state.dirty.add(held);
      }
    } else {
      for (const id of wanted) {
        if (id === held) state.dirty.add(id);
        else merge(await fetchQuestions(id));
      }
    }
  } catch (error) {
    showError(error.message);
    state.dirty.add(ALL);
  } finally {
    state.busy = false;
  }
  if (heldQuestion() === null) catchUp();
}

// ---------------------------------------------------------------- pieces

function questionTitle(question) {
  const key = question.kind === "guiding" ? "question_label" : "adhoc_label";
  return t(key, { number: question.number });
}

// "1 answer", "5 answers": the catalogues have both forms of each count the page shows.
function count(noun, number) {
  return t(number === 1 ? `${noun}_one` : `${noun}_many`, { count: number });
}

function overview(question) {
  if (question.floor) return question.floor.length ? count("floor", question.floor.length) : t("no_floor");
  if (isBallot(question)) {
    if (!question.respondents) return t("no_responses");
    const responses = count("respondents", question.respondents);
    if (!question.group_count) return t("overview_plenary", { answers: responses });
    return t("overview", { answers: responses, groups: count("groups", question.group_count) });
  }
  if (!question.answer_count) return t("no_answers");
  const answers = count("answers", question.answer_count);
  if (!question.group_count) return t("overview_plenary", { answers });
  return t("overview", { answers, groups: count("groups", question.group_count) });
}

function themeCounts(theme) {
  return `${count("answers", theme.answers.length)} · ${count("votes", theme.votes)}`;
}

function reach(theme) {
  if (theme.shared) return el("span", { class: "badge badge-shared", text: t("shared", { count: theme.groups.length }) });
  if (!theme.groups.length) return el("span", { class: "badge", text: t("plenary") });
  return el("span", { class: "badge badge-distinct", text: t("distinct", { group: theme.groups[0] }) });
}

function answerMeta(answer) {
  const parts = [answer.author, answer.place || t("plenary"), answer.votes ? count("votes", answer.votes) : null];
  return parts.filter(Boolean).join(" · ");
}

function answerItem(answer, extra = null) {
  return el(
    "li",
    { class: answer.pinned ? "synthesis-answer pinned" : "synthesis-answer" },
    el("p", { class: "answer-text", dir: "auto", text: answer.text }),
    el("p", { class: "answer-meta", text: answerMeta(answer) }),
    answer.pinned ? el("p", { class: "pin-mark", text: t("pinned") }) : null,
    extra,
  );
}

function selectOf(label, options) {
  const select = el("select", { "aria-label": label });
  select.append(el("option", { value: "", text: label }));
  for (const [value, text] of options) select.append(el("option", { value, text }));
  return select;
}

// ---------------------------------------------------------------- results and the floor

const BALLOT_FORMATS = ["single", "multiple", "rating", "ranking", "words"];

function isBallot(question) {
  return BALLOT_FORMATS.includes(question.format);
}

// (where, results): the plenary first, then each group the reader may see.
function places(question) {
  const all = question.results ? [[t("plenary"), question.results]] : [];
  return all.concat(question.group_results.map((entry) => [entry.group, entry.results]));
}

function chartSlot(results) {
  const slot = el("div", { class: "results-chart" });
  undrawn.set(slot, results);
  return slot;
}

function drawCharts() {
  for (const [slot, results] of undrawn) {
    if (slot.isConnected) renderResults(slot, results, { big: Boolean(config.projector) });
  }
  undrawn.clear();
}

function resultsBlock(question, headingLevel) {
  const shown = places(question);
  const block = el("div", { class: shown.length > 1 ? "results-places several" : "results-places" });
  for (const [name, results] of shown) {
    block.append(el("div", { class: "results-place" },
      shown.length > 1 ? el(headingLevel, { class: "results-place-name", dir: "auto", text: name }) : null,
      chartSlot(results)));
  }
  if (!shown.length && !question.results_withheld) block.append(el("p", { class: "hint", text: t("no_responses") }));
  if (question.results_withheld) block.append(el("p", { class: "hint", text: t("results_withheld") }));
  return block;
}

function floorList(items, itemClass = "floor-item") {
  if (!items.length) return el("p", { class: "hint", text: t("no_floor") });
  return el("ol", { class: "answers floor-list" }, ...items.map((item) => el(
    "li",
    { class: item.answered ? `${itemClass} answered` : itemClass },
    el("p", { class: "answer-text", dir: "auto", text: item.text }),
    el("p", { class: "answer-meta" },
      [item.author, count("votes", item.votes)].filter(Boolean).join(" · "),
      item.answered ? " " : null,
      item.answered ? el("span", { class: "badge badge-answered", text: t("answered") }) : null),
  )));
}

// ---------------------------------------------------------------- curation

function renameForm(question, theme, heading) {
  const input = el("input", { type: "text", maxlength: "120", value: theme.renamed ? theme.label : "", "aria-label": t("rename_label") });
  const form = el(
    "form",
    { class: "rename-form" },
    el("label", {}, t("rename_label"), input),
    el("p", { class: "hint", text: t("rename_hint", { label: theme.automatic_label }) }),
    el("div", { class: "actions" },
      el("button", { type: "submit", class: "button primary", text: t("save") }),
      el("button", { type: "button", class: "button", text: t("cancel"), onclick: () => stopEditing(question) })),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    state.editing = null;
    await post(`themes/${theme.id}`, { label: input.value });
    focusTheme(theme.id);
  });
  heading.after(form);
  state.editing = question.id;
  input.focus();
}

function stopEditing(question) {
  state.editing = null;
  renderQuestion(state.questions.find((q) => q.id === question.id) || question);
  scheduleRefresh(question.id);
}

function focusTheme(themeId) {
  const heading = document.querySelector(`[data-theme="${themeId}"] h4`);
  if (heading) heading.focus();
}

function themeTools(question, theme, heading) {
  if (!config.view.may_curate) return null;
  const others = question.themes.filter((other) => other.id !== theme.id && !other.hidden);
  const target = selectOf(t("merge_into"), others.map((other) => [other.id, other.label]));
  target.setAttribute("aria-label", t("merge_label", { label: theme.label }));
  return el(
    "div",
    { class: "actions curation" },
    el("button", { type: "button", class: "button", text: t("rename"), onclick: () => renameForm(question, theme, heading) }),
    others.length
      ? el("span", { class: "merge-tool" }, target,
          el("button", { type: "button", class: "button", text: t("merge"), onclick: async () => {
            if (target.value) await post(`themes/${theme.id}/merge`, { into: Number(target.value) });
          } }))
      : null,
    el("button", { type: "button", class: "button", text: theme.hidden ? t("show_theme") : t("hide_theme"),
      onclick: () => post(`themes/${theme.id}`, { hidden: !theme.hidden }) }),
  );
}

// The list of themes to move to is built when asked for: a question of 2,000 answers would
// otherwise carry a list of every theme under every answer.
function moveTool(question, theme, answer, opener) {
  const others = question.themes.filter((other) => other.id !== theme.id);
  const target = selectOf(t("move_to"), [...others.map((other) => [other.id, other.label]), ["new", t("new_theme")]]);
  target.setAttribute("aria-label", t("move_label"));
  const tool = el("span", { class: "move-tool" }, target,
    el("button", { type: "button", class: "button small", text: t("move"), onclick: async () => {
      if (!target.value) return;
      await post(`answers/${answer.id}`, { theme: target.value === "new" ? "new" : Number(target.value) });
    } }));
  opener.replaceWith(tool);
  target.focus();
}

function answerTools(question, theme, answer) {
  if (!config.view.may_curate) return null;
  const opener = el("button", { type: "button", class: "button small", text: t("move_to"),
    onclick: () => moveTool(question, theme, answer, opener) });
  return el(
    "div",
    { class: "actions curation" },
    el("button", { type: "button", class: "button small", text: answer.pinned ? t("unpin") : t("pin"),
      "aria-pressed": answer.pinned ? "true" : "false",
      onclick: () => post(`answers/${answer.id}`, { pinned: !answer.pinned }) }),
    opener,
  );
}

// ---------------------------------------------------------------- the page

function themeCard(question, theme) {
  const heading = el("h4", { tabindex: "-1", dir: "auto", text: theme.label });
  const details = [themeCounts(theme)];
  if (theme.groups.length) details.push(t("raised_by", { groups: theme.groups.join(", ") }));
  return el(
    "article",
    { class: theme.shared ? "theme shared" : "theme distinct", "data-theme": theme.id },
    el("div", { class: "theme-head" }, heading, reach(theme)),
    el("p", { class: "answer-meta", text: details.join(" · ") }),
    themeTools(question, theme, heading),
    themeAnswers(question, theme),
  );
}

function themeAnswers(question, theme) {
  const item = (answer) => answerItem(answer, answerTools(question, theme, answer));
  const list = el("ul", { class: "answers theme-answers" }, ...theme.answers.slice(0, ANSWERS_SHOWN).map(item));
  const rest = theme.answers.slice(ANSWERS_SHOWN);
  if (!rest.length) return list;
  const more = el("details", { class: "more-answers", open: state.expanded.has(theme.id) },
    el("summary", { text: t("more_answers", { count: rest.length }) }),
    el("ul", { class: "answers theme-answers" }, ...rest.map(item)));
  more.addEventListener("toggle", () => {
    if (more.open) state.expanded.add(theme.id);
    else state.expanded.delete(theme.id);
  });
  return el("div", {}, list, more);
}

function questionSection(question) {
  const visible = question.themes.filter((theme) => !theme.hidden);
  const hidden = question.themes.filter((theme) => theme.hidden);
  const headingId = `question-${question.id}-heading`;
  const section = el(
    "section",
    { class: "card synthesis-question", id: `question-${question.id}`, "data-question": question.id, "aria-labelledby": headingId },
    el("h2", { id: headingId }, el("span", { class: "eyebrow", text: questionTitle(question) }), el("span", { class: "question-text", dir: "auto", text: question.text })),
    el("p", { class: "answer-meta", text: overview(question) }),
  );
  if (question.floor) {
    section.append(el("h3", { text: t("floor_heading") }), floorList(question.floor));
    return section;
  }
  if (isBallot(question)) {
    section.append(el("h3", { text: t("results") }), resultsBlock(question, "h4"));
    if (question.summaries.length) section.append(el("h3", { text: t("summaries") }), ...summaryBlocks(question));
    return section;
  }
  if (visible.length) {
    section.append(el("h3", { text: t("themes") }), ...visible.map((theme) => themeCard(question, theme)));
  }
  if (hidden.length) {
    section.append(el("details", { class: "hidden-themes" },
      el("summary", { text: t("hidden_themes", { count: hidden.length }) }),
      el("p", { class: "hint", text: t("hidden_hint") }),
      ...hidden.map((theme) => themeCard(question, theme))));
  }
  section.append(el("h3", { text: t("summaries") }));
  if (question.summaries.length) {
    section.append(...summaryBlocks(question));
  } else {
    section.append(el("p", { class: "hint", text: t("no_summaries") }));
  }
  section.append(el("h3", { text: t("top_answers") }));
  section.append(question.top_answers.length
    ? el("ol", { class: "answers top-answers" }, ...question.top_answers.map((a) => answerItem(a)))
    : el("p", { class: "hint", text: t("no_votes") }));
  return section;
}

function summaryBlocks(question) {
  return question.summaries.map((summary) => el("div", { class: "summary" },
    el("h4", { dir: "auto", text: summary.group }),
    summary.rapporteur ? el("p", { class: "answer-meta", text: t("rapporteur", { name: summary.rapporteur }) }) : null,
    el("p", { class: "summary-text", dir: "auto", text: summary.text })));
}

function renderQuestion(question) {
  const container = byId("questions");
  const fresh = questionSection(question);
  const current = byId(`question-${question.id}`);
  if (current) current.replaceWith(fresh);
  else container.append(fresh);
  drawCharts();
  renderIndex();
}

function renderIndex() {
  const index = byId("question-index");
  if (!index) return;
  index.replaceChildren(...state.questions.map((q) =>
    el("li", {}, el("a", { href: `#question-${q.id}`, text: `${questionTitle(q)}: ${q.text}`, dir: "auto" }))));
}

function renderAll() {
  if (config.projector) {
    renderStage();
    return;
  }
  byId("questions").replaceChildren(...state.questions.map(questionSection));
  drawCharts();
  renderIndex();
}

// ---------------------------------------------------------------- projector mode

function stageTheme(theme) {
  const quotes = theme.answers.filter((answer) => answer.pinned);
  return el(
    "li",
    { class: theme.shared ? "stage-theme shared" : "stage-theme distinct" },
    el("p", { class: "stage-theme-label", dir: "auto", text: theme.label }),
    el("p", { class: "stage-theme-meta" }, reach(theme), " ", themeCounts(theme)),
    ...quotes.map((quote) => el("blockquote", { dir: "auto", text: quote.text })),
  );
}

function renderStage() {
  const total = state.questions.length;
  state.stage = Math.max(0, Math.min(state.stage, total - 1));
  const question = state.questions[state.stage];
  byId("stage-position").textContent = total ? t("position", { current: state.stage + 1, total }) : "";
  byId("previous-question").disabled = state.stage <= 0;
  byId("next-question").disabled = state.stage >= total - 1;
  if (!question) {
    byId("questions").replaceChildren();
    return;
  }
  const themes = question.themes.filter((theme) => !theme.hidden);
  let body = themes.length ? el("ol", { class: "stage-themes" }, ...themes.map(stageTheme)) : null;
  if (question.floor) body = floorList(question.floor.slice(0, STAGE_FLOOR_ITEMS), "stage-floor-item");
  else if (isBallot(question)) body = resultsBlock(question, "h2");
  byId("questions").replaceChildren(
    el("h1", { class: "question-text", dir: "auto" }, el("span", { class: "stage-number", text: questionTitle(question) }), " ", question.text),
    el("p", { class: "count", text: overview(question) }),
    body,
  );
  drawCharts();
}

function move(step) {
  state.stage += step;
  renderStage();
}

// ---------------------------------------------------------------- start

function showStatus(live, text) {
  const status = byId("status");
  status.dataset.state = live;
  status.textContent = text;
}

function start() {
  if (config.projector) {
    byId("previous-question").addEventListener("click", () => move(-1));
    byId("next-question").addEventListener("click", () => move(1));
    document.addEventListener("keydown", (event) => {
      if (event.target.closest("input, textarea, select")) return;
      if (["ArrowRight", "PageDown", " "].includes(event.key)) move(1);
      else if (["ArrowLeft", "PageUp"].includes(event.key)) move(-1);
      else if (event.key === "Home") move(-state.stage);
      else if (event.key === "End") move(state.questions.length);
      else return;
      event.preventDefault();
    });
  } else {
    byId("print-button").addEventListener("click", () => window.print());
    // A report on paper has every answer: the folded ones open for printing, and close after.
    let folded = [];
    window.addEventListener("beforeprint", () => {
      folded = [...document.querySelectorAll("details.more-answers:not([open])")];
      for (const details of folded) details.open = true;
    });
    window.addEventListener("afterprint", () => {
      for (const details of folded) details.open = false;
    });
    // Leaving a list or a name box lets that question catch up with what changed meanwhile.
    document.addEventListener("focusout", () => setTimeout(() => {
      if (heldQuestion() === null) catchUp();
    }));
  }
  const socket = io("/synthesis", { auth: { meeting: config.meeting }, transports: ["websocket", "polling"] });
  // Missed events are not replayed: every (re)connect reads everything again.
  socket.on("connect", () => {
    showStatus("connected", t("connected"));
    scheduleRefresh(ALL);
  });
  socket.on("disconnect", () => showStatus("connecting", t("reconnecting")));
  socket.on("synthesis_changed", (data) => scheduleRefresh(data?.question_id ?? ALL));
  fetchQuestions(null).then((questions) => {
    state.questions = questions;
    renderAll();
  }, (error) => showError(error.message));
}

start();
