import type { QuantModel } from "../agents/quant/model";
import type { AgentWeights } from "../agents/types";
import type { GateConfig } from "../config";
import { completeDecision, failDecision, type GateState } from "../gate";
import type { Candle } from "../market/candle";
import type { CombinedRegime } from "../regime/types";
import type { StrategyConfigs } from "../strategy/strategy-configs";
import type { CallPurpose } from "./cost";
import { executionOrder, type Decision } from "./decision";
import { runDecider, type DecisionAttempt, type DeciderPorts } from "./decider";
import { withEvidence } from "./evidence";
import { pipelineInputs, regimeKeys } from "./pipeline-inputs";
import { ruleDecision } from "./rule-decision";
import { buildSnapshot, type MarketSnapshot, type SnapshotInput, type SnapshotOptions } from "./snapshot";
import type { EntryContext } from "../execution/position";
import type { PositionSide } from "../futures/side";
import type { TradeEdge } from "../risk/sizing";

/** The learner's weights for one regime key, and where they came from. */
export interface KeyWeights {
  weights: AgentWeights;
  source: string;
}

/**
 * What one decision reaches outside the pure core. The GateActor answers from its tickers, learner and storage;
 * the backtester from its in-memory run. Everything else in a decision is `decideOnSnapshot`, for both.
 */
export interface DecisionPorts extends Omit<DeciderPorts, "rules" | "hash"> {
  /** The ticker's regime at `now` from its closed daily candles (each interpreter keeps its fitted models). */
  regime(symbol: string, daily: readonly Candle[], now: number): CombinedRegime | null;
  /** The learner's weights per regime key, sampled for this decision id. */
  weights(keys: string[], decisionId: string): Promise<Record<string, KeyWeights>> | Record<string, KeyWeights>;
  /** The learner's quant ranker, when one is trained. */
  quantModel(): Promise<QuantModel | null> | QuantModel | null;
  strategies: StrategyConfigs;
  /** The snapshot's hash (`decisionKeyText`), the key of a recorded decision. */
  hash(snapshot: MarketSnapshot): Promise<string>;
  /** How much of the snapshot to build: indicators only where something reads them (default: all). */
  snapshot?: SnapshotOptions;
}

export interface DecisionOnSnapshot {
  /** The snapshot as the decider saw it (with the engine's evidence when Claude was asked). */
  snapshot: MarketSnapshot;
  attempt: DecisionAttempt;
  regimes: Record<string, CombinedRegime | null>;
  /** The market snapshot's hash (without the evidence), computed once when first asked. */
  hash: () => Promise<string>;
}

const UNSAMPLED = "default (not sampled: a single strategy decides)";

/**
 * One decision, up to the decider's checked and clamped answer: each ticker's regime, the point-in-time snapshot,
 * the rule pipeline (strategies, agents, the synthesizer with the learner's weights sampled for this decision id,
 * the quant ranker), then the decider the config and governor choose (the rules, Claude or a recording).
 */
export async function decideOnSnapshot(input: SnapshotInput, now: number, decisionId: string, purpose: CallPurpose, ports: DecisionPorts): Promise<DecisionOnSnapshot> {
  const cfg = ports.cfg;
  const regimes: Record<string, CombinedRegime | null> = {};
  for (const t of input.tickers) {
    regimes[t.symbol] = ports.regime(t.symbol, t.candles["1d"] ?? [], now);
    t.regime = regimes[t.symbol];
  }
  const snapshot = buildSnapshot(input, now, ports.snapshot);
  let hashed: Promise<string> | null = null;
  const hash = () => (hashed ??= ports.hash(snapshot));
  // Only the synthesizer reads the learner's weights and the quant ranker: a single strategy decides without them.
  const synthesizer = cfg.rules.decider === "synthesizer";
  const rules = async (sn: MarketSnapshot) => {
    const keys = regimeKeys(sn, regimes);
    const weights = synthesizer ? await ports.weights(keys, decisionId) : Object.fromEntries(keys.map((k) => [k, { weights: cfg.synthesizer.defaultWeights, source: UNSAMPLED }]));
    const quant = synthesizer && cfg.quant.enabled ? await ports.quantModel() : null;
    return ruleDecision(sn, pipelineInputs(input, sn, regimes, weights, quant, ports.strategies, ports.snapshot?.derived), cfg);
  };
  const attempt = await runDecider(snapshot, { ...ports, rules, hash }, purpose);
  return { snapshot: attempt.evidence ? withEvidence(snapshot, attempt.evidence) : snapshot, attempt, regimes, hash };
}

