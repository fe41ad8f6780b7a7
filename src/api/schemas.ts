import { z } from "zod";

/**
 * Response schemas shared by several routes (documentation in /openapi.json; the contract test checks
 * live answers against them). D1 rows are loose objects: columns added by later migrations show up as
 * extra keys without breaking a client.
 */
const num = z.number();
const numOrNull = z.number().nullable();
const strOrNull = z.string().nullable();

export const TradeRowSchema = z.looseObject({
  id: z.string(),
  portfolio: z.string(),
  symbol: z.string(),
  agent: z.string(),
  decision_id: z.string(),
  side: z.string(),
  qty: num,
  entry_price: num,
  exit_price: num,
  entry_at: num,
  exit_at: num,
  fees: num,
  pnl: num,
  pnl_pct: num,
  exit_kind: z.string(),
  exit_reason: strOrNull,
  entry_reason: strOrNull,
});

export const PositionRowSchema = z.looseObject({
  id: z.string(),
  portfolio: z.string(),
  symbol: z.string(),
  decision_id: z.string(),
  agent: z.string(),
  status: z.string(),
  qty: numOrNull,
  entry_price: numOrNull,
  opened_at: numOrNull,
  exit_kind: strOrNull,
  exit_reason: strOrNull,
  closed_at: numOrNull,
  pnl: numOrNull,
  created_at: num,
  side: z.enum(["long", "short"]).optional(),
  venue: z.enum(["spot", "futures"]).optional(),
  leverage: numOrNull.optional(),
  funding: numOrNull.optional().describe("futures: the funding settled into the position (+ received, − paid), in its pnl"),
  liquidation_price: numOrNull.optional().describe("futures: where the venue liquidates it; null on spot"),
});

/** A position of the account's open book (`live=true`), with its decision and stops (src/api/use-cases/positions.ts). */
export const BookPositionSchema = z.looseObject({
  id: z.string(),
  symbol: z.string(),
  status: z.string(),
  decisionId: strOrNull.optional(),
  peakPrice: numOrNull.optional().describe("the most favourable price since entry: the highest for a long, the lowest for a short"),
  side: z.enum(["long", "short"]).optional(),
  venue: z.enum(["spot", "futures"]).optional(),
  leverage: numOrNull.optional(),
  funding: numOrNull.optional().describe("futures: the funding settled so far (+ received, − paid)"),
  liquidationPrice: numOrNull.optional().describe("futures: where the venue liquidates it; null on spot or before the entry filled"),
  stops: z
    .object({ hardStop: num, takeProfit: numOrNull.optional(), trailActivatesAt: num, trailingActive: z.boolean(), trailingStop: numOrNull, timeStopAt: numOrNull })
    .nullable()
    .optional()
    .describe("where the safety layer closes it: null until the entry filled"),
  protectiveStop: z
    .object({ clientOrderId: z.string(), stopPrice: numOrNull, limitPrice: numOrNull, status: z.string() })
    .nullable()
    .optional()
    .describe("exchange broker: the stop order resting on the exchange"),
});

export const OrderRowSchema = z.looseObject({
  id: z.string(),
  portfolio: z.string(),
  position_id: z.string(),
  symbol: z.string(),
  side: z.string(),
  purpose: z.string(),
  status: z.string(),
  type: z.string(),
  qty: numOrNull,
  fill_price: numOrNull,
  filled_qty: numOrNull,
  fee: numOrNull,
  created_at: num,
  filled_at: numOrNull,
});

export const GateEventRowSchema = z.looseObject({
  id: z.string(),
  portfolio: z.string(),
  at: num,
  layer: z.string(),
  opened: num,
  suppressed: num,
  reason: z.string(),
  decision_id: strOrNull,
});

export const DecisionViewSchema = z.looseObject({
  id: z.string(),
  portfolio: z.string(),
  at: num,
  kind: z.string(),
  trigger_layer: z.string(),
  trigger_reason: z.string(),
  decider: z.string(),
  status: z.string(),
  decision: z.unknown(),
  outcome: z.unknown(),
  clamps: z.unknown(),
});

export const EquityRowSchema = z.object({
  at: num,
  cash: num,
  equity: num,
  exposure: num,
  realized_pnl: num,
  fees_paid: num,
  open_positions: num,
  trading_state: z.string(),
});

export const SignalViewSchema = z.looseObject({
  id: z.string(),
  decision_id: z.string(),
  strategy: z.string(),
  symbol: z.string(),
  action: z.string(),
  confidence: num,
  reason: z.string(),
  at: num,
  metadata: z.unknown(),
});

export const OperatorActionSchema = z.object({
  id: z.string(),
  at: num,
  action: z.enum(["pause", "resume", "kill", "force_exit", "exit_all", "enter_reducing"]),
  by: z.string(),
  reason: z.string(),
  detail: z.unknown(),
});

export const ControlsViewSchema = z.looseObject({
  portfolio: strOrNull,
  tradingState: z.enum(["ACTIVE", "REDUCING", "HALTED"]),
  haltReason: strOrNull,
  entriesRefused: strOrNull,
  paused: z.unknown(),
  kill: z.unknown(),
  reducing: z.unknown(),
  cooldowns: z.unknown(),
  protections: z.unknown(),
  positions: z.array(z.object({ id: z.string(), symbol: z.string(), status: z.enum(["pending", "open"]) })),
  recentActions: z.array(OperatorActionSchema),
  at: num,
});

/** What every operator control answers. */
export const ControlAnswerSchema = z.object({ action: OperatorActionSchema.nullable(), positions: z.array(z.string()), controls: ControlsViewSchema });

export const StrategyViewSchema = z.looseObject({
  name: z.string(),
  description: z.string(),
  timeframe: z.string(),
  enabled: z.boolean(),
  params: z.record(z.string(), z.unknown()),
});
