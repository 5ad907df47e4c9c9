// The moderator's cockpit: every breakout group at a glance while the round runs, the time,
// messages, help requests, moving people; then the report-back once the round is closed.
//
// Hundreds of phones may write at once, so the cockpit never re-reads the state more than once a
// second, and it rebuilds a group's card only when something in that group changed.
import { RoundClock, countdownState, formatRemaining } from "./countdown.js";
import { connectLive } from "./live.js";
import { byId, el } from "./dom.js";
import { pageConfig, t } from "./i18n.js";
import { groupResults, renderGroupResults, takeGroupResults } from "./cockpit-results.js";

const config = pageConfig();
const MIN_SYNC_GAP_MS = 1000;
const PRESENCE_REFRESH_MS = 30000;

const state = {
  cockpit: null,
  cards: new Map(), // group id -> {node, signature}
  wall: null, // the group whose wall is open in the side panel
  wallOpener: null,
};

// ---------------------------------------------------------------- helpers

function showError(message) {
  byId("cockpit-error").textContent = message ? t("error", { message }) : "";
}

async function act(event, payload) {
  const reply = await live.request(event, payload);
  showError(reply.ok ? "" : reply.error);
  return reply;
}

function clockTime(iso) {
  if (!iso) return "";
  const lang = document.documentElement.lang || undefined;
  return new Date(iso).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
}

function groupsById() {
  return new Map((state.cockpit ? state.cockpit.groups : []).map((g) => [g.id, g]));
}

function groupName(groupId) {
  const group = groupsById().get(groupId);
  return group ? group.name : "";
}

function isOpen() {
  return Boolean(state.cockpit && state.cockpit.round.status === "open");
}

function personName(person) {
  return person.name || person.label || t("anonymous");
}

// Rebuilding a part of the page must not close a menu, forget a choice or lose the focus.
function keepState(oldNode) {
  const active = document.activeElement;
  return {
    focusKey: oldNode && oldNode.contains(active) && active.dataset ? active.dataset.key : null,
    open: oldNode ? [...oldNode.querySelectorAll("details[open][data-key]")].map((d) => d.dataset.key) : [],
    values: oldNode ? [...oldNode.querySelectorAll("select[data-key]")].map((s) => [s.dataset.key, s.value]) : [],
  };
}

function restoreState(newNode, saved) {
  const find = (key) => newNode.querySelector(`[data-key="${CSS.escape(key)}"]`);
  for (const key of saved.open) {
    const details = find(key);
    if (details) details.open = true;
  }
  for (const [key, value] of saved.values) {
    const select = find(key);
    if (select && [...select.options].some((o) => o.value === value)) select.value = value;
  }
  if (saved.focusKey) {
    // What had the focus may be gone (someone moved to another group): stay in the same part.
    const target = find(saved.focusKey) || newNode.querySelector("[data-focus-fallback]");
    if (target) target.focus();
  }
}

function groupOptions(selectedId, { placeholder } = {}) {
  const options = [];
  if (placeholder) options.push(el("option", { value: "", text: placeholder }));
  for (const group of state.cockpit.groups) {
    const option = el("option", { value: String(group.id), text: group.name });
    if (group.id === selectedId) option.selected = true;
    options.push(option);
  }
  return options;
}

// ---------------------------------------------------------------- refreshing, at most once a second

let lastSync = 0;
let syncTimer = null;
let syncing = false;
let syncAgain = false;

function scheduleSync() {
  if (syncing) {
    syncAgain = true;
    return;
  }
  if (syncTimer) return;
  const wait = Math.max(0, lastSync + MIN_SYNC_GAP_MS - Date.now());
  syncTimer = window.setTimeout(runSync, wait);
}

async function runSync() {
  syncTimer = null;
  syncing = true;
  lastSync = Date.now();
  try {
    await live.resync();
  } finally {
    syncing = false;
    if (syncAgain) {
      syncAgain = false;
      scheduleSync();
    }
  }
}

// ---------------------------------------------------------------- the clock

