import { activeScore, inactiveScore } from "./agent-score";
import type { AgentScore } from "./types";

export interface MomentumAgentParams {
  shortPeriod: number;
  longPeriod: number;
  /** Momentum that maps to tanh(1) ≈ 0.76 of the component. */
  shortScale: number;
  longScale: number;
  /** Weight of the short component; the long one gets 1 − shortWeight. */
  shortWeight: number;
}

export const MOMENTUM_AGENT_DEFAULTS: MomentumAgentParams = { shortPeriod: 14, longPeriod: 30, shortScale: 0.05, longScale: 0.1, shortWeight: 0.5 };

/**
 * The momentum agent: raw price momentum over 14 and 30 **daily** closes (the seed's "14d, 30d"; on
 * the 4h decision timeframe 14 periods would be 2.3 days, a different signal). With m_n = close /
 * close n days ago − 1: score = 0.5·tanh(m14/0.05) + 0.5·tanh(m30/0.10). `dailyCloses` are the closes
 * of the daily candles closed by now, oldest first; inactive with fewer than longPeriod + 1 of them.
 */
export function momentumAgent(symbol: string, dailyCloses: readonly number[], params: MomentumAgentParams = MOMENTUM_AGENT_DEFAULTS): AgentScore {
  const { shortPeriod, longPeriod, shortScale, longScale, shortWeight } = params;
  const n = dailyCloses.length;
  const need = Math.max(shortPeriod, longPeriod) + 1;
  if (n < need) return inactiveScore("momentum", symbol, `only ${n} daily closes, need ${need}`, { closes: n });
  const last = dailyCloses[n - 1]!;
  const short = last / dailyCloses[n - 1 - shortPeriod]! - 1;
  const long = last / dailyCloses[n - 1 - longPeriod]! - 1;
  const score = shortWeight * Math.tanh(short / shortScale) + (1 - shortWeight) * Math.tanh(long / longScale);
  const reason = `momentum ${shortPeriod}d ${pct(short)}, ${longPeriod}d ${pct(long)} → ${score.toFixed(3)}`;
  const [shortKey, longKey] = inputKeys(params);
  const inputs: Record<string, number> = {};
  inputs[shortKey] = short;
  inputs[longKey] = long;
  inputs.close = last;
  return activeScore("momentum", symbol, score, reason, inputs);
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

const keysByParams = new WeakMap<MomentumAgentParams, readonly [string, string]>();

/** The input names ("momentum14d", "momentum30d"), made once per params: a computed key built anew each call is V8's slow path. */
function inputKeys(params: MomentumAgentParams): readonly [string, string] {
  let keys = keysByParams.get(params);
  if (keys === undefined) keysByParams.set(params, (keys = [`momentum${params.shortPeriod}d`, `momentum${params.longPeriod}d`]));
  return keys;
}
