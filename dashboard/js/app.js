/**
 * The Edgetrader dashboard: sign in with an API token (kept in this tab's sessionStorage), then every panel loads
 * from the worker's API and stays live through the event stream (js/stream.js) plus a slow poll per panel.
 * Plain ES modules, no build step; text from the API only ever goes into text nodes (js/dom.js).
 */
import { ApiError, createApi, describeError } from "./api.js";
import { $, fmt, h, put, tone } from "./dom.js";
import { agentsPanel, llmPanel, regimePanel } from "./panels/brain.js";
import { decisionsPanel, gatePanel } from "./panels/decisions.js";
import { eventsPanel } from "./panels/events.js";
import { marketPanel } from "./panels/market.js";
import { controlsPanel, equityPanel, positionsPanel } from "./panels/portfolio.js";
import { portfoliosPanel } from "./panels/portfolios.js";
import { backtestPanel, strategiesPanel } from "./panels/strategies.js";
import { openStream } from "./stream.js";

const TOKEN_KEY = "edgetrader.token";

/** How often each loader runs without an event asking for it (ms). */
const EVERY = { status: 5_000, positions: 5_000, candles: 20_000, controls: 15_000, gate: 15_000, decisions: 30_000, llm: 30_000, equity: 60_000, regime: 60_000, agents: 60_000, portfolios: 30_000, strategies: 120_000, backtests: 0 };

/** Which loaders an event of the stream makes due. */
const ON_EVENT = {
  "position.opened": ["positions", "status", "candles"],
  "position.closed": ["positions", "status", "candles", "agents", "equity", "portfolios"],
  "order.filled": ["positions", "status"],
  "decision.made": ["decisions", "gate", "llm", "agents", "regime", "portfolios"],
  "gate.wake": ["gate"],
  "risk.alert": ["controls", "status", "llm"],
  "feed.status": ["status"],
};

let session = null;

function panelHelper(id) {
  const section = document.getElementById(id);
  const err = section.querySelector(":scope > p.err");
  const ok = section.querySelector(":scope > p.ok");
  return {
    section,
    /** Shows what the API said (or any failure) in the panel instead of failing silently. */
    error(e) {
      err.textContent = describeError(e);
      err.hidden = false;
      if (ok) ok.hidden = true;
    },
    notice(text) {
      err.hidden = true;
      const body = section.querySelector(".body, .chart-wrap");
      if (body && !body.querySelector(":scope > .notice")) body.prepend(h("p", { class: "notice", text }));
    },
    ok(text) {
      if (!ok) return;
      ok.textContent = text;
      ok.hidden = false;
      err.hidden = true;
    },
    clear() {
      err.hidden = true;
      section.querySelector(".chart-wrap > .notice")?.remove();
    },
  };
}

function renderSummary(status) {
  const a = status.account;
  const item = (label, value, cls = "") => h("span", { class: "item" }, h("span", { class: "label", text: label }), h("span", { class: `num ${cls}`, text: value }));
  const unrealized = (a?.positions ?? []).reduce((s, p) => {
    const last = status.feeds.find((f) => f.symbol === p.symbol)?.lastPrice ?? p.lastPrice;
    return p.status === "open" && typeof last === "number" ? s + (last - p.entryPrice) * p.qty : s;
  }, 0);
  put(
    $("#summary"),
    item("", status.mode.toUpperCase()),
    item("engine", fmt.time(status.clock.now)),
    a ? item("state", a.state ?? a.tradingState, a.tradingState === "ACTIVE" ? "up" : "down") : item("", "not started", "warn"),
    a ? item("equity", fmt.num(a.equity)) : null,
    a ? item("cash", fmt.num(a.cash)) : null,
    a ? item("realized", fmt.signed(a.realizedPnl), tone(a.realizedPnl)) : null,
    a ? item("open P&L", fmt.signed(unrealized), tone(unrealized)) : null,
    a ? item("positions", String(a.positions.length)) : null,
  );
}

