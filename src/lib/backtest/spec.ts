import { z } from "zod";
import { EngineConfigSchema, type EngineConfig } from "../config";
import type { DerivativesHistory } from "../market/derivatives";
import type { Candle } from "../market/candle";
import { TIMEFRAMES, TIMEFRAME_MS, type Timeframe } from "../market/timeframe";
import { getStrategy, strategyNames } from "../strategy/registry";
import type { BacktestInput, StampedRate } from "./types";

/** The rule pipeline (every strategy and agent, learner-weighted synthesis) instead of one strategy. */
export const PIPELINE = "pipeline";

const DAY = 86_400_000;

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/, "expected a UTC date like 2024-01-31 or 2024-01-31T12:00:00Z")
  .transform((s, ctx) => {
    const t = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
    if (!Number.isFinite(t)) ctx.addIssue({ code: "custom", message: `not a valid date: ${s}` });
    return t;
  });

/**
 * What to backtest, as the CLI and the API take it: a strategy (or the whole rule pipeline) on some
 * symbols, over candles of one timeframe, from `from` (inclusive) to `to` (exclusive).
 */
export const BacktestSpecSchema = z
  .strictObject({
    strategy: z.string().refine((s) => s === PIPELINE || strategyNames().includes(s), { message: `unknown strategy; known: ${[PIPELINE, ...strategyNames()].join(", ")}` }),
    symbols: z
      .array(z.string().regex(/^[A-Z0-9]{2,15}\/[A-Z0-9]{2,15}$/, 'symbols look like "BTC/USDT"'))
      .min(1)
      .refine((s) => new Set(s).size === s.length, { message: "a symbol is listed twice" }),
    timeframe: z.enum(TIMEFRAMES),
    /** The timeframe whose closes wake the decider (and the strategies read); the candle timeframe unless set. */
    decisionTimeframe: z.enum(TIMEFRAMES).optional(),
    from: isoDay,
    to: isoDay,
    initialCash: z.number().positive().max(1e12).default(10_000),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .default(1),
    /** Parameters of the strategy (its own schema checks them); not for the pipeline. */
    params: z.record(z.string(), z.unknown()).default({}),
    /** Gaussian HMM regimes (daily refit); off by default: the seeds' rules never used them. */
    hmm: z.boolean().default(false),
    /** The quant ranker agent (pipeline only). */
    quant: z.boolean().default(false),
    /** USD-M perpetuals (leverage, shorts, funding settlements, liquidation) instead of spot; absent: spot. */
    market: z.enum(["spot", "futures"]).optional(),
    /**
     * "synthetic": open interest, taker and long/short ratios, basis and liquidations from the simulator's documented
     * generator (sim/data/derivatives.ts; the project ships no such history), labelled so in every result; absent: none.
     */
    derivatives: z.enum(["synthetic"]).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.to <= s.from) ctx.addIssue({ code: "custom", path: ["to"], message: "to must be after from" });
    if (s.decisionTimeframe && (TIMEFRAME_MS[s.decisionTimeframe] < TIMEFRAME_MS[s.timeframe] || TIMEFRAME_MS[s.decisionTimeframe] % TIMEFRAME_MS[s.timeframe] !== 0)) {
      ctx.addIssue({ code: "custom", path: ["decisionTimeframe"], message: `the decision timeframe must be the candle timeframe (${s.timeframe}) or a multiple of it` });
    }
    if (s.strategy === PIPELINE && Object.keys(s.params).length > 0) ctx.addIssue({ code: "custom", path: ["params"], message: "params apply to one strategy, not to the pipeline" });
    if (s.strategy !== PIPELINE && s.quant) ctx.addIssue({ code: "custom", path: ["quant"], message: "the quant ranker votes in the pipeline only" });
    if (s.strategy !== PIPELINE && strategyNames().includes(s.strategy)) {
      const strategy = getStrategy(s.strategy);
      const parsed = strategy.params.safeParse(withTimeframe(strategy.params, s.params, s.decisionTimeframe ?? s.timeframe));
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: ["params", ...issue.path.filter((k): k is string | number => typeof k !== "symbol")], message: issue.message });
      }
    }
  });
export type BacktestSpec = z.output<typeof BacktestSpecSchema>;

/** The strategy's params with `timeframe` set to the run's, when the strategy has that parameter. */
function withTimeframe(schema: z.ZodType, params: Record<string, unknown>, tf: Timeframe): Record<string, unknown> {
  if ("timeframe" in params) return params;
  const probe = schema.safeParse({ ...params, timeframe: tf });
  return probe.success ? { ...params, timeframe: tf } : params;
}

/**
 * The engine config of a run: decisions on the run's timeframe, one strategy alone (its params, its
 * timeframe set to the run's) or the whole pipeline, HMM and quant as asked; `base` supplies the rest.
 */
