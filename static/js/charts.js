// Live results of choice, rating, ranking and word questions, drawn as inline SVG wherever they
// are shown: the console, the projector (big: read from the back of the room), the cockpit and
// phones. The drawing is for the eyes only; a table beside it, hidden from view, gives screen
// readers every number. User text only ever goes through textContent.
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { Sheet } from "./chart-sheet.js";

// More words than this make a cloud nobody can read; the table still lists them all.
const MAX_CLOUD_WORDS = 60;
const WORD_COLOURS = 6;
// Until a hidden container is shown and has a width of its own.
const FALLBACK_WIDTH = 320;

const drawn = new WeakMap(); // container → {results, big, width}
const resizes =
  typeof ResizeObserver === "function"
    ? new ResizeObserver((entries) => {
        // Drawn on the next frame: a drawing changes the height, never inside the observer.
        window.requestAnimationFrame(() => entries.forEach((entry) => redrawIfResized(entry.target)));
      })
    : null;

// Replaces the container's children with the chart of these results; drawn again when the
// container's width changes (a turned phone, a zoom, a panel that opens).
export function renderResults(container, results, { big = false } = {}) {
  drawn.set(container, { results, big, width: null });
  if (resizes) resizes.observe(container);
  draw(container);
}

function redrawIfResized(container) {
  const entry = drawn.get(container);
  if (entry && container.isConnected && Math.round(contentWidth(container)) !== entry.width) draw(container);
}

function contentWidth(node) {
  const style = getComputedStyle(node);
  return node.clientWidth - parseFloat(style.paddingLeft || 0) - parseFloat(style.paddingRight || 0);
}

