import type { Env } from "../../env";
import { actorName } from "../names";
import type { ControlResult, ControlsView } from "../account-actor";
import { HELP_TEXT, matchSymbol, positionsReply, profitReply, statusReply, type ParsedCommand } from "../../lib/notify/commands";
import { dailySummary, type DayTrade } from "../../lib/notify/summary";

const NOT_STARTED = "The engine is not started (POST /api/engine/start).";

/** What a control answered, in a sentence. */
function controlReply(done: string, r: ControlResult): string {
  if (!r.ok) return r.code === "not_started" ? NOT_STARTED : r.detail;
  return `${done}\nState ${r.controls.tradingState}${r.controls.entriesRefused ? `: ${r.controls.entriesRefused}` : ""}`;
}

/**
 * Runs one Telegram command through the account's RPCs (the same ones the API routes use) and returns the
 * reply. `by` is `telegram:<chat id>`; the reason is the command's arguments or a default.
 */
export async function runCommand(env: Env, portfolio: string, parsed: ParsedCommand, by: string, tradesToday: () => DayTrade[], day: string): Promise<string> {
  if (!parsed.ok) return parsed.reply;
  const stub = env.ACCOUNT.getByName(actorName.account(portfolio));
  // The RPC stub types views holding `unknown` fields as never: the actor's own types, as the route handlers read them.
  const account = {
    controls: async () => (await stub.controls()) as unknown as ControlsView | null,
    summary: () => stub.summary(),
    pause: async (r: { by: string; reason: string }) => (await stub.pause(r)) as unknown as ControlResult,
    resume: async (r: { by: string; reason: string }) => (await stub.resume(r)) as unknown as ControlResult,
    forceExit: async (r: { positionId: string | null; by: string; reason: string }) => (await stub.forceExit(r)) as unknown as ControlResult,
  };
  const reason = (fallback: string) => (parsed.args.length >= 3 ? parsed.args : fallback);
  switch (parsed.name) {
    case "help":
      return HELP_TEXT;
    case "status": {
      const controls = await account.controls();
      if (!controls) return NOT_STARTED;
      const s = await account.summary();
      const dayPnl = s.equity - s.dayStartEquity;
      return statusReply({
        portfolio,
        tradingState: controls.tradingState,
        haltReason: controls.haltReason,
        entriesRefused: controls.entriesRefused,
        equity: s.equity,
        cash: s.cash,
        exposure: s.exposure,
        dayPnl,
        dayPnlPct: s.dayStartEquity > 0 ? dayPnl / s.dayStartEquity : 0,
        openPositions: s.positions.length,
        paused: controls.paused,
        kill: controls.kill,
      });
    }
    case "positions": {
      if (!(await account.controls())) return NOT_STARTED;
      const s = await account.summary();
      return positionsReply(portfolio, s.positions);
    }
    case "profit": {
      if (!(await account.controls())) return NOT_STARTED;
      const s = await account.summary();
      return profitReply(portfolio, dailySummary(day, s, tradesToday()), s.feesPaid);
    }
    case "pause":
      return controlReply("Entries paused (exits go on). /resume clears it.", await account.pause({ by, reason: reason("paused from Telegram") }));
    case "resume":
      return controlReply("Resumed.", await account.resume({ by, reason: reason("resumed from Telegram") }));
    case "forceexit": {
      if (!parsed.args) return "Say which: /forceexit <symbol> (e.g. /forceexit BTC) or /forceexit all.";
      const controls = await account.controls();
      if (!controls) return NOT_STARTED;
      const why = `force exit from Telegram (${parsed.args})`;
      if (parsed.args.toLowerCase() === "all") {
        const r = await account.forceExit({ positionId: null, by, reason: why });
        return controlReply(r.ok ? `Exiting every position: ${r.positions.join(", ") || "none in the book"}.` : "", r);
      }
      const [symbolArg] = parsed.args.split(/\s+/);
      const symbols = matchSymbol(symbolArg!, [...new Set(controls.positions.map((p) => p.symbol))]);
      const targets = controls.positions.filter((p) => symbols.includes(p.symbol));
      if (targets.length === 0) return `No position in ${symbolArg} in the book (${controls.positions.map((p) => p.symbol).join(", ") || "the book is empty"}).`;
      const done: string[] = [];
      for (const p of targets) {
        const r = await account.forceExit({ positionId: p.id, by, reason: why });
        if (r.ok) done.push(p.id);
      }
      return done.length ? `Exiting ${done.join(", ")} at the market.` : `No position in ${symbolArg} could be exited (it closed meanwhile).`;
    }
  }
}