export function backtestConfig(spec: BacktestSpec, base: unknown = {}): EngineConfig {
  const cfg = EngineConfigSchema.parse(base);
  const next: EngineConfig = {
    ...cfg,
    gate: { ...cfg.gate, decisionTimeframe: spec.decisionTimeframe ?? spec.timeframe },
    regime: { ...cfg.regime, hmm: spec.hmm },
    quant: { ...cfg.quant, enabled: spec.quant },
    ...(spec.market ? { market: { ...cfg.market, type: spec.market } } : {}),
  };
  if (spec.strategy === PIPELINE) return next;
  const strategy = getStrategy(spec.strategy);
  return {
    ...next,
    rules: { decider: "single-strategy", strategy: spec.strategy },
    strategies: { ...cfg.strategies, [spec.strategy]: { enabled: true, params: strategy.params.parse(withTimeframe(strategy.params, spec.params, spec.decisionTimeframe ?? spec.timeframe)) } },
  };
}

/**
 * Whether a run with this config reads funding rates: a futures run always does (its positions settle funding), the
 * pipeline always does (the derivatives agent and the funding strategies), one strategy alone when it is a funding strategy.
 */
export function readsFunding(config: EngineConfig): boolean {
  return config.market.type === "futures" || config.rules.decider === "synthesizer" || getStrategy(config.rules.strategy).readsFunding === true;
}

/** Where a run's candles come from: every stored candle of a symbol and timeframe, ascending. */
export interface CandleData {
  candles(symbol: string, tf: Timeframe): readonly Candle[];
  funding?(symbol: string): readonly StampedRate[];
  /** The synthetic derivatives series of `symbol` over [from, to), when the source has a generator. */
  syntheticDerivatives?(symbol: string, from: number, to: number): DerivativesHistory;
}

/** How far before a run's start its derivatives series begin (funding-oi and the agent look back a day; the snapshot 8). */
const DERIVATIVES_WARMUP_MS = 8 * 86_400_000;

/** Warm-up history handed to the engine: enough daily candles for the regime and HMM, 4h and 1h for the rest (1h: the σ of material moves). */
const WARMUP_TIMEFRAMES: Timeframe[] = ["1d", "4h", "1h"];

/**
 * The engine input of a run: the candles of the run's timeframe inside [from, to), older daily and 4h
 * candles as warm-up, the funding history. Throws when a symbol has no candles in the range.
 */
export function backtestInput(spec: BacktestSpec, data: CandleData, config: EngineConfig): BacktestInput {
  const candles: BacktestInput["candles"] = {};
  const history: NonNullable<BacktestInput["history"]> = {};
  const funding: NonNullable<BacktestInput["funding"]> = {};
  const derivatives: NonNullable<BacktestInput["derivatives"]> = {};
  const missing: string[] = [];
  for (const symbol of spec.symbols) {
    const inRange = data.candles(symbol, spec.timeframe).filter((c) => c.t >= spec.from && c.t < spec.to);
    if (inRange.length === 0) missing.push(symbol);
    candles[symbol] = inRange;
    history[symbol] = Object.fromEntries(WARMUP_TIMEFRAMES.filter((tf) => TIMEFRAME_MS[tf] >= TIMEFRAME_MS[spec.timeframe]).map((tf) => [tf, data.candles(symbol, tf).filter((c) => c.t < spec.from)]));
    const f = data.funding?.(symbol);
    if (f) funding[symbol] = [...f];
    if (spec.derivatives === "synthetic") {
      if (!data.syntheticDerivatives) throw new RangeError("this data source has no synthetic derivatives generator (the shipped data's backtest command has)");
      derivatives[symbol] = data.syntheticDerivatives(symbol, spec.from - DERIVATIVES_WARMUP_MS, spec.to);
    }
  }
  if (missing.length > 0) {
    throw new RangeError(`no ${spec.timeframe} candles for ${missing.join(", ")} between ${new Date(spec.from).toISOString().slice(0, 10)} and ${new Date(spec.to).toISOString().slice(0, 10)}`);
  }
  const input: BacktestInput = { candles, baseTimeframe: spec.timeframe, history, funding, config, initialCash: spec.initialCash, seed: spec.seed };
  if (spec.derivatives) input.derivatives = derivatives;
  return input;
}

/** Base candles a run will replay, for bounding a request before running it. */
export function candleCount(spec: BacktestSpec, data: CandleData): number {
  let n = 0;
  for (const symbol of spec.symbols) for (const c of data.candles(symbol, spec.timeframe)) if (c.t >= spec.from && c.t < spec.to) n++;
  return n;
}

/**
 * The model fits a run may do, at most, besides replaying candles: with the HMM each symbol's regime
 * model is refitted once per new daily close; with the quant ranker (pipeline) the ranker is trained at
 * the first decision and every `quant.retrainEveryDays` after, on every symbol's daily history.
 */
export function modelWork(spec: BacktestSpec, config: EngineConfig): { hmmFits: number; quantSymbolTrainings: number } {
  const days = Math.ceil(spanDays(spec));
  const quantOn = config.quant.enabled && config.rules.decider === "synthesizer";
  return {
    hmmFits: config.regime.hmm ? spec.symbols.length * days : 0,
    quantSymbolTrainings: quantOn ? spec.symbols.length * (Math.floor(days / config.quant.retrainEveryDays) + 1) : 0,
  };
}

/** Days in [from, to). */
export const spanDays = (spec: Pick<BacktestSpec, "from" | "to">): number => (spec.to - spec.from) / DAY;