function formats() {
  const lang = document.documentElement.lang || undefined;
  const count = new Intl.NumberFormat(lang);
  const decimal = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(lang, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return {
    count: (n) => count.format(n),
    decimal: (n) => decimal.format(n),
    percent: (n) => percent.format(n / 100),
  };
}

// Type and spacing in CSS pixels; big grows with the width of the wall.
function sizes(width, big) {
  const font = big ? Math.round(Math.min(56, Math.max(24, width / 34))) : 16;
  return {
    font,
    small: Math.round(font * (big ? 0.8 : 0.875)),
    line: Math.round(font * 1.3),
    bar: Math.round(font * (big ? 1.1 : 1.4)),
    gap: Math.round(font * (big ? 0.8 : 1)),
    pad: Math.round(font * 0.5),
    maxLines: big ? 2 : 3,
    columnHeight: Math.round(font * (big ? 3 : 4)),
  };
}

// An option's or a statement's own text, wrapped, in the chart's label type.
function label(sheet, text, s, { x = 0, top, width = sheet.width }) {
  const type = { size: s.font, weight: 600, maxLines: s.maxLines, lineHeight: s.line, cls: "chart-label" };
  return sheet.paragraph(text, { x, top, width, ...type });
}

// A number or a short word on one line, in the chart's small type.
function note(sheet, text, s, { x, baseline, align, bold = false, cls }) {
  return sheet.text(text, { x, baseline, align, size: s.small, weight: bold ? 700 : 400, cls });
}

// The key that holds a format's results.
const ITEMS = { single: "options", multiple: "options", rating: "rows", ranking: "ranking", words: "words" };

function items(results) {
  return results[ITEMS[results.format]];
}

function draw(container) {
  const { results, big } = drawn.get(container);
  const figure = el("div", { class: `chart chart-${results.format}${big ? " is-big" : ""}` });
  container.replaceChildren(figure);
  const list = items(results);
  if (!results.respondents || !list || list.length === 0) {
    figure.append(el("p", { class: "chart-empty", text: t("no_answers_yet") }));
    drawn.get(container).width = Math.round(contentWidth(container));
    return;
  }
  const respondents = t("chart_respondents", { count: formats().count(results.respondents) });
  figure.append(el("p", { class: "chart-respondents", text: respondents }));
  const width = Math.max(0, Math.round(contentWidth(figure))) || FALLBACK_WIDTH;
  const style = getComputedStyle(figure);
  // A container not yet in the page has no style of its own: the page's font until it is shown.
  const family = style.fontFamily || getComputedStyle(document.documentElement).fontFamily;
  const sheet = new Sheet({ width, rtl: style.direction === "rtl", family });
  const drawer = DRAWERS[results.format];
  const { height, top } = drawer.draw(sheet, results, sizes(width, big), formats());
  figure.append(sheet.toSvg(Math.ceil(height), { top }), textAlternative(drawer.table(results, formats())));
  drawn.get(container).width = Math.round(contentWidth(container));
}

// ---------------------------------------------------------------- the text alternative

// In a hidden box rather than a hidden table: a table grows to fit its cells whatever its width.
function textAlternative({ headers, rows }) {
  return el(
    "div",
    { class: "visually-hidden" },
    el(
      "table",
      { class: "chart-table" },
      el("caption", { text: t("chart_results") }),
      el("thead", {}, el("tr", {}, ...headers.map((text) => el("th", { scope: "col", text })))),
      el(
        "tbody",
        {},
        ...rows.map(([first, ...rest]) =>
          el("tr", {}, el("th", { scope: "row", dir: "auto", text: first }), ...rest.map((text) => el("td", { text }))),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------- single and multiple choice

function choiceValue(option, f) {
  return `${f.percent(option.percent)} (${f.count(option.count)})`;
}

const choices = {
  draw(sheet, results, s, f) {
    const values = results.options.map((option) => choiceValue(option, f));
    const valueWidth = Math.max(...values.map((v) => sheet.measure.width(v, s.small, 700)));
    const track = Math.max(s.font * 3, sheet.width - valueWidth - s.pad);
    let y = 0;
    results.options.forEach((option, index) => {
      y = label(sheet, option.text, s, { top: y });
      y += s.pad / 2;
      sheet.rect(0, y, track, s.bar, "chart-track");
      const share = Math.min(100, Math.max(0, option.percent)) / 100;
      if (option.count > 0) sheet.rect(0, y, Math.max(3, track * share), s.bar, "chart-bar");
      const baseline = sheet.centredBaseline(y + s.bar / 2, s.small, 700);
      note(sheet, values[index], s, { x: sheet.width, baseline, align: "end", bold: true, cls: "chart-value" });
      y += s.bar + s.gap;
    });
    return { height: y - s.gap };
  },
  table(results, f) {
    return {
      headers: [t("chart_option"), t("chart_answers"), t("chart_percent")],
      rows: results.options.map((o) => [
        o.text,
        t("chart_count_of_total", { count: f.count(o.count), total: f.count(results.respondents) }),
        f.percent(o.percent),
      ]),
    };
  },
};

// ---------------------------------------------------------------- rating

function scaleValues(scale) {
  const values = [];
  for (let value = scale.min; value <= scale.max; value += 1) values.push(value);
  return values;
}

function scaleHeader(scale, value, f) {
  const meaning = value === scale.min ? scale.low_label : value === scale.max ? scale.high_label : "";
  return meaning ? t("chart_scale_end", { value: f.count(value), label: meaning }) : f.count(value);
}

// Where the mean falls on the scale, between the columns' centres.
function meanPosition(mean, scale, column, values) {
  const span = Math.max(1, scale.max - scale.min);
  return column * 0.5 + ((mean - scale.min) / span) * column * (values.length - 1);
}

// One statement: a column per value of the scale with its count above and the value below,
// and a dashed mark where the mean falls. The mark goes over the columns, the counts over it.
function ratingRow(sheet, row, { top, scale, values, column, tallest, s, f }) {
  const small = sheet.measure.extent(s.small);
  // The question itself rated (no statements): its text is already the chart's heading.
  let y = row.id === 0 ? top : label(sheet, row.text, s, { top });
  const axis = y + s.pad / 2 + small.height + 4 + s.columnHeight;
  const barWidth = Math.min(column * 0.62, s.font * 3);
  const counts = new Map(row.distribution.map((d) => [d.value, d.count]));
  const columns = values.map((value, index) => {
    const count = counts.get(value) || 0;
    const height = count ? Math.max(2, (s.columnHeight * count) / tallest) : 0;
    return { value, count, centre: column * (index + 0.5), height };
  });
  for (const { centre, height } of columns) {
    if (height) sheet.rect(centre - barWidth / 2, axis - height, barWidth, height, "chart-bar");
  }
  sheet.line(0, axis, sheet.width, axis, "chart-axis");
  const hasMean = row.count > 0 && typeof row.mean === "number";
  const at = hasMean ? meanPosition(row.mean, scale, column, values) : 0;
  if (hasMean) {
    sheet.line(at, axis - s.columnHeight, at, axis, "chart-mean-halo");
    sheet.line(at, axis - s.columnHeight, at, axis, "chart-mean");
  }
  for (const { value, count, centre, height } of columns) {
    const above = axis - height - 4 - small.descent;
    const cls = "chart-value chart-haloed";
    note(sheet, f.count(count), s, { x: centre, baseline: above, align: "middle", bold: true, cls });
    note(sheet, f.count(value), s, { x: centre, baseline: axis + 4 + small.ascent, align: "middle", cls: "chart-muted" });
  }
  y = axis + 4 + small.height;
  if (!hasMean) return y;
  const mean = t("chart_mean_value", { value: f.decimal(row.mean) });
  const halfWidth = sheet.measure.width(mean, s.small, 700) / 2;
  const x = Math.min(sheet.width - halfWidth, Math.max(halfWidth, at));
  note(sheet, mean, s, { x, baseline: y + 4 + small.ascent, align: "middle", bold: true, cls: "chart-mean-label" });
  return y + 4 + small.height;
}

const rating = {
  draw(sheet, results, s, f) {
    const scale = results.scale;
    const values = scaleValues(scale);
    const column = sheet.width / values.length;
    const tallest = Math.max(1, ...results.rows.flatMap((row) => row.distribution.map((d) => d.count)));
    let y = 0;
    if (scale.low_label || scale.high_label) {
      // The meaning of both ends, each on its own half of the line.
      const small = sheet.measure.extent(s.small);
      const half = sheet.width / 2 - s.pad;
      for (const [value, align, x] of [[scale.min, "start", 0], [scale.max, "end", sheet.width]]) {
        const [fitted] = sheet.measure.wrap(scaleHeader(scale, value, f), half, s.small, 400, 1);
        note(sheet, fitted, s, { x, baseline: small.ascent, align, cls: "chart-muted" });
      }
      y = small.height + s.gap;
    }
    const gap = s.gap * 1.5;
    for (const row of results.rows) {
      y = ratingRow(sheet, row, { top: y, scale, values, column, tallest, s, f }) + gap;
    }
    return { height: y - gap };
  },
  table(results, f) {
    const values = scaleValues(results.scale);
    return {
      headers: [
        t("chart_statement"),
        t("chart_mean"),
        t("chart_answers"),
        ...values.map((v) => scaleHeader(results.scale, v, f)),
      ],
      rows: results.rows.map((row) => {
        const counts = new Map(row.distribution.map((d) => [d.value, d.count]));
        const mean = row.count > 0 && typeof row.mean === "number" ? f.decimal(row.mean) : "—";
        return [row.text, mean, f.count(row.count), ...values.map((v) => f.count(counts.get(v) || 0))];
      }),
    };
  },
};

// ---------------------------------------------------------------- ranking

const ranking = {
  draw(sheet, results, s, f) {
    const radius = Math.round(s.font * 0.95);
    const indent = radius * 2 + s.pad;
    const width = sheet.width - indent;
    const most = Math.max(1, ...results.ranking.map((item) => item.borda));
    const bar = Math.round(s.bar * 0.8);
    let y = 0;
    results.ranking.forEach((item, index) => {
      // The disc and the first line of the option share one centre, the disc whole below y.
      const centre = y + Math.max(radius, s.line / 2);
      sheet.circle(radius, centre, radius, "chart-rank");
      const baseline = sheet.centredBaseline(centre, s.small, 700);
      note(sheet, f.count(index + 1), s, { x: radius, baseline, align: "middle", bold: true, cls: "chart-rank-number" });
      y = label(sheet, item.text, s, { x: indent, top: centre - s.line / 2, width });
      y = Math.max(y, centre + radius) + s.pad / 2;
      sheet.rect(indent, y, width, bar, "chart-track");
      if (item.borda > 0) sheet.rect(indent, y, Math.max(3, (width * item.borda) / most), bar, "chart-bar");
      y += bar + s.pad / 2;
      const borda = t("chart_borda_value", { points: f.count(item.borda) });
      const meanRank = t("chart_mean_rank_value", { value: f.decimal(item.mean_rank) });
      const lineHeight = Math.round(s.small * 1.3);
      const type = { size: s.small, maxLines: 2, lineHeight, cls: "chart-muted" };
      y = sheet.paragraph(`${borda} · ${meanRank}`, { x: indent, top: y, width, ...type });
      y += s.gap;
    });
    return { height: y - s.gap };
  },
  table(results, f) {
    return {
      headers: [t("chart_option"), t("chart_rank"), t("chart_borda"), t("chart_mean_rank"), t("chart_answers")],
      rows: results.ranking.map((item, index) => [
        item.text,
        f.count(index + 1),
        f.count(item.borda),
        f.decimal(item.mean_rank),
        f.count(item.count),
      ]),
    };
  },
};

// ---------------------------------------------------------------- words

function overlaps(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

// Each word, most given first, on an Archimedean spiral from the middle until it touches no
// word already placed. No randomness: the same words give the same cloud.
function placeWords(sheet, words, s) {
  const counts = words.map((w) => w.count);
  const fewest = Math.min(...counts);
  const most = Math.max(...counts);
  const base = s.font;
  const margin = Math.max(2, Math.round(base * 0.15));
  const step = base * 0.06;
  const placed = [];
  for (const [index, word] of words.entries()) {
    let size = most === fewest ? base * 2 : base + (base * 3 * (word.count - fewest)) / (most - fewest);
    let width = sheet.measure.width(word.text, size, 600);
    // A long word on a narrow phone shrinks to fit the width rather than overflow it.
    if (width > sheet.width - 2 * margin) {
      size *= (sheet.width - 2 * margin) / width;
      width = sheet.measure.width(word.text, size, 600);
    }
    const { ascent, height } = sheet.measure.extent(size, 600);
    for (let turn = 0; turn < 6000; turn += 1) {
      const angle = turn * 0.3;
      const centreX = sheet.width / 2 + step * angle * Math.cos(angle);
      const centreY = 0.6 * step * angle * Math.sin(angle);
      const box = {
        left: centreX - width / 2 - margin,
        right: centreX + width / 2 + margin,
        top: centreY - height / 2 - margin,
        bottom: centreY + height / 2 + margin,
      };
      if (box.left < 0 || box.right > sheet.width) continue;
      if (placed.some((other) => overlaps(box, other.box))) continue;
      placed.push({ word, index, size, box, centreX, baseline: centreY - height / 2 + ascent });
      break;
    }
  }
  return placed;
}

const words = {
  draw(sheet, results, s) {
    const placed = placeWords(sheet, results.words.slice(0, MAX_CLOUD_WORDS), s);
    for (const { word, index, size, centreX, baseline } of placed) {
      const cls = `chart-word chart-word-${index % WORD_COLOURS}`;
      const node = sheet.text(word.text, { x: centreX, baseline, align: "middle", size, weight: 600, cls });
      // Mirroring would only move the cloud's words from one side to the other: keep them.
      node.setAttribute("x", String(centreX));
    }
    const top = Math.min(...placed.map((p) => p.box.top));
    const bottom = Math.max(...placed.map((p) => p.box.bottom));
    return { top, height: bottom - top };
  },
  table(results, f) {
    return {
      headers: [t("chart_word"), t("chart_mentions")],
      rows: results.words.map((word) => [word.text, f.count(word.count)]),
    };
  },
};

const DRAWERS = { single: choices, multiple: choices, rating, ranking, words };
