import { errorMessage } from "../adapters/log";
import { sha256Hex } from "../adapters/hash";
import type { Decision } from "../lib/decide/decision";
import { decideByRules, RULE_DECIDER } from "../lib/decide/rule-decider";
import { buildSnapshot, type MarketSnapshot, type TickerInput } from "../lib/decide/snapshot";
import { completeDecision, evaluateGate, failDecision, initialGateState, type GateEvent, type GateLayer, type GateState, type GateVerdict } from "../lib/gate";
import { stableStringify } from "../lib/util/stable-json";
import { Actor } from "./kernel/actor";
import type { CandleClosed, MarketTick } from "./messages";
import { actorName } from "./names";

export interface GateSetup {
  portfolio: string;
  venue: string;
  symbols: string[];
}

interface DecideJob {
  decisionId: string;
  layer: GateLayer;
  reason: string;
  at: number;
}

export interface VerdictRecord {
  at: number;
  layer: GateLayer | null;
  open: boolean;
  suppressed: boolean;
  reason: string;
  decisionId: string | null;
}

export interface DecisionOutcome {
  ticker: string;
  action: string;
  accepted: boolean;
  detail: string;
  positionId?: string;
}

const WATCHDOG_EVERY_MS = 60_000;
const RECENT = 50;

/**
 * The AdaptiveGate of one portfolio. Ticks and candle closes from every ticker arrive here; almost
 * all are skipped. When a layer opens it, the decision runs in the alarm (single-flight, retried if
 * the actor dies mid-way): snapshot → decider → account.
 */
export class GateActor extends Actor {
  private setup: GateSetup | null = this.kv.get<GateSetup>("setup") ?? null;
  private state: GateState = this.kv.get<GateState>("state") ?? initialGateState();
  private seq: number = this.kv.get<number>("seq") ?? 0;
  private eventSeq: number = this.kv.get<number>("eventSeq") ?? 0;
  private counts: Record<string, number> = this.kv.get<Record<string, number>>("counts") ?? {};
  private recent: VerdictRecord[] = this.kv.get<VerdictRecord[]>("recent") ?? [];
  private lastCloses: Record<string, number> = this.kv.get<Record<string, number>>("lastCloses") ?? {};
  private readonly wokeAt = Date.now();
  private lastTickWall: number | null = null;
  private inFlightWall: number | null = null;
  private quotes = new Map<string, MarketTick>();
  private ticksSinceSave = 0;

  // ---- RPC ----------------------------------------------------------------------------------

  async configure(setup: GateSetup) {
    this.setup = setup;
    this.kv.put("setup", setup);
    this.timers.scheduleBy("watchdog", this.clock.wall() + WATCHDOG_EVERY_MS);
    await this.arm();
    return this.status();
  }

  async onTick(tick: MarketTick): Promise<GateVerdict> {
    this.clock.observe(tick.at);
    this.quotes.set(tick.symbol, tick);
    this.lastTickWall = this.clock.wall();
    if (++this.ticksSinceSave >= 500) this.saveCounts();
    return this.apply({ kind: "tick", symbol: tick.symbol, price: tick.price, zRet: tick.zRet, zVol: tick.zVol });
  }

  /** Delivered through the ticker's mailbox, so it may arrive twice: the second is ignored. */
  async onCandleClose(close: CandleClosed): Promise<GateVerdict | null> {
    const key = `${close.symbol}:${close.tf}`;
    if ((this.lastCloses[key] ?? -Infinity) >= close.candle.t) return null;
    this.lastCloses = { ...this.lastCloses, [key]: close.candle.t };
    this.kv.put("lastCloses", this.lastCloses);
    this.clock.observe(close.at);
    return this.apply({ kind: "candle_close", symbol: close.symbol, tf: close.tf, closeTime: close.at });
  }

  /** A manual wake (POST /api/gate/wake): skips the cooldown, never the single-flight rule. */
  async wake(reason: string): Promise<GateVerdict> {
    return this.apply({ kind: "manual", reason });
  }

  status() {
    return {
      configured: this.setup !== null,
      portfolio: this.setup?.portfolio ?? null,
      symbols: this.setup?.symbols ?? [],
      now: this.clock.now(),
      decisionTimeframe: this.config.gate.decisionTimeframe,
      state: this.state,
      decisions: this.seq,
      counts: this.counts,
      recent: this.recent,
      lastTickAgoMs: this.lastTickWall === null ? null : this.clock.wall() - this.lastTickWall,
      config: this.config.gate,
    };
  }

  // ---- gate ---------------------------------------------------------------------------------