const clock = new RoundClock((remaining) => {
  const countdown = byId("countdown");
  const text = remaining > 0 ? formatRemaining(remaining) : t("cockpit_time_up");
  if (countdown.textContent !== text) countdown.textContent = text;
  countdown.dataset.state = countdownState(remaining);
});

function showClock(round) {
  if (isOpen()) {
    clock.set(round.ends_at);
    return;
  }
  clock.stop();
  const countdown = byId("countdown");
  countdown.textContent = t("cockpit_round_closed");
  countdown.dataset.state = "closed";
}

// ---------------------------------------------------------------- rendering

function renderHeader(cockpit) {
  const round = cockpit.round;
  const label = t("cockpit_round_number", { number: round.number });
  byId("round-label").textContent = isOpen() ? label : `${label} · ${t("closed")}`;
  byId("ends-at").textContent = isOpen()
    ? t("cockpit_ends_at", { time: clockTime(round.ends_at) })
    : t("cockpit_closed_at", { time: clockTime(round.closed_at) });
  byId("time-controls").hidden = !isOpen();
  byId("close-round").hidden = !isOpen();
  byId("timer-open-label").hidden = !isOpen();
  byId("timer-closed-label").hidden = isOpen();
  byId("broadcast-card").hidden = !isOpen();
  byId("report-card").hidden = isOpen();
  showClock(round);
}

function renderBroadcast(cockpit) {
  const target = byId("broadcast-target");
  const chosen = target.value;
  target.replaceChildren(el("option", { value: "", text: t("cockpit_all_groups") }), ...groupOptions(null));
  if ([...target.options].some((o) => o.value === chosen)) target.value = chosen;
  const messages = cockpit.messages || [];
  byId("no-messages").hidden = messages.length > 0;
  byId("sent-heading").hidden = messages.length === 0;
  byId("messages").replaceChildren(
    ...messages.map((message) =>
      el(
        "li",
        {},
        el("p", { class: "answer-text", dir: "auto", text: message.text }),
        el("p", {
          class: "answer-meta",
          text: `${message.group_id === null ? t("cockpit_all_groups") : groupName(message.group_id)} · ${clockTime(message.created_at)}`,
        }),
      ),
    ),
  );
}

function renderHelp(cockpit) {
  const asking = cockpit.groups.filter((g) => g.help_since);
  byId("help-card").hidden = asking.length === 0 || !isOpen();
  const saved = keepState(byId("help-list"));
  byId("help-list").replaceChildren(
    ...asking.map((group) => {
      const resolve = el("button", {
        class: "button small",
        type: "button",
        "data-key": `help-resolve-${group.id}`,
        text: t("cockpit_resolve"),
      });
      resolve.addEventListener("click", () => act("resolve_help", { group_id: group.id }));
      return el(
        "li",
        {},
        el("a", { href: `#group-${group.id}`, dir: "auto", text: group.name }),
        el("span", { class: "hint", text: t("cockpit_since", { time: clockTime(group.help_since) }) }),
        resolve,
      );
    }),
  );
  restoreState(byId("help-list"), saved);
}

function renderUnassigned(cockpit) {
  const people = cockpit.unassigned || [];
  const list = byId("unassigned");
  byId("unassigned-card").hidden = people.length === 0 || !isOpen();
  byId("unassigned-count").textContent = String(people.length);
  const saved = keepState(list);
  list.replaceChildren(
    ...people.map((person) => {
      const selectId = `place-${person.id}`;
      const select = el("select", { id: selectId, "data-key": selectId }, ...groupOptions(null, { placeholder: t("cockpit_choose_group") }));
      const place = el("button", { class: "button small", type: "button", "data-key": `place-button-${person.id}`, text: t("cockpit_place") });
      place.addEventListener("click", () => {
        const groupId = Number(select.value);
        if (groupId) act("move_member", { participant_id: person.id, group_id: groupId });
      });
      return el(
        "li",
        {},
        el("span", { class: "member-name", dir: "auto", text: personName(person) }),
        el("label", { class: "visually-hidden", for: selectId, text: t("cockpit_group_of", { name: personName(person) }) }),
        select,
        place,
      );
    }),
  );
  restoreState(list, saved);
}

