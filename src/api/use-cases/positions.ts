import type { Env } from "../../env";
import { actorName } from "../../actors/names";
import { safetyLevels } from "../../lib/exits/safety";
import { positionLiquidationPrice } from "../../lib/execution/position";
import { actors, engineConfig } from "../context";

/**
 * The account's open book (GET /api/positions?live=true), each position with what its own actor knows: the
 * decision that opened it, its side, leverage, funding and liquidation price (futures), the peak, and where it would be closed — the safety stops (`safetyLevels`, the prices
 * `checkSafety` acts at) and, with the exchange broker, the protective stop order resting on the exchange.
 */
export async function liveBook(env: Env, portfolio?: string) {
  const a = actors(env, portfolio);
  const exits = engineConfig(env).exits;
  const { positions } = await a.account.summary();
  return Promise.all(
    positions.map(async (p) => {
      const pos = await env.POSITION.getByName(actorName.position(a.portfolio, p.id))
        .status()
        .catch(() => null);
      const terms = { side: p.side ?? "long", venue: p.venue ?? "spot", leverage: p.leverage ?? 1, funding: p.funding ?? 0 };
      if (!pos) return { ...p, ...terms, decisionId: null, entryReason: null, peakPrice: null, liquidationPrice: null, stops: null, protectiveStop: null };
      const filled = p.status === "open" && pos.entryPrice > 0;
      const stop = pos.orders.findLast((o) => o.purpose === "stop" && (o.status === "submitted" || o.status === "partially_filled" || o.status === "intent" || o.status === "sent"));
      return {
        ...p,
        decisionId: pos.decisionId,
        agent: pos.agent,
        entryReason: pos.entryReason,
        ...terms,
        funding: pos.funding ?? 0,
        peakPrice: filled ? pos.peakPrice : null,
        liquidationPrice: filled ? positionLiquidationPrice(pos) : null,
        stops: filled ? safetyLevels({ side: pos.side, entryPrice: pos.entryPrice, peakPrice: pos.peakPrice, openedAt: pos.openedAt, entry: pos.entryContext }, exits) : null,
        protectiveStop: stop ? { clientOrderId: stop.clientOrderId, stopPrice: stop.stopPrice ?? null, limitPrice: stop.limitPrice ?? null, status: stop.status } : null,
      };
    }),
  );
}
