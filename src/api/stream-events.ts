import { z } from "zod";
import { TradeDecisionSchema } from "../lib/decide/decision";

/**
 * The events of `GET /ws/stream` with the payloads the actors publish (`emit(portfolio, type, data)` in
 * src/actors; StreamActor's own `stream.*` frames). Documentation: /openapi.json carries them under
 * `x-events` of the stream route and as components; test/unit/api/openapi.test.ts checks that every
 * event type published in src/actors is listed here.
 */
const num = z.number();

export const STREAM_EVENTS = {
  "feed.status": {
    description: "A ticker's feed connected, was lost, or backfilled a gap (TickerActor)",
    data: z.object({
      symbol: z.string(),
      event: z.string().describe('"connected", "disconnected" or "backfilled N minutes (reason)"'),
      status: z.enum(["idle", "connecting", "live", "reconnecting", "stopped"]),
      disconnects: num,
      lastError: z.string().nullable(),
    }),
  },
  bar: {
    description:
      "A closed 1m candle of a ticker's live feed, with the higher-timeframe candles it closed (TickerActor). Live only: numbered but not kept for a `since` replay (reload candles through GET /api/chart). Minutes backfilled by REST after a gap come as one feed.status instead",
    data: z.object({
      symbol: z.string(),
      tf: z.literal("1m"),
      candle: z.object({ t: num, o: num, h: num, l: num, c: num, v: num }),
      closed: z.array(z.object({ tf: z.string(), candle: z.object({ t: num, o: num, h: num, l: num, c: num, v: num }) })).describe("5m, 15m, 1h, 4h, 1d candles that closed with this minute"),
    }),
  },
  "regime.update": {
    description: "A symbol's regime changed, as a decision's snapshot detected it (GateActor)",
    data: z.object({
      symbol: z.string(),
      regime: z.string().describe("the learner's key, e.g. trending_up"),
      previous: z.string().nullable(),
      trend: z.string(),
      volatility: z.string(),
      confidence: num,
    }),
  },
  "decision.votes": {
    description: "The rule pipeline's agent votes and strategy signals of a decision, per symbol (GateActor; absent when Claude decided without them)",
    data: z.object({
      decisionId: z.string(),
      votes: z.array(
        z.object({
          symbol: z.string(),
          regime: z.string().nullable(),
          score: num,
          scores: z.record(z.string(), z.unknown()),
          weights: z.record(z.string(), num),
          weightsSource: z.string(),
          signals: z.array(z.object({ strategy: z.string(), action: z.string(), confidence: num, reason: z.string() })),
        }),
      ),
    }),
  },
  "learner.update": {
    description: "The learner booked a closed trade's outcome into its posteriors (kind outcome), or the quant ranker was retrained (kind quant_trained) (LearnerActor)",
    data: z.looseObject({ kind: z.enum(["outcome", "quant_trained"]) }),
  },
  "gate.wake": {
    description: "The gate opened: a decision is scheduled (GateActor)",
    data: z.object({ decisionId: z.string(), layer: z.enum(["candle_close", "timer", "material", "review", "zscore", "wake_condition", "watchdog", "manual"]), reason: z.string() }),
  },
  "decision.made": {
    description: "A decision ran: its decider, trigger and what it decided, or why it failed (GateActor)",
    data: z.object({
      decisionId: z.string(),
      decider: z.string(),
      trigger: z.string(),
      failed: z.string().nullable().optional().describe("present when the decision failed: no order was placed"),
      decisions: z.array(TradeDecisionSchema).optional(),
      assessment: z.string().optional(),
      clamps: z.array(z.unknown()).optional(),
      note: z.unknown().optional(),
    }),
  },
  "order.filled": {
    description: "An order of a position filled (PositionActor)",
    data: z.object({ positionId: z.string(), clientOrderId: z.string(), symbol: z.string(), side: z.enum(["buy", "sell"]), price: num.nullable(), qty: num.nullable(), fee: num.nullable() }),
  },
  "position.opened": {
    description: "A position's entry filled (PositionActor)",
    data: z.object({ positionId: z.string(), symbol: z.string(), qty: num, entryPrice: num, fee: num, reason: z.string().nullable() }),
  },
  "position.closed": {
    description: "A position closed; the round trip as the account and learner book it (PositionActor)",
    data: z.object({
      positionId: z.string(),
      symbol: z.string(),
      agent: z.string(),
      decisionId: z.string(),
      qty: num,
      entryPrice: num,
      exitPrice: num,
      proceeds: num,
      exitFee: num,
      fees: num,
      pnl: num,
      pnlPct: num,
      openedAt: num,
      closedAt: num,
      exitKind: z.string(),
      exitReason: z.string(),
      regimeKey: z.string().nullable(),
      agentSignals: z.record(z.string(), num),
    }),
  },
  "portfolio.update": {
    description: "The account after a fill, a close or a mark (AccountActor)",
    data: z.object({ why: z.string(), cash: num, equity: num, exposure: num, realizedPnl: num, tradingState: z.enum(["ACTIVE", "REDUCING", "HALTED"]), positions: num }),
  },
  "risk.alert": {
    description:
      "Something an operator should see: a trading-state change (halt, REDUCING), an operator action (kind pause/resume/kill/reducing), a loss-streak cooldown, the LLM falling back (source llm; kind breaker_opened when Claude's breaker opens, budget_spent when the daily budget is spent, calls_capped when the day's Claude calls are used up), a dead letter or quarantined state (source: the actor class)",
    data: z.looseObject({
      reason: z.string().nullable(),
      kind: z.string().optional(),
      source: z.string().optional(),
      tradingState: z.enum(["ACTIVE", "REDUCING", "HALTED"]).optional(),
      by: z.string().optional(),
      detail: z.unknown().optional(),
    }),
  },
  "stream.hello": {
    description:
      "First frame on every connection: the topics and the sequence number replayed from (StreamActor). When `since` is older than the kept log (the last 500 events), `replayFrom` is where the replay really starts, and `missed` names the events that are gone: reload state through the API.",
    data: z.object({
      topics: z.array(z.string()),
      replayFrom: num.nullable(),
      requestedSince: num.optional(),
      missed: z.object({ from: num, to: num }).optional(),
    }),
  },
  "stream.ack": { description: "Answer to a subscribe/unsubscribe message: the socket's topics now (at most 64)", data: z.object({ topics: z.array(z.string()) }) },
  "stream.pong": { description: "Answer to a ping message: the socket's topics", data: z.object({ topics: z.array(z.string()) }) },
  "stream.error": {
    description: "A client message the stream could not read or refused (more than 64 topics); nothing changed",
    data: z.object({ message: z.string(), topics: z.array(z.string()).optional() }),
  },
} as const satisfies Record<string, { description: string; data: z.ZodType }>;

export type StreamEventType = keyof typeof STREAM_EVENTS;

/** Every frame the server sends: `seq` numbers events in order (replay with `?since=seq`). */
export const StreamEnvelopeSchema = z.object({ seq: z.number().int(), ts: z.number().describe("engine time, epoch ms"), type: z.string(), data: z.unknown() });

/** What a client may send on the socket. */
export const StreamClientMessageSchema = z.union([
  z.object({ subscribe: z.array(z.string().max(64)).max(32) }),
  z.object({ unsubscribe: z.array(z.string().max(64)).max(32) }),
  z.object({ ping: z.unknown() }),
]);
