import { newAccountBook, type AccountBook } from "../account/ledger";
import { applyClose, applyEntryFill, markPrice, releaseEntry } from "../account/transitions";
import { AGENT_NAMES, type AgentName } from "../agents/types";
import { emptyLearnerState } from "../learn/state";
import { recordOutcome } from "../learn/update";
import type { PositionState } from "../execution/position";
import { candlePath } from "../market/candle-path";
import { TickFeatureTracker } from "../market/tick-features";
import { TIMEFRAME_MS } from "../market/timeframe";
import { evaluateGate, evaluateTick, initialGateState, type GateEvent, type GateState } from "../gate";
import { updateTradingState } from "../risk/trading-state";
import { runDecisionStep, type DecisionContext } from "./decision-step";
import { SymbolSeries } from "./series";
import type { BacktestDecision, BacktestEquityPoint, BacktestFill, BacktestInput, BacktestResult, BacktestTrade } from "./types";
import { stepPosition } from "./position-step";

interface SymbolState {
  symbol: string;
  series: SymbolSeries;
  features: TickFeatureTracker;
  next: number;
  lastPrice: number | null;
  zRet: number;
  zVol: number;
}

/**
 * Event-driven replay of candles through the engine's own core: the gate on every price of every
 * candle's path (open, the two extremes, close), the decider when it opens, the account's risk checks,
 * the position lifecycle (orders fill at the next price: the next path point, i.e. the next candle's
 * open for a decision taken at a close), the safety layer and reviews, the learner. Only the clock
 * (candle times) and the data source differ from the actors.
 */
