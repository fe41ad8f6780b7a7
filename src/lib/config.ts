import { z } from "zod";
import { TIMEFRAMES } from "./market/timeframe";
import { LearnerConfigSchema } from "./learn/config";
import { QuantOptionsSchema } from "./agents/quant/options";
import { defaultStrategyConfigs, StrategyConfigsSchema, strategyNames } from "./strategy/registry";
import { SynthesizerConfigSchema } from "./synthesize/config";
import { RegimeBlendParamsSchema } from "./strategy/regime-blend-params";
import { ExecutionConfigSchema } from "./execution/config";
import { NotificationsConfigSchema } from "./notify/config";
import { MarketConfigSchema } from "./futures/config";
import { SizingConfigSchema } from "./risk/sizing";

/** "BTC/USDT" style unified symbol, as ccxt names markets. */
export const MarketSymbolSchema = z.string().regex(/^[A-Z0-9]{2,15}\/[A-Z0-9]{2,10}$/, "symbol must look like BTC/USDT");

const pct = (max = 1) => z.number().min(0).max(max);

export const MaterialityConfigSchema = z.object({
  enabled: z.boolean().default(true),
  /** The trailing hour's return, in standard deviations of the hourly returns, that makes a move material. */
  shockSigma: z.number().positive().default(2.5),
  /** A return shock re-arms once the trailing hour is back inside this many σ. */
  rearmSigma: z.number().positive().default(1.5),
  sigmaDays: z.number().int().min(1).max(41).default(30),
  /** Hourly returns needed before σ is trusted. */
  minHourlyReturns: z.number().int().min(2).default(72),
  /** A return shock needs at least the usual hourly volume behind it. */
  volumeConfirm: z.boolean().default(true),
  bandPeriod: z.number().int().min(2).default(20),
  bandStdDev: z.number().positive().default(2),
});
export type MaterialityConfig = z.infer<typeof MaterialityConfigSchema>;

export const GateConfigSchema = z.object({
  decisionTimeframe: z.enum(TIMEFRAMES).default("4h"),
  cooldownMs: z.number().int().min(0).default(60_000),
  /** POST /api/gate/wake wakes the decider at most once per this much wall time (each wake may cost a Claude call). */
  manualWakeCooldownMs: z.number().int().min(0).default(60_000),
  /** What wakes the decider between two decision-timeframe closes (src/lib/gate/materiality.ts). */
  material: MaterialityConfigSchema.default(MaterialityConfigSchema.parse({})),
  /** A material move waits this long (engine time) for the moves that come with it, so they make one decision. */
  materialGatherMs: z.number().int().min(0).max(600_000).default(300_000),
  /** A position the 5-signal evaluator finds at risk wakes the decider at most this often (engine time). */
  reviewWakeCooldownMs: z.number().int().min(0).default(14_400_000),
  watchdogMs: z.number().int().positive().default(300_000),
  /**
   * A decision waits up to this much wall time for a market whose candles stop short of the decision's minute, so
   * the snapshot sees every market at the same time; past it, it decides on what there is and logs who lagged.
   */
  snapshotWaitMs: z.number().int().min(0).max(60_000).default(30_000),
  /** Wall time after which a decision that never reported back is abandoned. */
  inFlightTimeoutMs: z.number().int().positive().default(120_000),
  defaultNextCheckSeconds: z.number().int().min(60).max(14_400).default(3_600),
  /**
   * The decider's own timer is raised to at least this: with the decision-timeframe closes (4h) and material moves
   * waking it, a shorter timer only spends calls (the seeds' policy asked every 30 minutes: 48 calls a day).
   */
  minNextCheckSeconds: z.number().int().positive().default(14_400),
  maxNextCheckSeconds: z.number().int().positive().default(14_400),
  maxWakeConditions: z.number().int().min(0).default(10),
});
export type GateConfig = z.infer<typeof GateConfigSchema>;

export const FeatureConfigSchema = z.object({
  window: z.number().int().min(5).default(60),
  minSamples: z.number().int().min(2).default(20),
});

