import { activeScore, inactiveScore } from "./agent-score";
import type { AgentScore } from "./types";

/** Point-in-time derivatives readings of one market; null where no source provides one. */
export interface DerivativesInputs {
  /** Recent funding rate per 8 h (fraction, e.g. 0.0001 = 0.01 %). */
  funding: number | null;
  /** Taker order-flow imbalance (buy − sell)/(buy + sell) over the lookback, in [−1, 1]. */
  takerDelta: number | null;
  /** Long/short account ratio (longs/shorts, > 0). */
  longShortRatio: number | null;
  /** Fractional open-interest change over the lookback. */
  openInterestChange: number | null;
  /** Fractional price change over the same lookback: the trend open interest confirms or not. */
  priceChange: number | null;
}

export interface DerivativesAgentParams {
  weights: { funding: number; takerDelta: number; longShort: number; openInterest: number };
  /** Binance's interest component makes +0.01 %/8 h the resting funding rate, so it is the neutral point. */
  fundingNeutral: number;
  /** The seed's "extreme" funding (0.05 %/8 h) maps to tanh(1) of the component. */
  fundingScale: number;
  takerScale: number;
  /** In ln(ratio) units: a 1.65 long/short ratio is ln 1.65 = 0.5 → tanh(1). */
  longShortScale: number;
  /** The seed's OI spike (10 %) maps to tanh(1). */
  openInterestScale: number;
}

export const DERIVATIVES_AGENT_DEFAULTS: DerivativesAgentParams = {
  weights: { funding: 0.35, takerDelta: 0.3, longShort: 0.25, openInterest: 0.1 },
  fundingNeutral: 0.0001,
  fundingScale: 0.0005,
  takerScale: 0.1,
  longShortScale: 0.5,
  openInterestScale: 0.1,
};

function finiteOrNull(x: number | null, what: string): number | null {
  if (x !== null && !Number.isFinite(x)) throw new Error(`derivatives agent: ${what} must be finite or null, got ${x}`);
  return x;
}

/**
 * The derivatives agent, the seed's 4-signal composite (0.35 funding, 0.30 taker delta, 0.25
 * long/short, 0.10 open interest), each component through tanh:
 * - funding, contrarian: −tanh((funding − neutral)/scale); crowded longs paying are bearish;
 * - taker delta: tanh(delta/scale); aggressive buying is bullish;
 * - long/short, contrarian: −tanh(ln(ratio)/scale);
 * - open interest confirms the trend: tanh(ΔOI/scale)·sign(Δprice); rising OI behind a move agrees with it.
 * Missing components (null; OI also without a price change) drop out and the weights of the rest are
 * renormalised; inactive when none is present. In this engine usually only funding exists.
 */
export function derivativesAgent(symbol: string, inputs: DerivativesInputs, params: DerivativesAgentParams = DERIVATIVES_AGENT_DEFAULTS): AgentScore {
  const funding = finiteOrNull(inputs.funding, "funding");
  const taker = finiteOrNull(inputs.takerDelta, "taker delta");
  const ratio = finiteOrNull(inputs.longShortRatio, "long/short ratio");
  const oi = finiteOrNull(inputs.openInterestChange, "open-interest change");
  const price = finiteOrNull(inputs.priceChange, "price change");
  if (ratio !== null && ratio <= 0) throw new Error(`derivatives agent: long/short ratio must be positive, got ${ratio}`);
  const w = params.weights;
  const components: { name: string; weight: number; value: number }[] = [];
  if (funding !== null) components.push({ name: "funding", weight: w.funding, value: -Math.tanh((funding - params.fundingNeutral) / params.fundingScale) });
  if (taker !== null) components.push({ name: "takerDelta", weight: w.takerDelta, value: Math.tanh(taker / params.takerScale) });
  if (ratio !== null) components.push({ name: "longShort", weight: w.longShort, value: -Math.tanh(Math.log(ratio) / params.longShortScale) });
  if (oi !== null && price !== null) components.push({ name: "openInterest", weight: w.openInterest, value: Math.tanh(oi / params.openInterestScale) * Math.sign(price) });
  const record: AgentScore["inputs"] = { funding, takerDelta: taker, longShortRatio: ratio, openInterestChange: oi, priceChange: price };
  const totalWeight = components.reduce((s, c) => s + c.weight, 0);
  if (components.length === 0) return inactiveScore("derivatives", symbol, "no derivatives data", record);
  if (!(totalWeight > 0)) return inactiveScore("derivatives", symbol, "present components all have weight 0", record);
  let score = 0;
  for (const c of components) {
    score += (c.weight / totalWeight) * c.value;
    record[`${c.name}Score`] = c.value;
  }
  const parts = components.map((c) => `${c.name} ${c.value.toFixed(3)}×${(c.weight / totalWeight).toFixed(2)}`);
  return activeScore("derivatives", symbol, score, `composite ${score.toFixed(3)} = ${parts.join(" + ")}`, record);
}
