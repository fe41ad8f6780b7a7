import type { AgentName, AgentScore } from "../../../src/lib/agents/types";
import type { CombinedRegime, TrendState, VolatilityState } from "../../../src/lib/regime/types";

export function score(agent: AgentName, value: number, active = true, symbol = "BTC/USDT"): AgentScore {
  return { agent, symbol, score: active ? value : 0, active, reason: "test", inputs: {} };
}

export function regime(trend: TrendState, volatility: VolatilityState = "normal", confidence = 0.8): CombinedRegime {
  return { trend, volatility, hmmState: null, hmmStates: null, macro: "UNKNOWN", exposureScale: 1, trailMultiplier: 1, learnerKey: trend, confidence, inputs: {}, at: 0 };
}
