/**
 * Portfolio: open positions with live P&L and their stops (GET /api/positions?live=true, prices from GET /api/status),
 * forced exits (POST /api/positions/:id/exit), the equity curve and its drawdown (GET /api/equity, live from
 * portfolio.update), and the operator controls (GET /api/controls; POST /api/controls/pause|resume|kill,
 * POST /api/positions/exit-all), each with a reason.
 */
import { ApiError, withQuery } from "../api.js";
import { equityChart } from "../charts.js";
import { $, badge, fmt, h, kv, put, tone } from "../dom.js";

export function positionsPanel(ctx) {
  const p = ctx.panel("p-positions");
  const body = $("#positions");
  const reasonInput = $("#exit-reason");
  let ids = "";

  function price(pos) {
    const feed = ctx.state.status?.feeds?.find((f) => f.symbol === pos.symbol);
    return typeof feed?.lastPrice === "number" ? feed.lastPrice : pos.lastPrice;
  }

  function stopsLine(pos, last) {
    const s = pos.stops;
    if (!s) return h("div", { class: "muted", text: pos.status === "open" ? "stops: —" : "stops: set once the entry fills" });
    const dist = (x) => (typeof last === "number" && last > 0 ? ` (${fmt.signedPct(x / last - 1, 1)})` : "");
    return h(
      "div",
      { class: "stops" },
      h("span", { class: "muted", text: "hard stop " }),
      h("span", { class: "down", text: `${fmt.price(s.hardStop)}${dist(s.hardStop)}` }),
      h("span", { class: "muted", text: " · trailing " }),
      s.trailingActive ? h("span", { class: "warn", text: `${fmt.price(s.trailingStop)}${dist(s.trailingStop)}` }) : h("span", { class: "muted", text: `from a peak of ${fmt.price(s.trailActivatesAt)}` }),
      s.timeStopAt ? [h("span", { class: "muted", text: " · time stop " }), fmt.time(s.timeStopAt)] : null,
      pos.protectiveStop ? [h("span", { class: "muted", text: " · exchange stop " }), `${fmt.price(pos.protectiveStop.stopPrice)} (${pos.protectiveStop.status})`] : null,
    );
  }

  async function exit(pos, button) {
    const reason = reasonInput.value.trim();
    if (reason.length < 3) {
      reasonInput.focus();
      p.error(new ApiError(0, "reason_required", "Write the reason for the exit first (3–500 characters): the API records it."));
      return;
    }
    button.disabled = true;
    try {
      const r = await ctx.api.post(`/api/positions/${encodeURIComponent(pos.id)}/exit`, { reason });
      p.ok(`Exit of ${pos.id} asked by ${r.action?.by ?? "dashboard"}: ${reason}`);
      ctx.soon("positions", 300);
      ctx.soon("controls", 300);
    } catch (err) {
      p.error(err);
    } finally {
      button.disabled = false;
    }
  }

  function render() {
    const book = ctx.state.book;
    if (!book.length) {
      put(body, h("p", { class: "notice", text: "No open positions." }));
      return;
    }
    put(
      body,
      h(
        "ul",
        { class: "rows positions" },
        book.map((pos) => {
          const last = price(pos);
          const open = pos.status === "open";
          // A short gains when the price falls (futures positions carry their side; spot is long).
          const dir = pos.side === "short" ? -1 : 1;
          const pnl = open && typeof last === "number" ? dir * (last - pos.entryPrice) * pos.qty + (pos.funding ?? 0) : null;
          const pnlPct = open && typeof last === "number" && pos.entryPrice > 0 ? dir * (last / pos.entryPrice - 1) : null;
          const button = h("button", { class: "btn small danger", type: "button", text: "Exit", "aria-label": `Exit ${pos.id}` });
          button.addEventListener("click", () => void exit(pos, button));
          const decision = pos.decisionId
            ? h("button", { class: "link", type: "button", text: pos.decisionId, on: { click: () => ctx.showDecision?.(pos.decisionId, `Position ${pos.id}`, pos.symbol) } })
            : null;
          return h(
            "li",
            { dataset: { position: pos.id } },
            h(
              "div",
              { class: "pos-head" },
              h("strong", { text: pos.symbol }),
              badge(open ? "open" : "pending", open ? "good" : "warnb"),
              pos.venue === "futures" ? badge(`${pos.side ?? "long"} ${pos.leverage ?? 1}x${pos.group ? " carry" : ""}`, pos.side === "short" ? "warnb" : "good") : null,
              h("span", { class: `num pnl ${tone(pnl)}`, text: `${fmt.signed(pnl)} (${fmt.signedPct(pnlPct)})` }),
            ),
            h("div", { class: "num" }, `${fmt.qty(pos.qty)} @ ${fmt.price(pos.entryPrice)}`, h("span", { class: "muted", text: " → last " }), fmt.price(last)),
            pos.venue === "futures"
              ? h("div", { class: "num muted", dataset: { futures: pos.id } }, `liquidation ${fmt.price(pos.liquidationPrice)} · funding ${fmt.signed(pos.funding ?? 0)}`)
              : null,
            stopsLine(pos, last),
            h("div", { class: "pos-foot" }, h("span", { class: "muted" }, `opened ${fmt.time(pos.openedAt)} by `, decision ?? "—"), button),
          );
        }),
      ),
    );
  }

  async function load() {
    if (!ctx.state.status?.account) {
      ctx.state.book = [];
      put(body, h("p", { class: "notice", text: "The engine is not started." }));
      return;
    }
    const { positions } = await ctx.api.get(withQuery("/api/positions", { live: "true" }));
    p.clear();
    ctx.state.book = positions;
    render();
    const now = positions.map((x) => `${x.id}:${x.status}`).join(",");
    if (now !== ids) {
      ids = now;
      ctx.soon("candles", 200);
    }
  }

  return { load, render };
}

