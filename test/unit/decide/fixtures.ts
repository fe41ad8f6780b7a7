import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { snapshotLimits, type SnapshotInput, type TickerInput } from "../../../src/lib/decide/snapshot";

/** A snapshot input with an empty account and the default limits; override what a test needs. */
export function snapshotInput(tickers: TickerInput[], over: Partial<SnapshotInput> = {}): SnapshotInput {
  return {
    portfolio: "main",
    decisionTimeframe: "4h",
    wake: { layer: "manual", reason: "test" },
    tickers,
    account: { cash: 10_000, equity: 10_000, exposure: 0, tradingState: "ACTIVE", positions: [], at: 0 },
    recentTrades: [],
    learner: { agents: [], at: 0 },
    memory: null,
    limits: snapshotLimits(DEFAULT_CONFIG),
    trendingEfficiency: DEFAULT_CONFIG.strategy.trendingEfficiency,
    ...over,
  };
}
