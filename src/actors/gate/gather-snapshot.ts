import type { Env } from "../../env";
import type { EngineConfig } from "../../lib/config";
import { RECENT_TRADES, snapshotCandleLimits, snapshotAccount, snapshotLimits, type SnapshotInput, type TickerInput } from "../../lib/decide/snapshot";
import type { MarketTick } from "../messages";
import { actorName } from "../names";

export interface GatherContext {
  env: Env;
  cfg: EngineConfig;
  portfolio: string;
  venue: string;
  symbols: string[];
  /** The gate's latest tick per symbol, fresher than a ticker's last stored quote. */
  liveTicks: Map<string, MarketTick>;
  memory: { value: string; at: number } | null;
}

/** Asks the tickers, the account and the learner for what a snapshot needs; one call to each. */
export async function gatherSnapshotInput(ctx: GatherContext, wake: { layer: string; reason: string }): Promise<SnapshotInput> {
  const tickers: TickerInput[] = await Promise.all(
    ctx.symbols.map(async (symbol) => {
      const data = await ctx.env.TICKER.getByName(actorName.ticker(ctx.venue, symbol)).marketData(snapshotCandleLimits(ctx.cfg));
      const q = data.quote;
      const live = ctx.liveTicks.get(symbol);
      const useLive = live !== undefined && (q.at === null || live.at >= q.at);
      const price = useLive ? { value: live.price, at: live.at } : q.price !== null && q.at !== null ? { value: q.price, at: q.at } : null;
      const features = useLive ? { zRet: live.zRet, zVol: live.zVol, at: live.at } : q.at !== null ? { zRet: q.zRet, zVol: q.zVol, at: q.at } : null;
      return { symbol, candles: data.candles, price, features, funding: q.funding, derivatives: q.derivatives ?? null };
    }),
  );
  const learnerStub = ctx.env.LEARNER.getByName(actorName.learner(ctx.portfolio));
  const [account, learner, recentTrades, episodes] = await Promise.all([
    ctx.env.ACCOUNT.getByName(actorName.account(ctx.portfolio)).summary(),
    learnerStub.status(),
    learnerStub.recentTrades(RECENT_TRADES),
    learnerStub.recallCandidates(),
  ]);
  return {
    portfolio: ctx.portfolio,
    decisionTimeframe: ctx.cfg.gate.decisionTimeframe,
    wake,
    tickers,
    account: snapshotAccount(account, account.at),
    recentTrades,
    learner: { agents: learner.agents.map((a) => ({ agent: a.agent, trades: a.trades, wins: a.wins, losses: a.losses })), at: account.at },
    memory: ctx.memory,
    episodes: { candidates: episodes, k: ctx.cfg.memory.recallK, maxChars: ctx.cfg.memory.recallMaxChars },
    limits: snapshotLimits(ctx.cfg),
    trendingEfficiency: ctx.cfg.strategy.trendingEfficiency,
  };
}

/** The newest market time any input carries; the feed clock catches up to it before deciding. */
export function newestTime(input: SnapshotInput): number {
  let t = 0;
  for (const x of input.tickers) {
    if (x.price && x.price.at > t) t = x.price.at;
  }
  return t;
}