/** The loss-streak protection: off by default (losses 0), so backtests are unchanged unless asked. */
export const LossStreakConfigSchema = z.object({
  losses: z.number().int().min(0).default(0),
  cooldownMs: z.number().int().min(0).default(0),
});
export type LossStreakConfig = z.infer<typeof LossStreakConfigSchema>;

export const RiskConfigSchema = z.object({
  positionPct: pct().default(0.3),
  /** Notional over equity; above 1 only with futures leverage. */
  maxPositionPct: pct(10).default(0.3),
  /** Gross exposure (both sides) over equity; above 1 only with futures leverage. */
  maxExposurePct: pct(10).default(0.7),
  /** How an entry is sized (src/lib/risk/sizing.ts): the decider's fraction, a volatility target, or fractional Kelly. */
  sizing: SizingConfigSchema.default(SizingConfigSchema.parse({})),
  maxPositions: z.number().int().positive().default(3),
  minNotional: z.number().positive().default(10),
  dailyLossLimitPct: pct().default(0.05),
  maxDrawdownPct: pct().default(0.12),
  /** After `losses` consecutive losing closes, entries are refused for `cooldownMs` of engine time (0: off). */
  lossStreak: LossStreakConfigSchema.default(LossStreakConfigSchema.parse({})),
  /** After a close by the hard or trailing stop, entries in that symbol are refused this long (engine ms, 0: off). */
  stopCooldownMs: z.number().int().min(0).default(0),
});
export type RiskConfig = z.infer<typeof RiskConfigSchema>;

export const ExitConfigSchema = z.object({
  hardStopPct: pct().default(0.15),
  /** The hard stop at this many ATRs (of the decision timeframe at entry) when the ATR is known, never wider than hardStopPct (0: off). */
  hardStopAtr: z.number().min(0).max(20).default(0),
  /** Take the profit at this gain from the entry (0: off). */
  takeProfitPct: pct(10).default(0),
  /** Take the profit at this many ATRs of the entry's market (0: off); with both set, the nearer. */
  takeProfitAtr: z.number().min(0).max(50).default(0),
  trailActivationPct: pct(10).default(0.08),
  trailPct: pct().default(0.12),
  maxHoldMs: z
    .number()
    .int()
    .positive()
    .default(7 * 86_400_000),
  safetyIntervalMs: z.number().int().positive().default(30_000),
  /** Engine time between two re-evaluations (layer 2) of an open position. */
  reviewIntervalMs: z.number().int().positive().default(180_000),
  reviewExitBelow: z.number().default(-0.3),
  /** A HOLD scoring at or below this is at risk: the decider is woken to look at every open position. */
  reviewRiskBelow: z.number().default(-0.15),
  /** A position this share of the way to its hard stop is at risk too. */
  reviewRiskStopShare: z.number().min(0).max(1).default(0.5),
  reviewAddAbove: z.number().default(0.4),
  reviewWeights: z
    .object({
      regimeChange: z.number().min(0).default(0.25),
      momentumReversal: z.number().min(0).default(0.25),
      correlationRisk: z.number().min(0).default(0.2),
      pnlTrajectory: z.number().min(0).default(0.15),
      timeDecay: z.number().min(0).default(0.15),
    })
    .default({ regimeChange: 0.25, momentumReversal: 0.25, correlationRisk: 0.2, pnlTrajectory: 0.15, timeDecay: 0.15 }),
});
export type ExitConfig = z.infer<typeof ExitConfigSchema>;

export const PaperConfigSchema = z.object({
  takerFee: pct(0.05).default(0.001),
  slippagePct: pct(0.05).default(0.0005),
});
export type PaperConfig = z.infer<typeof PaperConfigSchema>;

/** The regime blend's parameters; the strategy's own schema, one source of truth. */
export const RegimeBlendConfigSchema = RegimeBlendParamsSchema;
export type RegimeBlendConfig = z.infer<typeof RegimeBlendConfigSchema>;