  private async apply(event: GateEvent): Promise<GateVerdict> {
    const setup = this.setup;
    if (!setup) return { open: false, layer: null, reason: "gate not configured", suppressed: false };
    const now = this.clock.now();
    const decisionId = `${setup.portfolio}-d${this.seq + 1}`;
    const r = evaluateGate(this.config.gate, this.state, event, now, decisionId);
    const v = r.verdict;
    const key = v.open ? `open:${v.layer}` : v.suppressed ? `held:${v.layer}` : `skip:${v.layer === null ? v.reason.split(":")[0] : v.layer}`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
    if (r.state !== this.state) {
      this.state = r.state;
      this.kv.put("state", this.state);
    }
    if (v.layer === null) return v;
    this.remember({ at: now, layer: v.layer, open: v.open, suppressed: v.suppressed, reason: v.reason, decisionId: v.open ? decisionId : null });
    if (v.open) {
      this.seq++;
      this.kv.put("seq", this.seq);
      this.inFlightWall = this.clock.wall();
      const job: DecideJob = { decisionId, layer: v.layer, reason: v.reason, at: now };
      this.timers.schedule("decide", this.clock.wall(), job);
      this.log.info("gate.open", { decisionId, layer: v.layer, reason: v.reason });
      await this.emit(setup.portfolio, "gate.wake", { decisionId, layer: v.layer, reason: v.reason }, now);
    }
    this.saveCounts();
    await this.flush();
    return v;
  }

  private remember(rec: VerdictRecord): void {
    this.recent = [rec, ...this.recent].slice(0, RECENT);
    this.kv.put("recent", this.recent);
    this.eventSeq++;
    this.kv.put("eventSeq", this.eventSeq);
    this.record("gate_events", {
      id: `${this.setup!.portfolio}:g${this.eventSeq}`,
      portfolio: this.setup!.portfolio,
      at: rec.at,
      layer: rec.layer,
      opened: rec.open ? 1 : 0,
      suppressed: rec.suppressed ? 1 : 0,
      reason: rec.reason,
      decision_id: rec.decisionId,
    });
  }

  private saveCounts(): void {
    this.ticksSinceSave = 0;
    this.kv.put("counts", this.counts);
  }

  // ---- timers -------------------------------------------------------------------------------

  protected override async onTimer(name: string, payload: unknown): Promise<void> {
    if (name === "decide") return this.runDecision(payload as DecideJob);
    if (name === "timer") {
      await this.apply({ kind: "timer" });
      return;
    }
    if (name === "watchdog") {
      if (!this.setup) return;
      const wall = this.clock.wall();
      const inFlight = this.state.inFlight;
      if (inFlight && wall - (this.inFlightWall ?? this.wokeAt) > this.config.gate.inFlightTimeoutMs) {
        this.log.warn("gate.decision_timed_out", { decisionId: inFlight.id });
        this.state = failDecision(this.config.gate, this.state, inFlight.id, this.clock.now());
        this.kv.put("state", this.state);
        this.timers.cancel("decide");
      }
      await this.apply({ kind: "watchdog", silentForMs: wall - (this.lastTickWall ?? this.wokeAt) });
      this.saveCounts();
      this.timers.schedule("watchdog", this.clock.wall() + WATCHDOG_EVERY_MS);
    }
  }

  /** Runs once per decision id: re-running it after a crash finds the same id and the same answers. */
  private async runDecision(job: DecideJob): Promise<void> {
    const setup = this.setup;
    if (!setup || this.state.inFlight?.id !== job.decisionId) return;
    let now = this.clock.now();
    let snapshot: MarketSnapshot | null = null;
    try {
      snapshot = await this.gatherSnapshot(setup, job);
      now = snapshot.at;
      const hash = await sha256Hex(stableStringify(snapshot));
      const decision = decideByRules(snapshot, this.config);
      this.recordDecision(setup, job, { status: "decided", snapshot, hash, decision });
      await this.emit(setup.portfolio, "decision.made", { decisionId: job.decisionId, decider: RULE_DECIDER, trigger: job.layer, decisions: decision.decisions, assessment: decision.market_assessment }, now);
      const outcomes = await this.execute(setup, job.decisionId, decision, now);
      this.state = completeDecision(
        this.config.gate,
        this.state,
        {
          decisionId: job.decisionId,
          nextCheckSeconds: decision.next_check_seconds,
          wakeConditions: decision.wake_conditions,
          prices: Object.fromEntries(snapshot.tickers.map((t) => [t.symbol, t.price])),
        },
        now,
      );
      this.kv.put("state", this.state);
      this.recordDecision(setup, job, { status: "executed", snapshot, hash, decision, outcomes });
      this.timers.schedule("timer", this.clock.wall() + decision.next_check_seconds * 1000);
      this.log.info("gate.decided", { decisionId: job.decisionId, trigger: job.layer, outcomes: outcomes.map((o) => `${o.ticker} ${o.action} ${o.accepted ? "ok" : "refused"}: ${o.detail}`) });
    } catch (err) {
      this.log.error("gate.decision_failed", { decisionId: job.decisionId, error: errorMessage(err) });
      this.state = failDecision(this.config.gate, this.state, job.decisionId, now);
      this.kv.put("state", this.state);
      this.recordDecision(setup, job, { status: "failed", snapshot, hash: null, decision: null, error: errorMessage(err) });
    }
    this.inFlightWall = null;
  }

