// The form controls that answer choice, rating, ranking and word questions on a phone: one per
// format, built once per question from real inputs and buttons. Each reads what the person set
// as the response the server takes, shows a stored response, and is switched on or off whole
// (its fieldset's disabled state). User text only ever goes through textContent.
import { el } from "./dom.js";
import { t } from "./i18n.js";

export const MAX_WORD_CHARS = 40;

let lastId = 0;
function uniqueId(prefix) {
  lastId += 1;
  return `${prefix}-${lastId}`;
}

// The question is the heading above the control; the group still needs its name for screen readers.
function group(question, className, ...children) {
  const legend = el("legend", { class: "visually-hidden", text: question.text });
  return el("fieldset", { class: `ballot-fieldset ${className}` }, legend, ...children);
}

function hintLine(text, id = null) {
  return el("p", { class: "hint ballot-hint", id, text });
}

// ---------------------------------------------------------------- single and multiple choice

function choiceInput(question) {
  const multiple = question.format === "multiple";
  const most = multiple ? question.settings.max_choices || null : null;
  const name = uniqueId(`ballot-${question.id}`);
  const hintId = `${name}-hint`;
  const limitId = `${name}-limit`;
  const hint = most ? hintLine(t("ballot_at_most", { max: most }), hintId) : null;
  // Polite: it explains why the other boxes stopped answering, it does not interrupt.
  const limit = most ? el("p", { class: "ballot-limit", id: limitId, "aria-live": "polite" }) : null;
  const inputs = question.options.map((option) =>
    el("input", { type: multiple ? "checkbox" : "radio", name, value: String(option.id) }),
  );
  const labels = question.options.map((option, index) =>
    el("label", { class: "ballot-option" }, inputs[index], el("span", { dir: "auto", text: option.text })),
  );
  const fieldset = group(question, "ballot-choices", hint, ...labels, limit);
  if (hint) fieldset.setAttribute("aria-describedby", hintId);

  // "At most": once the limit is reached, the boxes still unticked are switched off and say why.
  // The explanation shows only while the person is choosing, not over a saved answer.
  function applyLimit(explain) {
    if (!most) return;
    const full = inputs.filter((input) => input.checked).length >= most;
    for (const input of inputs) {
      const off = full && !input.checked;
      input.disabled = off;
      input.closest("label").classList.toggle("is-unavailable", off);
      if (off) input.setAttribute("aria-describedby", limitId);
      else input.removeAttribute("aria-describedby");
    }
    const text = full && explain ? t("ballot_limit_reached", { max: most }) : "";
    if (limit.textContent !== text) limit.textContent = text;
  }
  if (most) for (const input of inputs) input.addEventListener("change", () => applyLimit(true));

  return {
    node: fieldset,
    read() {
      const chosen = inputs.filter((input) => input.checked).map((input) => Number(input.value));
      if (!chosen.length) return { problem: t(multiple ? "ballot_choose_some" : "ballot_choose_one") };
      return { response: { options: chosen } };
    },
    show(response) {
      const chosen = new Set((response && response.options) || []);
      for (const input of inputs) input.checked = chosen.has(Number(input.value));
      applyLimit(false);
    },
    setEnabled(on) {
      fieldset.disabled = !on;
      if (on) {
        applyLimit(true);
        return;
      }
      // Sent: the choice reads as saved, not as "limit reached" on the boxes left unticked.
      if (!most) return;
      for (const input of inputs) input.closest("label").classList.remove("is-unavailable");
      limit.textContent = "";
    },
    focus() {
      (inputs.find((input) => input.checked && !input.disabled) || inputs[0])?.focus();
    },
  };
}

// ---------------------------------------------------------------- rating