export const TickerConfigSchema = z.object({
  heartbeatMs: z.number().int().positive().default(10_000),
  silenceMs: z.number().int().positive().default(30_000),
  backoffBaseMs: z.number().int().positive().default(1_000),
  backoffMaxMs: z.number().int().positive().default(60_000),
  /** Closed candles bootstrapped and kept per timeframe (1000 = one REST page; the quant ranker wants years of days). */
  historyLimit: z.number().int().min(50).max(1000).default(1000),
  /** Wall time between polls of derivatives context (funding); adaptive polling comes later. */
  derivativesPollMs: z.number().int().positive().default(60_000),
  /**
   * "funding": the perpetual's funding settlements; "all": also open interest, taker and long/short ratios, the basis and
   * liquidations (6 more calls a poll), which the snapshot, the derivatives agent and funding-oi read.
   */
  derivativesData: z.enum(["funding", "all"]).default("funding"),
});
export type TickerConfig = z.infer<typeof TickerConfigSchema>;

/** What the engine trusts of an exchange's answers and how long it waits for them. */
export const ExchangeInputConfigSchema = z.object({
  /** Every REST call to the exchange is abandoned after this long. */
  restTimeoutMs: z.number().int().positive().default(10_000),
  /** An event stamped further ahead of the wall clock than this is rejected (clock skew allowance). */
  maxClockAheadMs: z.number().int().min(0).default(10_000),
  /** Largest price accepted in a frame or REST answer. */
  maxPrice: z.number().positive().default(1e9),
  /** Largest volume accepted in a frame or REST answer (1e15 dwarfs any real minute). */
  maxVolume: z.number().positive().default(1e15),
});
export type ExchangeInputConfig = z.infer<typeof ExchangeInputConfigSchema>;

export const AccountConfigSchema = z.object({
  /** Wall-clock interval of the mark-to-market equity snapshot. */
  snapshotIntervalMs: z.number().int().positive().default(60_000),
});

export const ModelPriceSchema = z.object({ input: z.number().min(0), output: z.number().min(0), cacheWrite: z.number().min(0), cacheRead: z.number().min(0) });