/** An entry a decision asks the account for. */
export interface EntryRequest {
  decisionId: string;
  /** Engine time of the decision. */
  at: number;
  symbol: string;
  positionPct: number;
  agent: string;
  reason: string;
  /** The market at entry, for the position's later reviews. */
  entryContext?: EntryContext | null;
  /** Absent: long (a BUY); a SHORT decision asks for a short. */
  side?: PositionSide;
  /** The learner's record in the entry's regime, for Kelly sizing. */
  edge?: TradeEdge | null;
  /** "carry": the funding carry, spot long and perpetual short of equal notional as one unit (a CARRY decision). */
  group?: "carry";
}

/** An exit a decision asks the account for. */
export interface ExitRequest {
  decisionId: string;
  at: number;
  symbol: string;
  reason: string;
}

export type DecisionOrder = { action: "HOLD"; ticker: string } | { action: "BUY" | "SHORT" | "CARRY"; ticker: string; entry: EntryRequest } | { action: "SELL"; ticker: string; exit: ExitRequest };

/**
 * What a decision asks of the account, SELLs before entries so exits free cash and room first. `entryContext` reads an
 * entry's market from the snapshot (built only for an entry: it needs the decision timeframe's indicators). A SHORT
 * asks for a short; a BUY for a long. `edges`: the learner's record per regime, when Kelly sizes entries.
 */
export function decisionOrders(
  decision: Decision,
  of: { decisionId: string; at: number; agent: string },
  entryContext: (ticker: string, signals: Record<string, number>) => EntryContext | null,
  edges: Readonly<Record<string, TradeEdge>> | null = null,
): DecisionOrder[] {
  return executionOrder(decision).map((d): DecisionOrder => {
    if (d.action === "HOLD") return { action: "HOLD", ticker: d.ticker };
    if (d.action === "SELL") return { action: "SELL", ticker: d.ticker, exit: { decisionId: of.decisionId, at: of.at, symbol: d.ticker, reason: d.reasoning } };
    const entry: EntryRequest = {
      decisionId: of.decisionId,
      at: of.at,
      symbol: d.ticker,
      positionPct: d.position_pct,
      agent: of.agent,
      reason: d.reasoning,
      entryContext: entryContext(d.ticker, d.signal_weights),
    };
    if (d.action === "SHORT") entry.side = "short";
    if (d.action === "CARRY") entry.group = "carry";
    // Kelly sizing: the learner's record in the entry's regime (own keys only: a regime is a free-form name).
    const key = entry.entryContext?.regimeKey;
    if (edges !== null) entry.edge = key != null && Object.hasOwn(edges, key) ? edges[key]! : null;
    return { action: d.action, ticker: d.ticker, entry };
  });
}

/** The gate after a decision: with an answer its timer and wake conditions (priced at the snapshot), without one the default retry. */
export function gateAfterDecision(cfg: GateConfig, state: GateState, decisionId: string, decision: Decision | null, snapshot: Pick<MarketSnapshot, "tickers">, now: number): GateState {
  if (!decision) return failDecision(cfg, state, decisionId, now);
  const prices = Object.fromEntries(snapshot.tickers.map((t) => [t.symbol, t.price.value]));
  return completeDecision(cfg, state, { decisionId, nextCheckSeconds: decision.next_check_seconds, wakeConditions: decision.wake_conditions, prices }, now);
}