export function equityPanel(ctx) {
  const p = ctx.panel("p-equity");
  const stats = $("#equity-stats");
  const chart = equityChart($("#equity-chart"));
  let points = [];

  function renderStats() {
    const a = ctx.state.status?.account;
    let peak = 0;
    let maxDd = 0;
    for (const x of points) {
      peak = Math.max(peak, x.equity);
      if (peak > 0) maxDd = Math.min(maxDd, x.equity / peak - 1);
    }
    const last = points.at(-1)?.equity ?? a?.equity ?? null;
    const item = (label, value, cls = "") => h("span", null, h("span", { class: "label", text: label }), h("span", { class: `num ${cls}`, text: value }));
    put(
      stats,
      item("Equity", fmt.num(last)),
      item("Peak", fmt.num(peak || null)),
      item("Drawdown", fmt.signedPct(peak > 0 && last !== null ? last / peak - 1 : null), "down"),
      item("Max drawdown", fmt.signedPct(maxDd), "down"),
      a ? item("Realized", fmt.signed(a.realizedPnl), tone(a.realizedPnl)) : null,
      a ? item("Fees", fmt.num(a.feesPaid)) : null,
      a ? item("Exposure", fmt.num(a.exposure)) : null,
    );
  }

  async function load() {
    const { equity } = await ctx.api.get(withQuery("/api/equity", { limit: 2000 }));
    p.clear();
    points = equity.filter((r) => r.at > 0).map((r) => ({ t: r.at, equity: r.equity }));
    chart.setData(points);
    renderStats();
    if (!points.length) stats.prepend(h("span", { class: "notice", text: "No equity snapshots yet." }));
  }

  return {
    load,
    /** A portfolio.update from the stream: one more point. */
    onUpdate(ts, data) {
      if (typeof data?.equity !== "number" || !(ts > 0)) return;
      if (points.length && ts < points.at(-1).t) return;
      points.push({ t: ts, equity: data.equity });
      if (points.length > 5000) points = points.slice(-4000);
      chart.add(ts, data.equity);
      renderStats();
    },
  };
}