export async function runBacktest(input: BacktestInput): Promise<BacktestResult> {
  const cfg = input.config;
  const baseMs = TIMEFRAME_MS[input.baseTimeframe];
  const decisionMs = TIMEFRAME_MS[cfg.gate.decisionTimeframe];
  if (decisionMs < baseMs || decisionMs % baseMs !== 0) {
    throw new Error(`the decision timeframe ${cfg.gate.decisionTimeframe} must be a multiple of the base timeframe ${input.baseTimeframe}: set gate.decisionTimeframe to ${input.baseTimeframe} or coarser`);
  }
  const symbols = Object.keys(input.candles);
  const states: SymbolState[] = symbols.map((symbol) => ({
    symbol,
    series: new SymbolSeries(input.candles[symbol]!, input.baseTimeframe, input.history?.[symbol]),
    features: new TickFeatureTracker(cfg.features.window, cfg.features.minSamples, baseMs),
    next: 0,
    lastPrice: null,
    zRet: 0,
    zVol: 0,
  }));
  const times = [...new Set(symbols.flatMap((s) => input.candles[s]!.map((c) => c.t)))].sort((a, b) => a - b);
  const from = times[0] ?? 0;
  const to = (times[times.length - 1] ?? 0) + baseMs;

  let book: AccountBook = newAccountBook(input.initialCash, from);
  let gate: GateState = initialGateState();
  let learner = emptyLearnerState(AGENT_NAMES, cfg.learn);
  const positions = new Map<string, PositionState>();
  const trades: BacktestTrade[] = [];
  const fills: BacktestFill[] = [];
  const decisions: BacktestDecision[] = [];
  const equity: BacktestEquityPoint[] = [];
  const stats = { baseCandles: 0, ticks: 0, gateOpens: 0, quantTrainings: 0, regimeFits: 0, from, to };
  let llmCostUsd = 0;
  let decisionSeq = 0;

  const ctx: DecisionContext = {
    input,
    states: new Map(states.map((s) => [s.symbol, s])),
    regimeModels: new Map(),
    regimes: new Map(),
    quant: { model: null, lastTried: null },
    memory: null,
    stats,
  };

  /** A fill changes the account and, on a close, the learner and the trade list: as the mailbox does live. */
  const settle = (before: PositionState, after: PositionState) => {
    if (before.status === "pending_entry" && after.status !== "pending_entry" && after.status !== "failed") {
      book = applyEntryFill(book, { positionId: after.id, qty: after.qty, price: after.entryPrice, fee: after.entryFee, at: after.openedAt ?? 0 });
    }
    if (after.status === "failed") book = releaseEntry(book, after.id);
    if (after.status === "closed" && before.status !== "closed") {
      const cost = after.qty * after.entryPrice;
      const pnlPct = cost > 0 ? (after.pnl ?? 0) / (cost + after.entryFee) : 0;
      book = applyClose(book, { positionId: after.id, exitPrice: after.exitPrice ?? 0, proceeds: after.qty * (after.exitPrice ?? 0), exitFee: after.exitFee, pnl: after.pnl ?? 0, at: after.closedAt ?? 0 });
      const signals = Object.fromEntries(Object.entries(after.entryContext?.agentSignals ?? {}).filter(([k]) => (AGENT_NAMES as readonly string[]).includes(k))) as Partial<Record<AgentName, number>>;
      learner = recordOutcome(learner, { tradeId: after.id, regime: after.entryContext?.regimeKey ?? null, signals, pnlPct }, cfg.learn);
      trades.push({
        id: after.id,
        symbol: after.symbol,
        side: "long",
        entryAt: after.openedAt ?? after.createdAt,
        exitAt: after.closedAt ?? 0,
        entryPrice: after.entryPrice,
        exitPrice: after.exitPrice ?? 0,
        qty: after.qty,
        fees: after.entryFee + after.exitFee,
        pnl: after.pnl ?? 0,
        pnlPct,
        exitKind: after.exitKind ?? "unknown",
        entryReason: after.entryReason,
        exitReason: after.exitReason ?? "",
      });
      positions.delete(after.symbol);
    }
  };

  const decide = async (now: number, layer: string, reason: string, decisionId: string) => {
    stats.gateOpens++;
    const r = await runDecisionStep(ctx, { now, layer, reason, decisionId, book, gate, learner, positions });
    gate = r.gate;
    book = r.book;
    llmCostUsd += r.costUsd;
    for (const p of r.opened) positions.set(p.symbol, p);
    for (const [symbol, p] of r.exiting) positions.set(symbol, p);
    decisions.push(r.record);
  };

  const onGate = async (event: GateEvent, now: number) => {
    const id = `bt-${input.seed}-d${decisionSeq + 1}`;
    const r = event.kind === "tick" ? (evaluateTick(cfg.gate, gate, event, now, id) ?? null) : evaluateGate(cfg.gate, gate, event, now, id);
    if (!r) return;
    gate = r.state;
    if (r.verdict.open) {
      decisionSeq++;
      await decide(now, r.verdict.layer ?? "?", r.verdict.reason, id);
    }
  };

  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    const here = states.filter((s) => input.candles[s.symbol]![s.next]?.t === t);
    const paths = here.map((s) => candlePath(input.candles[s.symbol]![s.next]!));
    for (let k = 0; k < 4; k++) {
      const at = k === 3 ? t + baseMs : t + Math.round((baseMs * k) / 3);
      for (let j = 0; j < here.length; j++) {
        const s = here[j]!;
        const candle = input.candles[s.symbol]![s.next]!;
        const price = paths[j]![k]!;
        stats.ticks++;
        const pos = positions.get(s.symbol);
        if (pos) {
          const stepped = stepPosition(pos, price, at, { candleT: t, pathIndex: k }, cfg, {
            decisionCandles: () => s.series.closed(cfg.gate.decisionTimeframe, at, 60),
            btcHourly: () => ctx.states.get("BTC/USDT")?.series.closed("1h", at, 3) ?? [],
          });
          if (stepped.fill) fills.push(stepped.fill);
          positions.set(s.symbol, stepped.pos);
          settle(pos, stepped.pos);
        }
        const f = k < 3 ? s.features.tick(price, candle.v * (k / 3), at) : s.features.closeMinute(candle, at);
        s.lastPrice = price;
        s.zRet = f.zRet;
        s.zVol = f.zVol;
        if (k === 3 && (t + baseMs) % decisionMs === 0) await onGate({ kind: "candle_close", symbol: s.symbol, tf: cfg.gate.decisionTimeframe, closeTime: t + baseMs }, at);
        await onGate({ kind: "tick", symbol: s.symbol, price, zRet: f.zRet, zVol: f.zVol }, at);
      }
    }
    for (const s of here) s.next++;
    stats.baseCandles += here.length;
    const now = t + baseMs;
    for (const s of here) if (s.lastPrice !== null && positions.has(s.symbol)) book = markPrice(book, s.symbol, s.lastPrice);
    book = updateTradingState(book, cfg.risk, now);
    let exposure = 0;
    for (const p of Object.values(book.positions)) exposure += p.status === "open" ? p.qty * p.lastPrice : 0;
    // Stamped 1 ms before the close so a daily candle's equity falls on its own UTC day.
    equity.push({ t: now - 1, equity: book.cash + exposure, cash: book.cash, exposure });
    if (input.onProgress && (i % 5000 === 0 || i === times.length - 1)) input.onProgress(i + 1, times.length);
  }
  return { trades, fills, decisions, equity, book, learner, llmCostUsd, stats };
}