function memberItem(group, person, open) {
  const item = el("li", { class: person.connected ? "member is-online" : "member" });
  item.append(
    el("span", { class: "dot", "aria-hidden": "true" }),
    el(
      "span",
      { class: "member-who" },
      el("span", { class: "member-name", dir: "auto", text: personName(person) }),
      " ",
      el("span", { class: "member-state", text: person.connected ? t("cockpit_online") : t("cockpit_not_connected") }),
      person.rapporteur ? " " : null,
      person.rapporteur ? el("span", { class: "badge rapporteur", text: t("cockpit_rapporteur") }) : null,
    ),
  );
  if (!open) return item;

  const menu = el("details", { class: "member-menu", "data-key": `menu-${person.id}` });
  const summary = el(
    "summary",
    { "data-key": `menu-summary-${person.id}` },
    el("span", { "aria-hidden": "true", text: "⋯" }),
    el("span", { class: "visually-hidden", text: t("cockpit_options_for", { name: personName(person) }) }),
  );
  menu.append(summary);
  // Done: the menu closes and the focus goes back to its button.
  const done = (reply) => {
    if (!reply.ok) return;
    menu.open = false;
    if (menu.isConnected) summary.focus();
  };
  const selectId = `move-${person.id}`;
  const select = el("select", { id: selectId, "data-key": selectId }, ...groupOptions(group.id));
  const move = el("button", { class: "button small", type: "button", "data-key": `move-button-${person.id}`, text: t("cockpit_move") });
  move.addEventListener("click", () => {
    const target = Number(select.value);
    if (target && target !== group.id) act("move_member", { participant_id: person.id, group_id: target }).then(done);
  });
  const rapporteur = el("button", {
    class: "button small",
    type: "button",
    "data-key": `rapporteur-${person.id}`,
    text: person.rapporteur ? t("cockpit_remove_rapporteur") : t("cockpit_make_rapporteur"),
  });
  rapporteur.addEventListener("click", () =>
    act("set_rapporteur", { group_id: group.id, participant_id: person.rapporteur ? null : person.id }).then(done),
  );
  menu.append(
    el(
      "div",
      { class: "member-menu-body" },
      el("label", { for: selectId, text: t("cockpit_move_to") }),
      el("div", { class: "inline-controls" }, select, move),
      rapporteur,
    ),
  );
  item.append(menu);
  return item;
}

// Written answers, or for a ballot question how many of the group answered it.
function questionCount(group, question) {
  const results = groupResults(state.cockpit, question.id, group.id);
  if (!results) return t("answers_count", { count: question.answers });
  return t("results_answered_of", { count: results.respondents, total: group.members.length });
}

function groupCard(group, open) {
  const online = group.members.filter((m) => m.connected).length;
  const card = el("li", {
    class: group.help_since ? "group-card needs-help" : "group-card",
    id: `group-${group.id}`,
    "aria-labelledby": `group-${group.id}-name`,
  });
  const head = el(
    "div",
    { class: "group-card-head" },
    el("h3", { id: `group-${group.id}-name`, tabindex: "-1", "data-focus-fallback": "", dir: "auto", text: group.name }),
    el("span", {
      class: "badge",
      text: group.capacity
        ? t("cockpit_places_taken", { count: group.members.length, capacity: group.capacity })
        : t("cockpit_people_online", { count: group.members.length, online }),
    }),
  );
  card.append(head);

  if (group.help_since && open) {
    const resolve = el("button", { class: "button small", type: "button", "data-key": `resolve-${group.id}`, text: t("cockpit_resolve") });
    resolve.addEventListener("click", () => act("resolve_help", { group_id: group.id }));
    card.append(
      el(
        "div",
        { class: "help-badge" },
        el("span", { text: `⚑ ${t("cockpit_needs_help")} · ${t("cockpit_since", { time: clockTime(group.help_since) })}` }),
        resolve,
      ),
    );
  }

  card.append(
    el(
      "ul",
      { class: "group-questions" },
      ...group.questions.map((question) =>
        el(
          "li",
          {},
          el("span", { class: "q-text", title: question.text, dir: "auto", text: question.text }),
          el(
            "span",
            { class: "q-stats" },
            el("strong", { text: questionCount(group, question) }),
            " · ",
            el("span", {
              class: question.has_summary ? "summary-state has-summary" : "summary-state",
              text: question.has_summary ? `✓ ${t("cockpit_summary_written")}` : t("cockpit_no_summary"),
            }),
          ),
        ),
      ),
    ),
  );

  const members = el("ul", { class: "members", "aria-label": t("cockpit_members_of", { group: group.name }) });
  if (group.members.length === 0) members.append(el("li", { class: "hint", text: t("cockpit_no_members") }));
  const sorted = [...group.members].sort((a, b) => Number(b.rapporteur) - Number(a.rapporteur));
  for (const person of sorted) members.append(memberItem(group, person, open));
  card.append(members);

  const wall = el("button", { class: "button small", type: "button", "data-key": `wall-${group.id}`, text: t("cockpit_open_wall") });
  wall.addEventListener("click", () => openWall(group.id, wall));
  card.append(el("div", { class: "actions" }, wall));
  return card;
}

