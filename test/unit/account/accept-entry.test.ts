import { describe, expect, it } from "vitest";
import { acceptEntry } from "../../../src/lib/account/accept-entry";
import { newAccountBook } from "../../../src/lib/account/ledger";
import { applyClose, applyEntryFill, reserveEntry } from "../../../src/lib/account/transitions";
import { EngineConfigSchema } from "../../../src/lib/config";
import { engageKill, enterReducing, pauseEntries } from "../../../src/lib/risk/controls";

const T0 = Date.UTC(2026, 2, 24);
const H = 3_600_000;
const cfg = EngineConfigSchema.parse({ risk: { lossStreak: { losses: 1, cooldownMs: 2 * H }, stopCooldownMs: 4 * H } });
const buy = { decisionId: "d9", symbol: "BTC/USDT", positionPct: 0.3 };

/** A book that holds every refusal at once: a stop-loss close in BTC, a kill, a pause, REDUCING and a halt. */
function everything() {
  let book = reserveEntry(newAccountBook(10_000, T0), { id: "p", symbol: "BTC/USDT", notional: 1000 }, T0);
  book = applyEntryFill(book, { positionId: "p", qty: 10, price: 100, fee: 0, at: T0 });
  book = applyClose(book, { positionId: "p", exitPrice: 85, proceeds: 850, exitFee: 0, pnl: -150, at: T0 + H, exitKind: "hard_stop" }, cfg.risk);
  book = { ...book, tradingState: "HALTED" as const, haltReason: "drawdown 13% from peak" };
  book = enterReducing(book, "unclear difference", null, T0 + H);
  book = pauseEntries(book, { by: "alice", reason: "pause" }, T0 + H);
  return engageKill(book, { by: "ops", reason: "kill", flatten: false }, T0 + H);
}

describe("acceptEntry refusals", () => {
  it("say the strongest reason first: kill, pause, REDUCING, halt, loss streak, stop cooldown", () => {
    let book = everything();
    const reasons: string[] = [];
    const peel = [
      (b: typeof book) => ({ ...b, controls: { ...b.controls!, kill: null } }),
      (b: typeof book) => ({ ...b, controls: { ...b.controls!, paused: null } }),
      (b: typeof book) => ({ ...b, controls: { ...b.controls!, reducing: null } }),
      (b: typeof book) => ({ ...b, tradingState: "ACTIVE" as const, haltReason: null }),
      (b: typeof book) => ({ ...b, protections: { ...b.protections!, streakCooldown: null } }),
      (b: typeof book) => ({ ...b, protections: { ...b.protections!, symbolCooldowns: {} } }),
    ];
    for (const next of peel) {
      const r = acceptEntry(book, buy, cfg, T0 + 2 * H);
      expect(r.accepted).toBe(false);
      expect(r.book.positions).toEqual({});
      reasons.push(r.detail.replace(/ until \S+Z/, ""));
      book = next(book);
    }
    expect(reasons).toEqual([
      "risk denied: kill switch engaged by ops: kill",
      "risk denied: entries paused by alice: pause",
      "risk denied: trading is REDUCING (exits only): unclear difference",
      "risk denied: trading is HALTED: drawdown 13% from peak",
      "risk denied: loss-streak cooldown: 1 losing closes in a row (last BTC/USDT -150.00)",
      `risk denied: BTC/USDT in stop-loss cooldown after a hard_stop at ${new Date(T0 + H).toISOString()}`,
    ]);
    expect(acceptEntry(book, buy, cfg, T0 + 2 * H)).toMatchObject({ accepted: true, positionId: "d9-BTC" });
  });
});
