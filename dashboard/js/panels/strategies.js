/**
 * Strategies (GET /api/strategies, PATCH /api/strategies/:name: enable/disable, parameters checked by the
 * strategy's own schema) and backtests (POST /api/backtests, then GET /api/backtests/:id for its equity curve;
 * GET /api/backtests lists the recent runs).
 */
import { ApiError, withQuery } from "../api.js";
import { lineChart } from "../charts.js";
import { $, badge, fmt, h, kv, put, tone } from "../dom.js";

/** The value typed into a parameter's input, in the type its current value has. */
function readParam(input, current) {
  if (typeof current === "boolean") return input.checked;
  if (typeof current === "number") {
    const v = input.value.trim();
    return v === "" || !Number.isFinite(Number(v)) ? v : Number(v);
  }
  if (typeof current === "string") return input.value;
  try {
    return JSON.parse(input.value);
  } catch {
    return input.value;
  }
}

function paramInput(name, value) {
  if (typeof value === "boolean") return h("input", { type: "checkbox", name, checked: value });
  if (typeof value === "number") return h("input", { type: "number", name, step: "any", value: String(value) });
  if (typeof value === "string") return h("input", { type: "text", name, value });
  return h("input", { type: "text", name, value: JSON.stringify(value) });
}

export function strategiesPanel(ctx) {
  const p = ctx.panel("p-strategies");
  const body = $("#strategies");

  function card(s) {
    const err = h("p", { class: "err", hidden: true });
    const ok = h("p", { class: "ok", hidden: true });
    const show = (el, text) => {
      err.hidden = true;
      ok.hidden = true;
      el.textContent = text;
      el.hidden = false;
    };
    const toggle = h("input", { type: "checkbox", checked: s.enabled, "aria-label": `${s.name} enabled` });
    const inputs = Object.entries(s.params).map(([k, v]) => [k, v, paramInput(k, v)]);
    const form = h(
      "form",
      { class: "params-form" },
      h(
        "details",
        { class: "params-box" },
        h("summary", { text: `Parameters: ${inputs.map(([k, v]) => `${k} ${typeof v === "object" ? fmt.json(v, 40) : v}`).join(", ") || "none"}` }),
        h(
          "div",
          { class: "params" },
          inputs.map(([k, , input]) => h("label", null, k, input)),
        ),
        inputs.length ? h("button", { class: "btn small", type: "submit", text: "Save parameters" }) : null,
      ),
    );
    const patch = async (body, what) => {
      try {
        const r = await ctx.api.patch(`/api/strategies/${encodeURIComponent(s.name)}`, body);
        Object.assign(s, r.strategy);
        toggle.checked = r.strategy.enabled;
        show(ok, `${what}: ${r.strategy.enabled ? "enabled" : "disabled"} · ${fmt.json(r.strategy.params, 300)}`);
      } catch (e) {
        toggle.checked = s.enabled;
        show(err, e instanceof ApiError ? e.describe() : String(e));
      }
    };
    toggle.addEventListener("change", () => void patch({ enabled: toggle.checked }, toggle.checked ? "Enabled" : "Disabled"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const params = {};
      for (const [k, v, input] of inputs) {
        const next = readParam(input, v);
        if (JSON.stringify(next) !== JSON.stringify(s.params[k])) params[k] = next;
      }
      if (!Object.keys(params).length) {
        show(ok, "Nothing changed.");
        return;
      }
      void patch({ params }, "Saved");
    });
    return h(
      "article",
      { class: "strategy", dataset: { strategy: s.name } },
      h("header", null, h("strong", { text: s.name }), badge(s.timeframe), h("label", { class: "check" }, toggle, "enabled")),
      h("p", { class: "desc", text: s.description }),
      form,
      err,
      ok,
    );
  }

  async function load() {
    const { strategies } = await ctx.api.get("/api/strategies");
    p.clear();
    ctx.state.strategies = strategies;
    put(body, strategies.map(card));
    ctx.emitStrategies?.(strategies);
  }

  return { load };
}

const METRICS = [
  ["totalReturn", "Total return", "pct"],
  ["cagr", "CAGR", "pct"],
  ["sharpe", "Sharpe", "num"],
  ["sortino", "Sortino", "num"],
  ["maxDrawdown", "Max drawdown", "dd"],
  ["calmar", "Calmar", "num"],
  ["winRate", "Win rate", "pct"],
  ["profitFactor", "Profit factor", "num"],
  ["expectancy", "Expectancy", "num"],
  ["tradeCount", "Trades", "int"],
  ["exposure", "Exposure", "pct"],
  ["btcReturn", "BTC buy & hold", "pct"],
  ["excessVsBtc", "vs BTC", "pct"],
  ["basketReturn", "Basket", "pct"],
];