function renderGroups(cockpit) {
  const open = isOpen();
  const list = byId("groups");
  const names = cockpit.groups.map((g) => [g.id, g.name]);
  const seen = new Set();
  let previous = null;
  for (const group of cockpit.groups) {
    seen.add(group.id);
    const answered = group.questions.map((q) => (groupResults(cockpit, q.id, group.id) || {}).respondents);
    const signature = JSON.stringify([group, names, open, answered]);
    let entry = state.cards.get(group.id);
    if (!entry || entry.signature !== signature) {
      const node = groupCard(group, open);
      if (entry) {
        const saved = keepState(entry.node);
        entry.node.replaceWith(node);
        restoreState(node, saved);
      }
      entry = { node, signature };
      state.cards.set(group.id, entry);
    }
    // Keep the order of the groups, moving nodes only when needed.
    const expected = previous ? previous.nextSibling : list.firstChild;
    if (expected !== entry.node) list.insertBefore(entry.node, expected);
    previous = entry.node;
  }
  for (const [id, entry] of state.cards) {
    if (!seen.has(id)) {
      entry.node.remove();
      state.cards.delete(id);
    }
  }
  const people = cockpit.groups.reduce((sum, g) => sum + g.members.length, 0);
  const online = cockpit.groups.reduce((sum, g) => sum + g.members.filter((m) => m.connected).length, 0);
  byId("groups-summary").textContent = t("cockpit_groups_summary", { groups: cockpit.groups.length, people, online });
}

function renderReport(cockpit) {
  const round = cockpit.round;
  const saved = keepState(byId("report-groups"));
  byId("report-groups").replaceChildren(
    ...cockpit.groups.map((group) => {
      const shown = round.report_group_id === group.id;
      const show = el("button", {
        class: shown ? "button small primary" : "button small",
        type: "button",
        "aria-pressed": shown ? "true" : "false",
        "data-key": `report-${group.id}`,
        text: t("cockpit_show_on_projector"),
      });
      show.addEventListener("click", () => act("show_report", { group_id: group.id }));
      return el(
        "li",
        { class: shown ? "is-shown" : "" },
        el("span", { class: "member-name", dir: "auto", text: group.name }),
        shown ? el("span", { class: "badge", text: t("cockpit_on_projector") }) : null,
        show,
      );
    }),
  );
  restoreState(byId("report-groups"), saved);
  byId("clear-report").disabled = round.report_group_id === null;
  byId("publish-walls").hidden = round.walls_published;
  byId("unpublish-walls").hidden = !round.walls_published;
  byId("walls-state").textContent = round.walls_published ? t("cockpit_walls_published") : t("cockpit_walls_private");
}

function renderResultsCard(cockpit) {
  const container = byId("group-results");
  const saved = keepState(container);
  byId("results-card").hidden = !renderGroupResults(container, cockpit, () => renderResultsCard(state.cockpit));
  restoreState(container, saved);
}