export function controlsPanel(ctx) {
  const p = ctx.panel("p-controls");
  const state = $("#controls-state");
  const form = $("#controls-form");
  const actions = $("#actions");
  const flatten = $("#kill-flatten");
  /** Dangerous buttons ask twice: the first click arms them for 5 s. */
  const armed = new Map();

  function render(c) {
    const flag = (x) => (x ? `${x.by ?? "?"}: ${x.reason ?? ""}${x.at ? ` (${fmt.time(x.at)})` : ""}` : null);
    put(
      state,
      h("div", { class: "stats" }, badge(c.tradingState, c.tradingState), c.paused ? badge("PAUSED", "warnb") : null, c.kill ? badge("KILL SWITCH", "bad") : null),
      kv([
        ["Halt", c.haltReason],
        ["Paused", flag(c.paused)],
        ["Kill switch", c.kill ? `${flag(c.kill)}${c.kill.flatten ? " · flatten" : ""}` : null],
        ["Reducing", flag(c.reducing)],
        ["Entries refused", c.entriesRefused],
        ["Cooldowns", c.cooldowns && (c.cooldowns.streak || c.cooldowns.symbols?.length) ? fmt.json(c.cooldowns, 300) : null],
        ["Open", c.positions.length ? c.positions.map((x) => `${x.symbol} (${x.status})`).join(", ") : "none"],
      ]),
    );
    put(
      actions,
      c.recentActions.length
        ? c.recentActions.slice(0, 8).map((a) => h("li", { dataset: { action: a.action } }, badge(a.action, a.action === "kill" || a.action === "exit_all" ? "bad" : ""), " ", h("span", { class: "muted", text: `${fmt.time(a.at)} ${a.by}: ` }), a.reason))
        : h("li", { class: "muted", text: "No operator actions yet." }),
    );
  }

  async function load() {
    if (!ctx.state.status?.account) {
      put(state, h("p", { class: "notice", text: "The engine is not started: POST /api/engine/start first." }));
      return;
    }
    try {
      const c = await ctx.api.get("/api/controls");
      p.clear();
      ctx.state.controls = c;
      render(c);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        put(state, h("p", { class: "notice", text: err.message }));
        p.clear();
        return;
      }
      throw err;
    }
  }

  const PATHS = { pause: "/api/controls/pause", resume: "/api/controls/resume", kill: "/api/controls/kill", "exit-all": "/api/positions/exit-all" };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const button = e.submitter;
    const action = button?.dataset.action;
    if (!action) return;
    if ((action === "kill" || action === "exit-all") && !armed.has(action)) {
      const label = button.textContent;
      button.classList.add("armed");
      button.textContent = action === "kill" ? "Confirm kill switch" : "Confirm exit all";
      armed.set(
        action,
        setTimeout(() => {
          armed.delete(action);
          button.classList.remove("armed");
          button.textContent = label;
        }, 5_000),
      );
      return;
    }
    if (armed.has(action)) {
      clearTimeout(armed.get(action));
      armed.delete(action);
      button.classList.remove("armed");
      button.textContent = action === "kill" ? "Kill switch" : "Exit all";
    }
    const reason = form.elements.reason.value.trim();
    const body = action === "kill" ? { reason, flatten: flatten.checked } : { reason };
    for (const b of form.querySelectorAll("button")) b.disabled = true;
    try {
      const r = await ctx.api.post(PATHS[action], body);
      p.clear();
      ctx.state.controls = r.controls;
      render(r.controls);
      p.ok(`${r.action ? r.action.action : action} recorded for ${r.action?.by ?? "dashboard"}: ${reason}${r.positions.length ? ` · positions: ${r.positions.join(", ")}` : ""}`);
      ctx.soon("positions", 300);
      ctx.soon("status", 300);
    } catch (err) {
      p.error(err);
    } finally {
      for (const b of form.querySelectorAll("button")) b.disabled = false;
    }
  });

  return { load };
}