  /** Asks every ticker for candles and its latest quote; quote times advance the feed clock first. */
  private async gatherSnapshot(setup: GateSetup, job: DecideJob): Promise<MarketSnapshot> {
    const tf = this.config.gate.decisionTimeframe;
    const tickers: TickerInput[] = await Promise.all(
      setup.symbols.map(async (symbol) => {
        const stub = this.env.TICKER.getByName(actorName.ticker(setup.venue, symbol));
        const [candles, quote] = await Promise.all([stub.candles(tf, 120), stub.quote()]);
        const live = this.quotes.get(symbol);
        const q = live && (quote.at === null || live.at >= quote.at) ? { price: live.price, at: live.at, zRet: live.zRet, zVol: live.zVol } : quote;
        return { symbol, timeframe: tf, candles, price: q.price, priceAt: q.at, zRet: q.zRet, zVol: q.zVol };
      }),
    );
    for (const t of tickers) if (t.priceAt !== null) this.clock.observe(t.priceAt);
    const now = this.clock.now();
    const account = await this.env.ACCOUNT.getByName(actorName.account(setup.portfolio)).summary();
    const risk = this.config.risk;
    return buildSnapshot(
      {
        portfolio: setup.portfolio,
        wake: { layer: job.layer, reason: job.reason },
        tickers,
        account: {
          cash: account.cash,
          equity: account.equity,
          exposure: account.exposure,
          tradingState: account.tradingState,
          positions: account.positions.map((p) => ({ id: p.id, symbol: p.symbol, qty: p.qty, entryPrice: p.entryPrice, lastPrice: p.lastPrice, openedAt: p.openedAt })),
        },
        limits: { maxPositionPct: risk.maxPositionPct, maxExposurePct: risk.maxExposurePct, maxPositions: risk.maxPositions, minNotional: risk.minNotional },
      },
      now,
    );
  }

  /** Sends SELLs before BUYs so exits free cash and room first. Account calls are idempotent per decision. */
  private async execute(setup: GateSetup, decisionId: string, decision: Decision, at: number): Promise<DecisionOutcome[]> {
    const account = this.env.ACCOUNT.getByName(actorName.account(setup.portfolio));
    const ordered = [...decision.decisions].sort((a, b) => (a.action === "SELL" ? 0 : 1) - (b.action === "SELL" ? 0 : 1));
    const outcomes: DecisionOutcome[] = [];
    for (const d of ordered) {
      if (d.action === "HOLD") {
        outcomes.push({ ticker: d.ticker, action: "HOLD", accepted: true, detail: "no order" });
      } else if (d.action === "BUY") {
        const r = await account.requestEntry({ decisionId, at, symbol: d.ticker, positionPct: d.position_pct, agent: RULE_DECIDER, reason: d.reasoning });
        outcomes.push({ ticker: d.ticker, action: "BUY", accepted: r.accepted, detail: r.detail, ...(r.positionId ? { positionId: r.positionId } : {}) });
      } else {
        const r = await account.requestExit({ decisionId, at, symbol: d.ticker, reason: d.reasoning });
        outcomes.push({ ticker: d.ticker, action: "SELL", accepted: r.accepted, detail: r.detail, ...(r.positionId ? { positionId: r.positionId } : {}) });
      }
    }
    return outcomes;
  }

  private recordDecision(
    setup: GateSetup,
    job: DecideJob,
    d: { status: string; snapshot: MarketSnapshot | null; hash: string | null; decision: Decision | null; outcomes?: DecisionOutcome[]; error?: string },
  ): void {
    this.record("decisions", {
      id: job.decisionId,
      portfolio: setup.portfolio,
      at: d.snapshot?.at ?? job.at,
      trigger_layer: job.layer,
      trigger_reason: job.reason,
      decider: RULE_DECIDER,
      status: d.status,
      snapshot_hash: d.hash,
      snapshot_json: d.snapshot ? JSON.stringify(d.snapshot) : null,
      decision_json: d.decision ? JSON.stringify(d.decision) : null,
      outcome_json: d.outcomes ? JSON.stringify(d.outcomes) : null,
      error: d.error ?? null,
      completed_at: d.status === "decided" ? null : this.clock.now(),
    });
  }
}