function render() {
  const cockpit = state.cockpit;
  byId("no-round").hidden = Boolean(cockpit);
  byId("round-view").hidden = !cockpit;
  if (!cockpit) {
    byId("round-label").textContent = t("cockpit_no_round");
    clock.stop();
    closeWall();
    return;
  }
  renderHeader(cockpit);
  renderBroadcast(cockpit);
  renderHelp(cockpit);
  renderUnassigned(cockpit);
  renderResultsCard(cockpit);
  renderGroups(cockpit);
  if (!isOpen()) renderReport(cockpit);
  if (state.wall && !groupsById().has(state.wall.groupId)) closeWall();
}

// ---------------------------------------------------------------- one group's wall, in the side panel

function renderWall() {
  const wall = state.wall;
  if (!wall) return;
  byId("wall-heading").textContent = t("cockpit_wall_of", { group: wall.group.name });
  const body = byId("wall-body");
  const saved = keepState(body);
  const sections = wall.questions.map((question) => {
    const summary = wall.summaries[String(question.id)];
    const answers = [...wall.answers.values()]
      .filter((a) => a.question_id === question.id)
      .sort((a, b) => b.votes - a.votes || a.id - b.id);
    return el(
      "section",
      { class: "wall-question" },
      el("h3", { dir: "auto", text: question.text }),
      el(
        "div",
        { class: summary && summary.text ? "wall-summary" : "wall-summary is-empty" },
        el("p", { class: "small-heading", text: t("cockpit_summary") }),
        el("p", { class: "answer-text", dir: "auto", text: summary && summary.text ? summary.text : t("cockpit_no_summary") }),
      ),
      answers.length
        ? el("ul", { class: "answers" }, ...answers.map(wallAnswer))
        : el("p", { class: "hint", text: t("no_answers_yet") }),
    );
  });
  body.replaceChildren(...sections);
  restoreState(body, saved);
}

function wallAnswer(answer) {
  const item = el("li", { class: answer.hidden ? "is-hidden" : "" });
  item.append(el("p", { class: "answer-text", dir: "auto", text: answer.text }));
  const meta = [answer.author || t("anonymous"), t("cockpit_votes_count", { count: answer.votes })];
  if (answer.hidden) meta.push(t("hidden"));
  item.append(el("p", { class: "answer-meta", text: meta.join(" · ") }));
  const toggle = el("button", {
    class: answer.hidden ? "button small" : "button small danger",
    type: "button",
    "data-key": `hide-${answer.id}`,
    text: answer.hidden ? t("unhide") : t("hide"),
  });
  toggle.addEventListener("click", async () => {
    const reply = await live.request("hide_answer", { answer_id: answer.id, hidden: !answer.hidden });
    byId("wall-error").textContent = reply.ok ? "" : t("error", { message: reply.error });
  });
  item.append(el("div", { class: "answer-actions" }, toggle));
  return item;
}

async function loadWall(groupId) {
  const reply = await live.request("group_detail", { group_id: groupId });
  if (!state.wall || state.wall.groupId !== groupId) return;
  if (!reply.ok) {
    byId("wall-error").textContent = t("error", { message: reply.error });
    return;
  }
  byId("wall-error").textContent = "";
  state.wall.group = reply.group;
  state.wall.questions = reply.questions;
  state.wall.answers = new Map(reply.answers.map((a) => [a.id, a]));
  state.wall.summaries = reply.summaries;
  renderWall();
}

async function openWall(groupId, opener) {
  state.wall = { groupId, group: { id: groupId, name: groupName(groupId) }, questions: [], answers: new Map(), summaries: {} };
  state.wallOpener = opener;
  byId("wall-body").replaceChildren(el("p", { class: "hint", text: t("cockpit_loading") }));
  byId("wall-error").textContent = "";
  byId("wall-heading").textContent = t("cockpit_wall_of", { group: groupName(groupId) });
  byId("wall-panel").hidden = false;
  document.body.classList.add("wall-open");
  byId("wall-heading").focus();
  await loadWall(groupId);
}

function closeWall() {
  if (!state.wall) return;
  const opener = state.wallOpener;
  const key = opener && opener.dataset.key;
  state.wall = null;
  state.wallOpener = null;
  byId("wall-panel").hidden = true;
  document.body.classList.remove("wall-open");
  // The card may have been rebuilt meanwhile: return to its button of the same key.
  const target = key ? document.querySelector(`[data-key="${CSS.escape(key)}"]`) : null;
  if (target) target.focus();
}

