/**
 * Champion and challenger portfolios side by side (GET /api/portfolios): each portfolio's decider settings (decider,
 * prompt version, model, daily budget) and its figures (return, max drawdown, trades, Claude calls, cost per day).
 * The other panels show the configured portfolio.
 */
import { $, fmt, h, put, table, tone } from "../dom.js";

export function portfoliosPanel(ctx) {
  const p = ctx.panel("p-portfolios");
  const body = $("#portfolios");

  async function load() {
    const r = await ctx.api.get("/api/portfolios");
    p.clear();
    if (!r.portfolios.length) {
      put(body, h("p", { class: "notice", text: "No portfolio started yet (POST /api/engine/start)." }));
      return;
    }
    const cols = [
      { label: "Portfolio" },
      { label: "Decider" },
      { label: "Prompt" },
      { label: "Model" },
      { label: "Budget/day", n: true },
      { label: "Equity", n: true },
      { label: "Return", n: true },
      { label: "Max DD", n: true },
      { label: "Open", n: true },
      { label: "Closed", n: true },
      { label: "Claude calls", n: true },
      { label: "Cost/day", n: true },
    ];
    const pct = (x) => (typeof x === "number" ? `${fmt.signed(x, 2)} %` : "—");
    const rows = r.portfolios.map((x) => [
      h("span", null, h("strong", { text: x.name }), x.configured ? h("span", { class: "muted", text: " (configured)" }) : null),
      x.settings.decider,
      x.settings.promptVersion,
      x.settings.model,
      `${fmt.num(x.settings.dailyBudgetUsd, 2)} USD`,
      fmt.num(x.figures.equity),
      h("span", { class: tone(x.figures.returnPct ?? 0), text: pct(x.figures.returnPct) }),
      typeof x.figures.maxDrawdownPct === "number" ? `${fmt.num(x.figures.maxDrawdownPct, 2)} %` : "—",
      String(x.figures.openPositions),
      String(x.figures.closedTrades),
      String(x.figures.claudeCalls),
      `${fmt.num(x.figures.costUsdPerDay, 4)} USD`,
    ]);
    put(body, table(cols, rows));
  }

  return { load };
}