export function backtestPanel(ctx) {
  const p = ctx.panel("p-backtest");
  const form = $("#backtest-form");
  const result = $("#backtest-result");
  const chartEl = $("#backtest-chart");
  const runs = $("#backtest-runs");
  let chart = null;
  let symbolsSet = false;

  ctx.emitStrategies = (strategies) => {
    const select = form.elements.strategy;
    const chosen = select.value;
    put(select, h("option", { value: "pipeline", text: "pipeline (every strategy and agent)" }), strategies.map((s) => h("option", { value: s.name, text: s.name })));
    select.value = chosen || "regime-blend";
    if (!symbolsSet && ctx.state.symbols.length) {
      form.elements.symbols.value = ctx.state.symbols.join(",");
      symbolsSet = true;
    }
  };

  function metricValue(kind, v) {
    if (typeof v !== "number") return "—";
    // maxDrawdown is a positive fraction of the peak (0.2 = a 20 % fall): shown as the fall it is.
    return kind === "pct" ? fmt.signedPct(v) : kind === "dd" ? fmt.signedPct(-v) : kind === "int" ? String(v) : fmt.num(v, 2);
  }

  function show(bt) {
    const m = bt.metrics ?? {};
    put(
      result,
      h("h3", null, "Run ", h("code", { text: bt.id }), " ", badge(bt.status, bt.status === "done" ? "good" : "bad")),
      bt.error ? h("p", { class: "err", text: bt.error }) : null,
      kv([
        ["Spec", `${bt.spec?.strategy} · ${(bt.spec?.symbols ?? []).join(", ")} · ${bt.spec?.timeframe} · ${bt.spec?.from} → ${bt.spec?.to}`],
        ["Candles", bt.candles === null ? "—" : String(bt.candles)],
        ["Took", bt.duration_ms === null ? "—" : `${bt.duration_ms} ms`],
        ["Notes", bt.notes?.length ? bt.notes.join("; ") : null],
      ]),
      h(
        "div",
        { class: "metrics" },
        METRICS.filter(([k]) => k in m).map(([k, label, kind]) => h("div", { dataset: { metric: k } }, h("span", { class: "label", text: label }), h("span", { class: `num ${kind === "pct" ? tone(m[k]) : kind === "dd" && m[k] > 0 ? "down" : ""}`, text: metricValue(kind, m[k]) }))),
      ),
    );
    const equity = Array.isArray(bt.equity) ? bt.equity : [];
    chartEl.hidden = equity.length === 0;
    if (equity.length) {
      chart ??= lineChart(chartEl);
      chart.setData(equity);
    }
  }

  async function open(id) {
    try {
      const { backtest } = await ctx.api.get(`/api/backtests/${encodeURIComponent(id)}`);
      p.clear();
      show(backtest);
    } catch (err) {
      p.error(err);
    }
  }

  async function load() {
    const { backtests } = await ctx.api.get(withQuery("/api/backtests", { limit: 8 }));
    put(
      runs,
      backtests.length
        ? backtests.map((b) =>
            h(
              "li",
              null,
              h(
                "button",
                { class: "row", type: "button", on: { click: () => void open(b.id) } },
                badge(b.status, b.status === "done" ? "good" : "bad"),
                ` ${fmt.time(b.created_at)} ${b.spec?.strategy ?? ""} ${(b.spec?.symbols ?? []).join(",")} ${b.spec?.timeframe ?? ""} ${b.spec?.from ?? ""}→${b.spec?.to ?? ""} `,
                h("span", { class: tone(b.metrics?.totalReturn), text: b.metrics ? fmt.signedPct(b.metrics.totalReturn) : "" }),
              ),
            ),
          )
        : h("li", { class: "muted", text: "No runs yet." }),
    );
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = form.elements;
    const spec = {
      strategy: f.strategy.value,
      symbols: f.symbols.value
        .split(",")
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
      timeframe: f.timeframe.value,
      from: f.from.value,
      to: f.to.value,
      ...(f.initialCash.value ? { initialCash: Number(f.initialCash.value) } : {}),
      ...(f.hmm.checked ? { hmm: true } : {}),
    };
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = "Running…";
    p.clear();
    put(result, h("p", { class: "muted", text: "Running the backtest in the worker…" }));
    chartEl.hidden = true;
    try {
      const { backtest } = await ctx.api.post("/api/backtests", spec);
      await open(backtest.id);
      ctx.soon("backtests", 0);
    } catch (err) {
      put(result);
      p.error(err);
    } finally {
      button.disabled = false;
      button.textContent = "Run backtest";
    }
  });

  return { load };
}
