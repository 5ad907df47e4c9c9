// Planning a breakout round: show the settings that matter for the chosen way of grouping,
// shuffle again, and adjust the preview by dragging people or with the group menu on each row.
// Without this script the page still works: every setting shows, and the menus move people.
import { byId } from "./dom.js";
import { t } from "./i18n.js";

const form = byId("plan-form");

// Settings: show only what the chosen way of grouping uses.

function checkedValue(name) {
  const checked = form.querySelector(`input[name="${name}"]:checked`);
  return checked ? checked.value : "";
}

function showRelevantSettings() {
  const mode = checkedValue("mode");
  for (const part of form.querySelectorAll("[data-modes]")) {
    part.hidden = !part.dataset.modes.split(" ").includes(mode);
  }
  const sizing = checkedValue("sizing");
  for (const part of form.querySelectorAll("[data-sizing]")) {
    part.hidden = part.dataset.sizing !== sizing;
  }
}

const settings = byId("plan-settings");
settings.addEventListener("change", (event) => {
  showRelevantSettings();
  const stale = byId("plan-stale");
  if (stale && event.target.name !== "seed") stale.hidden = false;
});
showRelevantSettings();

// "Shuffle again" previews with an empty shuffle number, which asks the server for a new one.
const reshuffle = byId("reshuffle-button");
if (reshuffle) {
  reshuffle.addEventListener("click", () => {
    byId("seed").value = "";
  });
}

// The preview.

const preview = byId("preview");

function groupOf(row) {
  return row.closest("[data-group]");
}

function nameOf(row) {
  return row.querySelector(".plan-member-name").textContent;
}

function groupLabel(card) {
  const input = card.querySelector(".plan-group-name");
  if (input) return input.value.trim() || input.defaultValue;
  return t("plan_no_group");
}

function updateCounts() {
  for (const card of preview.querySelectorAll("[data-group]")) {
    const count = card.querySelectorAll(".plan-member").length;
    card.querySelector("[data-count]").textContent = t("plan_people_count", { count });
    card.classList.toggle("is-empty", count === 0);
  }
}

function announce(message) {
  byId("plan-announcer").textContent = message;
}

function moveRow(row, card, { keepFocus = false } = {}) {
  if (!card || groupOf(row) === card) return;
  const select = row.querySelector("select");
  card.querySelector("[data-members]").append(row);
  select.value = card.dataset.group;
  if (keepFocus) select.focus();
  row.classList.add("just-moved");
  window.setTimeout(() => row.classList.remove("just-moved"), 1200);
  updateCounts();
  announce(t("plan_moved_to", { name: nameOf(row), group: groupLabel(card) }));
}

function cardFor(groupIndex) {
  return preview.querySelector(`[data-group="${CSS.escape(groupIndex)}"]`);
}

if (preview) {
  // The keyboard way: the menu on each row.
  preview.addEventListener("change", (event) => {
    const select = event.target.closest(".plan-member-group");
    if (!select) return;
    moveRow(select.closest(".plan-member"), cardFor(select.value), { keepFocus: true });
  });

  // The pointer way: drag a row onto another group.
  let dragged = null;
  preview.addEventListener("dragstart", (event) => {
    const row = event.target.closest && event.target.closest(".plan-member");
    if (!row) return;
    dragged = row;
    row.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.dataset.person);
  });
  preview.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    for (const card of preview.querySelectorAll(".is-drop-target")) card.classList.remove("is-drop-target");
  });
  preview.addEventListener("dragover", (event) => {
    const card = event.target.closest("[data-group]");
    if (!dragged || !card) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    for (const other of preview.querySelectorAll(".is-drop-target")) {
      if (other !== card) other.classList.remove("is-drop-target");
    }
    card.classList.add("is-drop-target");
  });
  preview.addEventListener("dragleave", (event) => {
    const card = event.target.closest("[data-group]");
    if (card && !card.contains(event.relatedTarget)) card.classList.remove("is-drop-target");
  });
  preview.addEventListener("drop", (event) => {
    const card = event.target.closest("[data-group]");
    if (!dragged || !card) return;
    event.preventDefault();
    card.classList.remove("is-drop-target");
    moveRow(dragged, card);
  });

  // A renamed group is renamed in every row's menu too.
  preview.addEventListener("input", (event) => {
    const input = event.target.closest(".plan-group-name");
    if (!input) return;
    const index = input.closest("[data-group]").dataset.group;
    const label = input.value.trim() || input.defaultValue;
    for (const option of preview.querySelectorAll(`.plan-member-group option[value="${CSS.escape(index)}"]`)) {
      option.textContent = label;
    }
  });

  // Enter in a group name would submit the form with its first button (Preview) and lose the changes.
  preview.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("input[type='text']")) event.preventDefault();
  });

  // Opening with a group that has no question would be refused and the adjustments lost: say so here.
  form.addEventListener("submit", (event) => {
    if (!event.submitter || event.submitter.value !== "open") return;
    const error = byId("plan-error");
    let first = null;
    for (const fieldset of preview.querySelectorAll(".plan-questions")) {
      const missing = !fieldset.querySelector("input:checked");
      fieldset.classList.toggle("has-error", missing);
      if (missing && !first) first = fieldset.querySelector("input");
    }
    error.textContent = first ? t("plan_needs_question") : "";
    if (first) {
      event.preventDefault();
      first.focus();
    }
  });

  updateCounts();
}
