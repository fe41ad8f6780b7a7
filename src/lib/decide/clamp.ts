import { opensPosition, type Decision, type TradeDecision } from "./decision";
import type { MarketSnapshot } from "./snapshot-schema";

export const MEMORY_LIMIT = 500;

/** The positions an entry opens: a carry's two legs, else one. */
const legsOf = (d: Pick<TradeDecision, "action">): number => (d.action === "CARRY" ? 2 : 1);

export interface ClampedDecision {
  decision: Decision;
  clamps: string[];
}

/**
 * Brings a valid decision inside the snapshot's limits: no BUY or SHORT of a held ticker or while HALTED, no SHORT
 * unless the limits allow shorts, no SELL without a position, position_pct at most the maximum, the entries together
 * within the exposure room and the position count, none below the minimum notional, the timer within its bounds,
 * the memory within 500 characters. Every change is listed.
 */
export function clampDecision(decision: Decision, snapshot: MarketSnapshot): ClampedDecision {
  const { limits, account } = snapshot;
  const clamps: string[] = [];
  const held = new Set(account.positions.map((p) => p.symbol));
  const hold = (d: TradeDecision, why: string): TradeDecision => {
    clamps.push(`${d.ticker} ${d.action} → HOLD: ${why}`);
    return { ...d, action: "HOLD", position_pct: 0 };
  };
  let decisions = decision.decisions.map((d) => {
    if (d.action === "SELL" && !held.has(d.ticker)) return hold(d, "no position to sell");
    if (!opensPosition(d.action)) return d.action === "HOLD" && d.position_pct !== 0 ? { ...d, position_pct: 0 } : d;
    if ((d.action === "SHORT" || d.action === "CARRY") && limits.shorts !== true) return hold(d, "shorts need a futures market with shorts enabled");
    if (held.has(d.ticker)) return hold(d, "already held");
    if (account.tradingState !== "ACTIVE") return hold(d, `trading is ${account.tradingState}`);
    if (d.position_pct > limits.maxPositionPct) {
      clamps.push(`${d.ticker} position_pct ${d.position_pct} → ${limits.maxPositionPct} (max per position)`);
      return { ...d, position_pct: limits.maxPositionPct };
    }
    return d;
  });

  // Position count: keep the most confident entries that fit (a carry takes two positions, its two legs).
  let room = limits.maxPositions - account.positions.length;
  const buys = decisions.filter((d) => opensPosition(d.action)).sort((a, b) => b.confidence - a.confidence);
  const dropped = new Set<string>();
  for (const d of buys) {
    const slots = legsOf(d);
    if (slots <= room) room -= slots;
    else dropped.add(d.ticker);
  }
  decisions = decisions.map((d) => (dropped.has(d.ticker) ? hold(d, `max positions ${limits.maxPositions} reached`) : d));

  // Exposure: scale the entries down together to the room left under the cap (a carry's two legs both count).
  const wanted = decisions.filter((d) => opensPosition(d.action)).reduce((s, d) => s + legsOf(d) * d.position_pct, 0);
  const roomPct = account.equity > 0 ? Math.max(0, limits.maxExposurePct - account.exposure / account.equity) : 0;
  if (wanted > roomPct + 1e-12) {
    const k = roomPct / wanted;
    clamps.push(`BUYs scaled by ${k.toFixed(4)} to the exposure room of ${(roomPct * 100).toFixed(2)}% of equity`);
    decisions = decisions.map((d) => (opensPosition(d.action) ? { ...d, position_pct: d.position_pct * k } : d));
  }
  decisions = decisions.map((d) =>
    opensPosition(d.action) && d.position_pct * account.equity < limits.minNotional ? hold(d, `notional ${(d.position_pct * account.equity).toFixed(2)} below minimum ${limits.minNotional}`) : d,
  );

  let next = decision.next_check_seconds;
  if (!(next >= limits.minNextCheckSeconds)) next = limits.minNextCheckSeconds;
  if (next > limits.maxNextCheckSeconds) next = limits.maxNextCheckSeconds;
  if (next !== decision.next_check_seconds) clamps.push(`next_check_seconds ${decision.next_check_seconds} → ${next}`);

  let memory = decision.memory_update;
  if (memory !== null && memory.length > MEMORY_LIMIT) {
    clamps.push(`memory_update truncated from ${memory.length} to ${MEMORY_LIMIT} characters`);
    memory = memory.slice(0, MEMORY_LIMIT);
  }
  return { decision: { ...decision, decisions, next_check_seconds: next, memory_update: memory }, clamps };
}
