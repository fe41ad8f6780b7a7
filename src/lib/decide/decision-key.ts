import { stableStringify } from "../util/stable-json";
import type { MarketSnapshot } from "./snapshot-schema";

/**
 * The text whose hash keys a decision for replay: the snapshot without the portfolio name and the
 * position ids, which name things rather than describe the market, so the same market and book
 * replayed under another portfolio finds the recorded answer.
 */
export function decisionKeyText(s: MarketSnapshot): string {
  // The evidence is the engine's reading of the market (with learner weights sampled per decision id), not the market:
  // live and backtest hash the same snapshot with or without it.
  const { portfolio: _portfolio, evidence: _evidence, ...rest } = s;
  return stableStringify({ ...rest, account: { ...s.account, positions: s.account.positions.map(({ id: _id, ...p }) => p) } });
}