function start(token) {
  const state = { status: null, symbols: [], book: [], controls: null, decisions: [], regime: null, strategies: [] };
  const timers = [];
  const pending = new Map();
  const running = new Set();
  const again = new Set();
  const api = createApi({ token: () => token, onUnauthorized: (err) => signOut(`The token was refused: ${err.describe()}`) });
  const ctx = { api, state, panel: panelHelper, soon, showDecision: null };

  const market = marketPanel(ctx);
  const positions = positionsPanel(ctx);
  const equity = equityPanel(ctx);
  const events = eventsPanel();
  const panels = {
    candles: [market, "p-candles"],
    positions: [positions, "p-positions"],
    equity: [equity, "p-equity"],
    controls: [controlsPanel(ctx), "p-controls"],
    decisions: [decisionsPanel(ctx), "p-decisions"],
    gate: [gatePanel(ctx), "p-gate"],
    regime: [regimePanel(ctx), "p-regime"],
    agents: [agentsPanel(ctx), "p-agents"],
    llm: [llmPanel(ctx), "p-llm"],
    portfolios: [portfoliosPanel(ctx), "p-portfolios"],
    strategies: [strategiesPanel(ctx), "p-strategies"],
    backtests: [backtestPanel(ctx), "p-backtest"],
  };

  async function loadStatus() {
    const s = await api.get("/api/status");
    state.status = s;
    const symbols = s.feeds.map((f) => f.symbol);
    const changed = symbols.join() !== state.symbols.join();
    state.symbols = symbols;
    renderSummary(s);
    positions.render();
    market.onStatus();
    if (changed) soon("candles", 0);
  }

  const loaders = { status: { load: loadStatus }, ...Object.fromEntries(Object.entries(panels).map(([k, [p]]) => [k, p])) };
  const ids = Object.fromEntries(Object.entries(panels).map(([k, [, id]]) => [k, id]));

  /** Runs loader `name` (one at a time; asked again while it runs, it runs once more after). */
  async function run(name) {
    if (!session || session.token !== token) return;
    if (running.has(name)) {
      again.add(name);
      return;
    }
    running.add(name);
    try {
      await loaders[name].load();
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) {
        if (ids[name]) panelHelper(ids[name]).error(err);
        else put($("#summary"), h("span", { class: "item down", text: `status: ${describeError(err)}` }));
      }
    } finally {
      running.delete(name);
      if (again.delete(name)) void run(name);
    }
  }

  /** Loader `name` within `ms` (coalesced: many events, one request). */
  function soon(name, ms = 400) {
    if (!loaders[name] || pending.has(name)) return;
    pending.set(
      name,
      setTimeout(() => {
        pending.delete(name);
        void run(name);
      }, ms),
    );
  }

  const stream = openStream({
    api,
    onState(s, err) {
      const el = $("#stream-state");
      el.dataset.state = s;
      el.textContent = `stream ${s}`;
      el.title = err ? describeError(err) : "event stream (GET /ws/stream)";
    },
    onEvent(env) {
      events.add(env);
      if (env.type === "portfolio.update") {
        equity.onUpdate(env.ts, env.data);
        soon("positions", 1_000);
        soon("status", 1_000);
      }
      for (const name of ON_EVENT[env.type] ?? []) soon(name, 250);
    },
  });

  session = {
    token,
    stop() {
      stream.close();
      for (const t of timers) clearInterval(t);
      for (const t of pending.values()) clearTimeout(t);
      pending.clear();
    },
    stream,
  };
  // For the browser tests and a curious operator: the stream's position (window.edgetrader.stream.lastSeq) and a drop.
  window.edgetrader = { stream };

  (async () => {
    await run("status");
    await Promise.all(["positions", "controls", "decisions", "regime"].map(run));
    await Promise.all(Object.keys(loaders).filter((n) => !["status", "positions", "controls", "decisions", "regime"].includes(n)).map(run));
  })();
  for (const [name, every] of Object.entries(EVERY)) {
    if (every > 0) timers.push(setInterval(() => document.visibilityState === "visible" && soon(name, 0), every));
  }
}

function showSignin(message = null) {
  $("#app").hidden = true;
  $("#foot").hidden = true;
  $("#sign-out").hidden = true;
  $("#signin").hidden = false;
  const err = $("#signin-error");
  err.hidden = !message;
  err.textContent = message ?? "";
  put($("#summary"));
  $("#token").focus();
}

function showApp(token) {
  $("#signin").hidden = true;
  $("#app").hidden = false;
  $("#foot").hidden = false;
  $("#sign-out").hidden = false;
  start(token);
}

function signOut(message = null) {
  session?.stop();
  session = null;
  sessionStorage.removeItem(TOKEN_KEY);
  // The panels hold the previous session's data and listeners: a fresh page is the clean slate.
  if (message) sessionStorage.setItem("edgetrader.signin-message", message);
  location.reload();
}

$("#signin-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const token = $("#token").value.trim();
  if (!token) return;
  const button = e.submitter;
  if (button) button.disabled = true;
  try {
    // Checks the token before keeping it: the worker's status needs a read token.
    await createApi({ token: () => token }).get("/api/status");
    sessionStorage.setItem(TOKEN_KEY, token);
    $("#token").value = "";
    showApp(token);
  } catch (err) {
    showSignin(err instanceof ApiError && err.status === 401 ? `This token is not accepted by this worker: ${err.describe()}` : describeError(err));
  } finally {
    if (button) button.disabled = false;
  }
});
$("#sign-out").addEventListener("click", () => signOut());

const saved = sessionStorage.getItem(TOKEN_KEY);
const message = sessionStorage.getItem("edgetrader.signin-message");
sessionStorage.removeItem("edgetrader.signin-message");
if (saved) showApp(saved);
else showSignin(message);