function ratingInput(question) {
  const settings = question.settings;
  const low = settings.scale_min ?? 1;
  const high = settings.scale_max ?? 5;
  const values = Array.from({ length: high - low + 1 }, (_, index) => low + index);
  const statements = question.options.length ? question.options : [{ id: 0, text: null }];
  const rows = new Map(); // statement id → its radios
  const fieldsets = statements.map((statement) => {
    const name = uniqueId(`ballot-${question.id}-${statement.id}`);
    const radios = values.map((value) => el("input", { type: "radio", name, value: String(value) }));
    rows.set(statement.id, radios);
    const scale = el(
      "div",
      // How many values: the stylesheet lays them out in even lines.
      { class: "ballot-scale", "data-values": String(values.length) },
      ...values.map((value, index) => {
        const end = (value === low && settings.low_label) || (value === high && settings.high_label) || "";
        return el(
          "label",
          { class: "ballot-value" },
          radios[index],
          el("span", { class: "ballot-value-face", text: String(value) }),
          end ? el("span", { class: "visually-hidden", dir: "auto", text: ` (${end})` }) : null,
        );
      }),
    );
    const legend = el("legend", {
      class: "ballot-statement",
      dir: "auto",
      text: statement.text === null ? t("ballot_your_rating") : statement.text,
    });
    return el("fieldset", { class: "ballot-rating-row" }, legend, scale);
  });
  // What the ends mean, at the ends; screen readers hear it with the values themselves.
  const end = (value, label) => el("span", { dir: "auto", text: label ? t("ballot_scale_end", { value, label }) : "" });
  const labelled = settings.low_label || settings.high_label;
  const ends = [end(low, settings.low_label), end(high, settings.high_label)];
  const key = labelled ? el("p", { class: "ballot-scale-key", "aria-hidden": "true" }, ...ends) : null;
  const fieldset = group(question, "ballot-rating", key, ...fieldsets);
  const all = () => [...rows.values()].flat();

  return {
    node: fieldset,
    read() {
      const ratings = {};
      for (const [id, radios] of rows) {
        const picked = radios.find((radio) => radio.checked);
        if (picked) ratings[String(id)] = Number(picked.value);
      }
      if (!Object.keys(ratings).length) {
        return { problem: t(statements.length > 1 ? "ballot_rate_some" : "ballot_rate_one") };
      }
      return { response: { ratings } };
    },
    show(response) {
      const ratings = (response && response.ratings) || {};
      for (const [id, radios] of rows) {
        for (const radio of radios) radio.checked = Number(radio.value) === ratings[String(id)];
      }
    },
    setEnabled(on) {
      fieldset.disabled = !on;
    },
    focus() {
      (all().find((radio) => radio.checked) || all()[0])?.focus();
    },
  };
}

// ---------------------------------------------------------------- ranking

function rankingInput(question, { announce, onChange }) {
  const texts = new Map(question.options.map((option) => [option.id, option.text]));
  const list = el("ol", { class: "ballot-ranking" });
  const fieldset = group(question, "ballot-ranking-group", hintLine(t("ballot_rank_hint")), list);
  const items = new Map(); // option id → li

  function order() {
    return [...list.children].map((item) => Number(item.dataset.id));
  }

  function renumber() {
    const ids = order();
    ids.forEach((id, index) => {
      const item = items.get(id);
      item.querySelector(".ballot-rank-number").textContent = String(index + 1);
      item.querySelector("[data-move='up']").disabled = index === 0;
      item.querySelector("[data-move='down']").disabled = index === ids.length - 1;
    });
  }

  function placed(id) {
    const ids = order();
    announce(t("ballot_rank_position", { item: texts.get(id), position: ids.indexOf(id) + 1, count: ids.length }));
    onChange();
  }

  function move(id, step, button) {
    const item = items.get(id);
    const sibling = step < 0 ? item.previousElementSibling : item.nextElementSibling;
    if (!sibling) return;
    if (step < 0) list.insertBefore(item, sibling);
    else list.insertBefore(sibling, item);
    renumber();
    // Focus stays with the item; at the top or the bottom, on the arrow that can still move it.
    const other = item.querySelector(`[data-move='${step < 0 ? "down" : "up"}']`);
    (button.disabled ? other : button).focus();
    placed(id);
  }

  for (const option of question.options) {
    const up = el("button", {
      type: "button",
      class: "button small ballot-move",
      "data-move": "up",
      "aria-label": t("ballot_move_up", { item: option.text }),
      text: "↑",
    });
    const down = el("button", {
      type: "button",
      class: "button small ballot-move",
      "data-move": "down",
      "aria-label": t("ballot_move_down", { item: option.text }),
      text: "↓",
    });
    up.addEventListener("click", () => move(option.id, -1, up));
    down.addEventListener("click", () => move(option.id, 1, down));
    // Dragging is for pointers (finger or mouse); the arrows do the same for keyboards and readers.
    const handle = el("span", { class: "ballot-drag", "aria-hidden": "true", title: t("ballot_drag") }, "⋮⋮");
    const item = el(
      "li",
      { class: "ballot-rank-item", "data-id": String(option.id) },
      handle,
      el("span", { class: "ballot-rank-number", "aria-hidden": "true" }),
      el("span", { class: "ballot-rank-text", dir: "auto", text: option.text }),
      el("span", { class: "ballot-moves" }, up, down),
    );
    items.set(option.id, item);
    list.append(item);
    dragWith(handle, item, list, () => fieldset.disabled, () => {
      renumber();
      placed(option.id);
    });
  }
  renumber();

  return {
    node: fieldset,
    read() {
      return { response: { ranking: order() } };
    },
    show(response) {
      const ranked = ((response && response.ranking) || []).filter((id) => items.has(id));
      const rest = question.options.map((option) => option.id).filter((id) => !ranked.includes(id));
      for (const id of [...ranked, ...rest]) list.append(items.get(id));
      renumber();
    },
    setEnabled(on) {
      fieldset.disabled = !on;
      list.classList.toggle("is-locked", !on);
    },
    focus() {
      list.querySelector("button:not(:disabled)")?.focus();
    },
  };
}

