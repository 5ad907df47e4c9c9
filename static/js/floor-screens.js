// Questions from the floor on the console (opening the floor, then moderating it in the live
// question's card) and on the projector (the spotlighted question alone, else the most voted ones).
// User text only ever goes through textContent (dom.js el()).
import { byId, el } from "./dom.js";
import { t } from "./i18n.js";
import { authorOf, byTime, byVotes, isFloor, keepingFocus } from "./floor.js";

// The console: opening the floor, then moderating it in the live question's card (#floor-panel).
export class FloorConsole {
  constructor({ request }) {
    this.request = request;
    this.question = null;
    this.data = null;
    this.sort = "votes";
    this.merging = null; // the id of the item being merged into another
    const form = byId("floor-open-form");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const title = byId("floor-title");
      const reply = await this.request("open_floor", {
        text: title.value.trim() || null,
        premoderation: byId("floor-premoderation").checked,
      });
      if (reply.ok) title.value = "";
    });
    for (const button of document.querySelectorAll("[data-floor-sort]")) {
      button.addEventListener("click", () => {
        this.sort = button.dataset.floorSort;
        this.render(this.question);
      });
    }
  }

  load(snapshot) {
    this.data = snapshot.floor || null;
  }

  events() {
    return {
      floor_changed: (data) => {
        if (!this.question || data.question_id !== this.question.id) return;
        this.data = data;
        this.render(this.question);
      },
    };
  }

  async act(action, item) {
    const reply = await this.request("moderate_floor", { item_id: item.id, action });
    this.applyReply(reply);
  }

  async merge(item, intoId) {
    const reply = await this.request("merge_floor", { item_id: item.id, into_id: intoId });
    if (reply.ok) this.merging = null;
    this.applyReply(reply);
  }

  applyReply(reply) {
    if (reply.ok && reply.floor && this.question && reply.floor.question_id === this.question.id) {
      this.data = { ...this.data, ...reply.floor };
    }
    this.render(this.question);
  }

  button(text, onclick, { key, danger = false, pressed = null } = {}) {
    return el("button", {
      type: "button",
      class: danger ? "button small danger" : "button small",
      "aria-pressed": pressed === null ? null : String(pressed),
      "data-focus-key": key,
      text,
      onclick,
    });
  }

  mergeControls(item, others) {
    const select = el(
      "select",
      { id: `floor-merge-${item.id}`, "data-focus-key": `merge-select:${item.id}` },
      ...others.map((other) => el("option", { value: String(other.id), text: other.text.slice(0, 120) })),
    );
    return el(
      "div",
      { class: "floor-merge" },
      el("label", { for: `floor-merge-${item.id}`, text: t("floor_merge_into") }),
      select,
      el(
        "div",
        { class: "answer-actions" },
        this.button(t("floor_merge_confirm"), () => this.merge(item, Number(select.value)), { key: `merge-go:${item.id}` }),
        this.button(t("cancel"), () => {
          this.merging = null;
          this.render(this.question);
        }, { key: `merge-cancel:${item.id}` }),
      ),
    );
  }

  item(item, kind, visible) {
    const spotlit = item.id === this.data.spotlight_id;
    const meta = [authorOf(item), t("floor_votes", { count: item.votes })];
    const actions = [];
    const key = (name) => `${name}:${item.id}`;
    if (kind === "pending") {
      actions.push(this.button(t("floor_approve"), () => this.act("approve", item), { key: key("approve") }));
      actions.push(this.button(t("hide"), () => this.act("hide", item), { key: key("hide"), danger: true }));
    } else if (kind === "open") {
      actions.push(
        el(
          "button",
          {
            type: "button",
            class: "button small floor-star",
            "aria-pressed": String(spotlit),
            "data-focus-key": key("star"),
            onclick: () => this.act(spotlit ? "unspotlight" : "spotlight", item),
          },
          el("span", { "aria-hidden": "true", text: spotlit ? "★" : "☆" }),
          t("floor_spotlight"),
        ),
      );
      actions.push(this.button(t("floor_mark_answered"), () => this.act("answered", item), { key: key("answered") }));
      actions.push(this.button(t("hide"), () => this.act("hide", item), { key: key("hide"), danger: true }));
      const others = visible.filter((other) => other.id !== item.id);
      if (others.length && this.merging !== item.id) {
        actions.push(
          this.button(t("floor_merge"), () => {
            this.merging = item.id;
            this.render(this.question);
            const select = byId(`floor-merge-${item.id}`);
            if (select) select.focus();
          }, { key: key("merge") }),
        );
      }
    } else if (kind === "answered") {
      actions.push(this.button(t("floor_reopen"), () => this.act("reopen", item), { key: key("reopen") }));
    } else {
      actions.push(this.button(t("unhide"), () => this.act("show", item), { key: key("show") }));
    }
    const classes = ["floor-item", spotlit ? "is-spotlight" : "", kind === "hidden" ? "is-hidden" : ""].filter(Boolean);
    return el(
      "li",
      { class: classes.join(" "), "data-item-id": String(item.id) },
      el("p", { class: "answer-text", dir: "auto", text: item.text }),
      el(
        "p",
        { class: "answer-meta" },
        el("span", { dir: "auto", text: meta.join(" · ") }),
        spotlit ? el("span", { class: "badge floor-spotlight-badge", text: t("floor_on_screen") }) : null,
      ),
      el("div", { class: "answer-actions" }, ...actions),
      kind === "open" && this.merging === item.id
        ? this.mergeControls(item, visible.filter((other) => other.id !== item.id))
        : null,
    );
  }

  render(question) {
    this.question = question;
    const on = isFloor(question);
    byId("current-view").classList.toggle("is-floor", on);
    const panel = byId("floor-panel");
    panel.hidden = !on;
    if (!on) return;
    if (!this.data || this.data.question_id !== question.id) {
      const premoderation = Boolean(question.settings && question.settings.premoderation);
      this.data = { question_id: question.id, premoderation, items: [], spotlight_id: null };
      this.merging = null;
    }
    const items = this.data.items;
    const pending = items.filter((i) => i.awaiting_approval && !i.hidden).sort(byTime).reverse();
    const hidden = items.filter((i) => i.hidden).sort(byTime);
    const visible = items.filter((i) => !i.hidden && !i.awaiting_approval);
    const open = visible.filter((i) => !i.answered).sort(this.sort === "time" ? byTime : byVotes);
    const answered = visible.filter((i) => i.answered).sort(byVotes);
    for (const button of document.querySelectorAll("[data-floor-sort]")) {
      button.setAttribute("aria-pressed", String(button.dataset.floorSort === this.sort));
    }
    byId("floor-summary").textContent = t("floor_summary", { count: visible.length, pending: pending.length });
    keepingFocus(panel, () => {
      byId("floor-pending").replaceChildren(...pending.map((i) => this.item(i, "pending", open)));
      byId("floor-open").replaceChildren(...open.map((i) => this.item(i, "open", open)));
      byId("floor-answered").replaceChildren(...answered.map((i) => this.item(i, "answered", open)));
      byId("floor-hidden").replaceChildren(...hidden.map((i) => this.item(i, "hidden", open)));
    });
    byId("floor-pending-box").hidden = !this.data.premoderation && pending.length === 0;
    byId("floor-pending-empty").hidden = pending.length > 0;
    byId("floor-open-empty").hidden = open.length > 0;
    byId("floor-answered-box").hidden = answered.length === 0;
    byId("floor-hidden-box").hidden = hidden.length === 0;
  }
}

