// The meeting editor's question forms, improved in place: only the fields the chosen format
// uses are shown, and options are added, moved and removed without a round trip. Without this
// script the same buttons submit the form and the server does the same.
import { t } from "./i18n.js";

const MAX_ROWS = 20;
const announcer = document.getElementById("editor-announcer");
// An empty option row per form, copied when the moderator adds one.
const blankRows = new WeakMap();

function announce(message) {
  if (!announcer) return;
  // Emptied first, so that the same message said twice is read twice.
  announcer.textContent = "";
  window.setTimeout(() => {
    announcer.textContent = message;
  }, 50);
}

function chosenFormat(form) {
  const select = form.querySelector("[data-format-select]");
  return select ? select.value : form.dataset.format;
}

function rowTexts(format, number) {
  const kind = format === "rating" ? "statement" : "option";
  return {
    label: t(`editor_${kind}_label`, { number }),
    up: t(`editor_${kind}_up`, { number }),
    down: t(`editor_${kind}_down`, { number }),
    remove: t(`editor_${kind}_remove`, { number }),
  };
}

function rows(list) {
  return [...list.querySelectorAll(":scope > .option-row")];
}

// Names, ids, labels and buttons follow the rows' order, so that the server reads the rows in
// the order the moderator sees them.
function renumber(form) {
  const list = form.querySelector("[data-option-list]");
  if (!list) return;
  const prefix = list.dataset.prefix;
  const format = chosenFormat(form);
  const all = rows(list);
  all.forEach((row, index) => {
    const texts = rowTexts(format, index + 1);
    row.querySelector('input[type="hidden"]').name = `options-${index}-id`;
    const input = row.querySelector('input[type="text"]');
    input.name = `options-${index}-text`;
    input.id = `${prefix}-option-${index}`;
    const label = row.querySelector("label");
    label.htmlFor = input.id;
    label.textContent = texts.label;
    for (const button of row.querySelectorAll("[data-option-action]")) {
      const action = button.dataset.optionAction;
      button.value = `option-${action}-${index}`;
      button.setAttribute("aria-label", texts[action]);
      if (action === "up") button.disabled = index === 0;
      if (action === "down") button.disabled = index === all.length - 1;
    }
  });
  const add = form.querySelector("[data-add-option]");
  if (add) add.disabled = all.length >= MAX_ROWS;
}

function showFieldsFor(form) {
  const format = chosenFormat(form);
  for (const part of form.querySelectorAll("[data-formats]")) {
    const unused = !part.dataset.formats.split(" ").includes(format);
    // Disabled as well as hidden: a field the format does not use is neither sent nor checked.
    part.hidden = unused;
    part.disabled = unused;
  }
  for (const legend of form.querySelectorAll("[data-legend-for]")) {
    legend.hidden = !legend.dataset.legendFor.split(" ").includes(format);
  }
  const select = form.querySelector("[data-format-select]");
  const badge = form.querySelector("[data-format-badge]");
  if (select && badge) badge.textContent = select.selectedOptions[0].textContent;
  renumber(form);
}

function moveRow(form, row, action) {
  const list = row.parentElement;
  const all = rows(list);
  const index = all.indexOf(row);
  if (action === "remove") {
    const next = all[index + 1] || all[index - 1];
    row.remove();
    if (rows(list).length === 0) addRow(form, { focus: false });
    renumber(form);
    const target = next && next.isConnected ? next : rows(list)[0];
    target.querySelector('input[type="text"]').focus();
    announce(t("editor_removed", { count: rows(list).length }));
    return;
  }
  const target = action === "up" ? all[index - 1] : all[index + 1];
  if (!target) return;
  if (action === "up") list.insertBefore(row, target);
  else list.insertBefore(target, row);
  renumber(form);
  // Focus stays on the button that was pressed, unless it can no longer be pressed.
  const button = row.querySelector(`[data-option-action="${action}"]`);
  const other = row.querySelector(`[data-option-action="${action === "up" ? "down" : "up"}"]`);
  (button.disabled ? other : button).focus();
  announce(t("editor_moved", { number: rows(list).indexOf(row) + 1 }));
}

function addRow(form, { focus = true } = {}) {
  const list = form.querySelector("[data-option-list]");
  const existing = rows(list);
  if (existing.length >= MAX_ROWS) return;
  const row = blankRows.get(form).cloneNode(true);
  list.append(row);
  renumber(form);
  if (focus) {
    row.querySelector('input[type="text"]').focus();
    announce(t("editor_added", { number: rows(list).length }));
  }
}

function enhance(form) {
  const select = form.querySelector("[data-format-select]");
  if (select) select.addEventListener("change", () => showFieldsFor(form));
  const first = form.querySelector("[data-option-list] > .option-row");
  if (first) {
    const blank = first.cloneNode(true);
    for (const input of blank.querySelectorAll("input")) {
      input.value = "";
      input.setAttribute("value", "");
    }
    blankRows.set(form, blank);
  }
  const add = form.querySelector("[data-add-option]");
  if (add && first) {
    add.hidden = false;
    add.addEventListener("click", () => addRow(form));
  }
  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-option-action]");
    if (!button || !form.contains(button)) return;
    event.preventDefault();
    moveRow(form, button.closest(".option-row"), button.dataset.optionAction);
  });
  showFieldsFor(form);
}

for (const form of document.querySelectorAll("[data-question-editor]")) enhance(form);