function wallEvent(handler) {
  return (data) => {
    if (state.wall && data.group_id === state.wall.groupId) {
      handler(data);
      renderWall();
    }
  };
}

// ---------------------------------------------------------------- controls

for (const button of document.querySelectorAll("[data-minutes]")) {
  button.addEventListener("click", () => act("adjust_time", { minutes: Number(button.dataset.minutes) }));
}

byId("close-round").addEventListener("click", () => {
  if (window.confirm(t("cockpit_confirm_close_round"))) act("close_round", {});
});

byId("broadcast-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = byId("broadcast-text");
  const text = box.value.trim();
  if (!text) {
    showError(t("empty"));
    box.focus();
    return;
  }
  const target = byId("broadcast-target").value;
  const reply = await act("broadcast", { text, group_id: target ? Number(target) : null });
  if (reply.ok) {
    box.value = "";
    scheduleSync();
  }
});

byId("clear-report").addEventListener("click", () => act("show_report", { group_id: null }));
byId("publish-walls").addEventListener("click", () => act("publish_walls", { published: true }));
byId("unpublish-walls").addEventListener("click", () => act("publish_walls", { published: false }));
byId("end-report").addEventListener("click", () => {
  if (window.confirm(t("cockpit_confirm_end_report"))) act("end_report_back", {});
});

byId("wall-close").addEventListener("click", closeWall);
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && state.wall && byId("wall-panel").contains(document.activeElement)) closeWall();
});

// ---------------------------------------------------------------- the connection

function timerChanged(data) {
  if (isOpen()) clock.set(data.ends_at, data.server_time);
  scheduleSync();
}

const live = connectLive({
  view: "cockpit",
  meeting: config.meeting,
  onRefused: () => window.location.reload(),
  onSnapshot(snapshot) {
    lastSync = Date.now();
    clock.correct(snapshot.server_time);
    state.cockpit = snapshot.cockpit;
    render();
  },
  events: {
    cockpit_changed: scheduleSync,
    phase_changed() {
      // A notice such as "round 1 is open" no longer holds once the phase moves on.
      for (const notice of document.querySelectorAll(".flashes")) notice.remove();
      scheduleSync();
      if (state.wall) loadWall(state.wall.groupId);
    },
    timer_changed: timerChanged,
    round_warning: timerChanged,
    message_broadcast: scheduleSync,
    help_changed(data) {
      if (data.requested) byId("help-announcer").textContent = t("cockpit_help_requested", { group: data.group });
      scheduleSync();
    },
    // Answer counts on the cards; the open wall is updated at once.
    wall_answer_changed: (data) => {
      scheduleSync();
      wallEvent((answer) => state.wall.answers.set(answer.id, answer))(data);
    },
    wall_answer_removed: (data) => {
      scheduleSync();
      wallEvent((answer) => {
        // A hidden answer stays on the moderator's view of the wall, marked hidden.
        if (answer.hidden) state.wall.answers.set(answer.id, answer);
        else state.wall.answers.delete(answer.id);
      })(data);
    },
    votes_changed: wallEvent((data) => {
      const answer = state.wall.answers.get(data.answer_id);
      if (answer) answer.votes = data.votes;
    }),
    summary_saved: wallEvent((summary) => {
      state.wall.summaries[String(summary.question_id)] = summary;
    }),
    // A group's recount of a ballot question, a few times a second at most.
    results(data) {
      if (!takeGroupResults(state.cockpit, data)) return;
      renderResultsCard(state.cockpit);
      renderGroups(state.cockpit);
    },
  },
});

// Events missed while disconnected are not replayed: the snapshot covers the cards, the wall reloads.
live.socket.on("connect", () => {
  if (state.wall) loadWall(state.wall.groupId);
});

// Phones that vanish without saying goodbye turn grey only when the state is read again.
window.setInterval(() => {
  if (isOpen()) scheduleSync();
}, PRESENCE_REFRESH_MS);