// Reordering by drag with pointer events, so that a finger works as well as a mouse: the item
// follows the pointer from slot to slot, and the page scrolls when the pointer nears an edge.
const EDGE_PX = 56;
const SCROLL_STEP_PX = 12;

function dragWith(handle, item, list, locked, dropped) {
  let drag = null;
  handle.addEventListener("pointerdown", (event) => {
    if (locked() || (event.pointerType === "mouse" && event.button !== 0)) return;
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    drag = { pointerId: event.pointerId, start: [...list.children].indexOf(item) };
    item.classList.add("is-dragging");
  });
  handle.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    event.preventDefault();
    const y = event.clientY;
    if (y < EDGE_PX) window.scrollBy(0, -SCROLL_STEP_PX);
    else if (y > window.innerHeight - EDGE_PX) window.scrollBy(0, SCROLL_STEP_PX);
    // The neighbours move, never the dragged item: taking it out of the page, even for an
    // instant, would end its pointer capture and the drag with it.
    const before = item.previousElementSibling;
    const after = item.nextElementSibling;
    if (before && y < middle(before)) item.after(before);
    else if (after && y > middle(after)) item.before(after);
  });
  const finish = (event) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const moved = [...list.children].indexOf(item) !== drag.start;
    drag = null;
    item.classList.remove("is-dragging");
    if (moved) dropped();
  };
  handle.addEventListener("pointerup", finish);
  handle.addEventListener("pointercancel", finish);
}

function middle(node) {
  const box = node.getBoundingClientRect();
  return box.top + box.height / 2;
}

// ---------------------------------------------------------------- word cloud

function wordsInput(question) {
  const count = Math.max(1, Math.min(3, question.settings.max_words || 1));
  const base = uniqueId(`ballot-${question.id}-word`);
  const boxes = [];
  const fields = Array.from({ length: count }, (_, index) => {
    const id = `${base}-${index + 1}`;
    const counter = el("p", { class: "hint ballot-counter", id: `${id}-count`, "aria-live": "off" });
    const input = el("input", {
      type: "text",
      id,
      maxlength: String(MAX_WORD_CHARS),
      autocomplete: "off",
      autocapitalize: "none",
      enterkeyhint: index === count - 1 ? "send" : "next",
      dir: "auto",
      "aria-describedby": counter.id,
    });
    const renderCount = () => {
      counter.textContent = t("chars_left", { count: MAX_WORD_CHARS - input.value.length });
    };
    input.addEventListener("input", renderCount);
    // Enter goes on to the next box, as the keyboard's key says; in the last one it sends.
    input.addEventListener("keydown", (event) => {
      const next = boxes[index + 1];
      if (event.key !== "Enter" || !next) return;
      event.preventDefault();
      next.input.focus();
    });
    renderCount();
    boxes.push({ input, renderCount });
    const label = count > 1 ? t("ballot_word_number", { number: index + 1 }) : t("ballot_word");
    return el("div", { class: "field ballot-word" }, el("label", { for: id, text: label }), input, counter);
  });
  const hint = hintLine(count > 1 ? t("ballot_words_hint", { max: count }) : t("ballot_words_hint_one"));
  const fieldset = group(question, "ballot-words", hint, ...fields);

  return {
    node: fieldset,
    read() {
      const words = boxes.map(({ input }) => input.value.trim()).filter(Boolean);
      if (!words.length) return { problem: t("ballot_write_one") };
      return { response: { words } };
    },
    show(response) {
      // Stored words come back as {key, text}; words not yet sent are plain text.
      const words = ((response && response.words) || []).map((word) => (typeof word === "string" ? word : word.text));
      boxes.forEach(({ input, renderCount }, index) => {
        input.value = words[index] || "";
        renderCount();
      });
    },
    setEnabled(on) {
      fieldset.disabled = !on;
    },
    focus() {
      boxes[0].input.focus();
    },
  };
}

export const INPUTS = {
  single: choiceInput,
  multiple: choiceInput,
  rating: ratingInput,
  ranking: rankingInput,
  words: wordsInput,
};