// The projector: the spotlighted question alone, else the most voted ones still to be answered.
export class FloorProjector {
  constructor({ resync }) {
    this.resync = resync;
    this.question = null;
    this.data = null;
    this.asked = new Set();
  }

  load(snapshot) {
    this.data = snapshot.floor || null;
  }

  events() {
    return {
      floor_changed: (data) => {
        if (!this.question || data.question_id !== this.question.id) return;
        this.data = data;
        this.render(this.question);
      },
    };
  }

  render(question) {
    this.question = question;
    const on = isFloor(question);
    byId("question-stage").classList.toggle("is-floor", on);
    byId("floor-stage").hidden = !on;
    if (!on) return;
    let data = this.data;
    if (!data || data.question_id !== question.id) {
      // A question opened after this screen's snapshot: its list is read once from the server.
      if (!this.asked.has(question.id)) {
        this.asked.add(question.id);
        this.resync();
      }
      data = { items: [], count: 0, spotlight: null };
    }
    const spotlight = data.spotlight;
    byId("floor-spotlight").hidden = !spotlight;
    byId("floor-top").hidden = Boolean(spotlight);
    byId("floor-more").hidden = true;
    if (spotlight) {
      byId("floor-spotlight-text").textContent = spotlight.text;
      byId("floor-spotlight-meta").textContent = [authorOf(spotlight), t("floor_votes", { count: spotlight.votes })].join(" · ");
      return;
    }
    byId("floor-top").replaceChildren(
      ...data.items.map((item) =>
        el(
          "li",
          { class: "floor-top-item" },
          el(
            "span",
            { class: "floor-top-votes" },
            el("span", { class: "visually-hidden", text: t("floor_votes", { count: item.votes }) }),
            el("span", { "aria-hidden": "true", text: `▲ ${item.votes}` }),
          ),
          el(
            "div",
            {},
            el("p", { class: "answer-text", dir: "auto", text: item.text }),
            el("p", { class: "answer-meta", dir: "auto", text: authorOf(item) }),
          ),
        ),
      ),
    );
    const more = data.count - data.items.length;
    byId("floor-more").hidden = more <= 0;
    byId("floor-more").textContent = more > 0 ? t("floor_more", { count: more }) : "";
  }
}
