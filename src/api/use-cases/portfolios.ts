import type { Env } from "../../env";
import { equityFigures, listPortfolios, type PortfolioRow } from "../../adapters/store/portfolio-queries";
import { llmFigures } from "../../lib/decide/llm-figures";
import { PROMPTS, PROMPT_VERSION } from "../../lib/decide/prompt";
import { actors, engineConfig } from "../context";

const round = (x: number | null, digits = 6) => (x === null || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));

/** One portfolio side by side with the others: its decider settings and its figures. Null when it was never started. */
async function comparePortfolio(env: Env, name: string, row: PortfolioRow | null, configured: string) {
  const a = actors(env, name);
  const [llm, gate, curve] = await Promise.all([a.gate.llmStatus(), a.gate.status(), equityFigures(env.DB, name)]);
  const account = gate.configured || row ? await a.account.summary().catch(() => null) : null;
  if (!account) return null;
  const base = row?.initial_cash ?? curve.firstEquity;
  const claude = llmFigures(llm.days, llm.today);
  return {
    name,
    configured: name === configured,
    symbols: gate.symbols,
    startedAt: row?.started_at ?? null,
    settings: { decider: llm.decider, promptVersion: llm.promptVersion, model: llm.model, dailyBudgetUsd: llm.dailyBudgetUsd },
    figures: {
      initialCash: base,
      equity: round(account.equity, 2),
      returnPct: round(base ? (account.equity / base - 1) * 100 : null, 4),
      maxDrawdownPct: round(curve.maxDrawdown === null ? null : curve.maxDrawdown * 100, 4),
      openPositions: account.positions.length,
      closedTrades: account.closedCount,
      decisions: gate.decisions,
      claudeCalls: claude.calls,
      claudeCallsToday: llm.today.calls,
      costUsd: round(claude.costUsd),
      costUsdToday: round(llm.today.costUsd),
      costUsdPerDay: round(claude.costUsdPerDay),
      days: claude.days,
    },
  };
}

/**
 * Every portfolio started here (D1 `portfolios`, and the configured one), each with its decider settings (decider,
 * prompt version, model, daily budget) and side-by-side figures: return and maximum drawdown of its equity, trades,
 * decisions, Claude's calls and spend per day (GET /api/portfolios, the MCP `portfolios` tool).
 */
export async function comparePortfolios(env: Env) {
  const configured = engineConfig(env).portfolio;
  const rows = await listPortfolios(env.DB);
  const names = [configured, ...rows.map((r) => r.name).filter((n) => n !== configured)];
  const all = await Promise.all(names.map((n) => comparePortfolio(env, n, rows.find((r) => r.name === n) ?? null, configured)));
  return {
    portfolios: all.filter((p) => p !== null),
    promptVersions: Object.entries(PROMPTS).map(([name, p]) => ({ name, current: name === PROMPT_VERSION, description: p.description })),
  };
}