export const LlmConfigSchema = z.object({
  /** "auto": Claude when an API key is set, else the rule pipeline; "replay": answers from the decision log. */
  decider: z.enum(["auto", "claude", "rule", "replay"]).default("auto"),
  model: z.string().min(1).default("claude-sonnet-4-6"),
  /** A prompt version of the registry in src/lib/decide/prompt.ts (checked when the config loads); unset: the current one. */
  promptVersion: z
    .string()
    .regex(/^[a-z0-9.-]{1,40}$/, "prompt versions look like decide-v5")
    .optional(),
  timeoutMs: z.number().int().positive().default(30_000),
  maxTokens: z.number().int().positive().max(8192).default(2048),
  /** USD per UTC day (wall clock); when spent, the rule pipeline decides until the next day. */
  dailyBudgetUsd: z.number().min(0).default(5),
  /** Claude calls per UTC day (wall clock), reviews included; past it the rule pipeline decides until the next day. */
  maxCallsPerDay: z.number().int().min(0).default(12),
  /** The share of the day's calls and budget that decisions woken to review positions may spend; the rest is kept for entries. */
  reviewShare: z.number().min(0).max(1).default(0.5),
  breakerFailures: z.number().int().positive().default(3),
  breakerCooldownMs: z.number().int().positive().default(900_000),
  /** USD per million tokens, by model id. A model without a price is refused (its cost could not be governed). */
  prices: z.record(z.string(), ModelPriceSchema).default({
    "claude-sonnet-4-6": { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
    "claude-sonnet-4-5": { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
    "claude-opus-4-1": { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 },
    "claude-haiku-4-5": { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  }),
});
export type LlmConfig = z.infer<typeof LlmConfigSchema>;

export const QuantConfigSchema = z.object({
  /** The quant ranker trains (about 1.5 s a model) and votes; off, the agent sits out. */
  enabled: z.boolean().default(true),
  /** Retrain the ranker when the newest daily candle is this many days past the last training. */
  retrainEveryDays: z.number().int().min(1).default(7),
  /** Wall time between checks whether a retrain is due. */
  checkEveryMs: z.number().int().positive().default(600_000),
  options: QuantOptionsSchema.default(QuantOptionsSchema.parse({})),
});

export const RulesConfigSchema = z.object({
  /** "synthesizer": every agent votes; "single-strategy": `strategy` alone decides. */
  decider: z.enum(["synthesizer", "single-strategy"]).default("synthesizer"),
  strategy: z
    .string()
    .default("regime-blend")
    .refine((name) => strategyNames().includes(name), { message: "unknown strategy" }),
});

export const RegimeConfigSchema = z.object({
  /** Fit the Gaussian HMM on daily log returns and realized volatility (refit once per new day). */
  hmm: z.boolean().default(true),
  /** Daily candles the regime and the momentum agent read. */
  dailyHistory: z.number().int().min(60).max(1000).default(400),
});

/** Episodic memory (src/lib/memory/episodes.ts): how many past episodes a snapshot recalls per ticker, in how much JSON. */
export const MemoryConfigSchema = z.object({
  recallK: z.number().int().min(0).max(10).default(3),
  /** The whole recalled block of a snapshot (every ticker's share), in characters of JSON: about 750 tokens. */
  recallMaxChars: z.number().int().min(200).max(20_000).default(3_000),
  /** Closed episodes recall chooses from: the portfolio's newest. */
  recallCandidates: z.number().int().min(1).max(1_000).default(200),
});

/** Every tunable of the engine in one typed object; each field has a safe default. */
export const EngineConfigSchema = z.object({
  portfolio: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/)
    .default("main"),
  /** Portfolios that may run side by side (each adds a gate to every tick of its symbols, and its own Claude budget). */
  maxPortfolios: z.number().int().min(1).max(20).default(4),
  initialCash: z.number().positive().default(10_000),
  quoteAsset: z.string().default("USDT"),
  symbols: z.array(MarketSymbolSchema).min(1).default(["BTC/USDT", "ETH/USDT", "SOL/USDT"]),
  /** Spot (long only) or USD-M perpetuals (leverage, shorts, funding). */
  market: MarketConfigSchema.default(MarketConfigSchema.parse({})),
  gate: GateConfigSchema.default(GateConfigSchema.parse({})),
  features: FeatureConfigSchema.default(FeatureConfigSchema.parse({})),
  risk: RiskConfigSchema.default(RiskConfigSchema.parse({})),
  exits: ExitConfigSchema.default(ExitConfigSchema.parse({})),
  paper: PaperConfigSchema.default(PaperConfigSchema.parse({})),
  strategy: RegimeBlendConfigSchema.default(RegimeBlendConfigSchema.parse({})),
  ticker: TickerConfigSchema.default(TickerConfigSchema.parse({})),
  exchange: ExchangeInputConfigSchema.default(ExchangeInputConfigSchema.parse({})),
  execution: ExecutionConfigSchema.default(ExecutionConfigSchema.parse({})),
  account: AccountConfigSchema.default(AccountConfigSchema.parse({})),
  llm: LlmConfigSchema.default(LlmConfigSchema.parse({})),
  learn: LearnerConfigSchema.default(LearnerConfigSchema.parse({})),
  /** Per strategy: enabled and params (validated against the strategy's own schema). */
  strategies: StrategyConfigsSchema.default(defaultStrategyConfigs()),
  synthesizer: SynthesizerConfigSchema.default(SynthesizerConfigSchema.parse({})),
  quant: QuantConfigSchema.default(QuantConfigSchema.parse({})),
  regime: RegimeConfigSchema.default(RegimeConfigSchema.parse({})),
  rules: RulesConfigSchema.default(RulesConfigSchema.parse({})),
  /** Telegram, Discord and the signed webhook: which events each is told (its secrets are worker secrets). */
  notifications: NotificationsConfigSchema.default(NotificationsConfigSchema.parse({})),
  memory: MemoryConfigSchema.default(MemoryConfigSchema.parse({})),
});
export type EngineConfig = z.infer<typeof EngineConfigSchema>;

export const DEFAULT_CONFIG: EngineConfig = EngineConfigSchema.parse({});
