import type { EngineConfig } from "../../lib/config";
import { checkedMateriality, initialMateriality, materialStep, storedMateriality, type MaterialMove, type MaterialityState } from "../../lib/gate/materiality";
import type { Candle } from "../../lib/market/candle";
import { AGGREGATE_TIMEFRAMES, applyMinute, emptyAggregatorState, seedFromHistory, type AggregatorState, type ClosedBucket } from "../../lib/market/candle-aggregator";
import { lastClosedMinute } from "../../lib/market/history-window";
import { warmStart } from "../../lib/gate/warm-start";
import { TickFeatureTracker, type TickFeatureState, type TickFeatures } from "../../lib/market/tick-features";
import type { Timeframe } from "../../lib/market/timeframe";
import type { Quarantine } from "../kernel/quarantine";
import type { PriceUpdate } from "../messages";
import type { CandleStore } from "./candle-store";
import type { StartHistory } from "./rest-history";

const MINUTE = 60_000;

/** Posts what a closed minute produced (its higher-timeframe closes, then its material moves) to the gates' mail. */
export type PostMinute = (symbol: string, closed: readonly ClosedBucket[], moves: readonly MaterialMove[]) => void;

/** A market's latest price (null before the first) and the z-scores of its latest tick. */
export interface PriceQuote {
  price: number | null;
  at: number | null;
  zRet: number;
  zVol: number;
}

/**
 * What a ticker has made of its closed minutes, each part under its own key: the aggregator's forming buckets (`agg`),
 * the tick features' windows (`features`), the materiality check (`material`), the last closed minute (`lastMinute`) and
 * the latest price (`last`). Every change is one synchronous step that stores them together. The features of the latest
 * tick (`latest`) live in memory only.
 */
export class MarketState {
  private agg: AggregatorState;
  private features: TickFeatureTracker;
  private material: MaterialityState;
  private minute: number | null;
  private price: PriceUpdate | null;
  private latestFeatures: TickFeatures | null = null;

  constructor(
    private readonly kv: SyncKvStorage,
    quarantine: Quarantine,
    private readonly config: EngineConfig,
    /** Where closed candles are kept; the materiality check reads its σ and band from them. */
    private readonly store: CandleStore,
    private readonly post: PostMinute,
  ) {
    this.agg = quarantine.restore(
      "agg",
      (v) => v as AggregatorState,
      () => emptyAggregatorState(AGGREGATE_TIMEFRAMES),
    );
    this.features = quarantine.restore(
      "features",
      (v) => TickFeatureTracker.fromJSON(v as TickFeatureState),
      () => this.newFeatures(),
    );
    this.material = quarantine.restore("material", (v) => checkedMateriality(v), initialMateriality);
    this.minute = kv.get<number>("lastMinute") ?? null;
    this.price = kv.get<PriceUpdate>("last") ?? null;
  }

  /** Open time of the last closed minute held; null before history was loaded. */
  get lastMinute(): number | null {
    return this.minute;
  }

  /** The end of the last closed minute (null before the first). */
  get closedThrough(): number | null {
    return this.minute === null ? null : this.minute + MINUTE;
  }

  get last(): PriceUpdate | null {
    return this.price;
  }

  /** Features of the latest tick or closed minute; null until one came since the actor started. */
  get latest(): TickFeatures | null {
    return this.latestFeatures;
  }

  /** The latest price and the z-scores of the latest tick (0 before one). */
  quote(): PriceQuote {
    const last = this.price;
    const f = this.latestFeatures;
    return { price: last?.price ?? null, at: last?.at ?? null, zRet: f?.zRet ?? 0, zVol: f?.zVol ?? 0 };
  }

  /** Scores a tick of the minute in progress, which becomes the latest price (in memory: the next closed minute stores one). */
  tick(price: number, minuteVolume: number, at: number): TickFeatures {
    const f = this.features.tick(price, minuteVolume, at);
    this.latestFeatures = f;
    this.price = { price: f.price, at: f.at };
    return f;
  }

  /**
   * A closed minute, in one synchronous step: keeps it and the higher-timeframe candles it closes, updates the features
   * and the materiality check, posts the closes and the material moves, and stores the state (a crash after it loses
   * none of them: the minute is marked as applied only together with its mail). Answers the closes.
   */
  closeMinute(symbol: string, candle: Candle, at: number): ClosedBucket[] {
    this.store.keep(symbol, "1m", candle);
    const r = applyMinute(this.agg, candle);
    this.agg = r.state;
    for (const b of r.closed) this.store.keep(symbol, b.tf, b.candle);
    this.latestFeatures = this.features.closeMinute(candle, at);
    this.post(symbol, r.closed, this.observe(symbol, candle, r.closed));
    this.minute = candle.t;
    this.price = { price: candle.c, at };
    this.save();
    this.store.minuteClosed();
    return r.closed;
  }

  /**
   * Starts over from history, in one synchronous step: the higher-timeframe candles are kept (the materiality check
   * reads them), the closed minutes (oldest first) kept and fed to fresh features and materiality, and the day's forming
   * buckets seeded from those since `dayStart`.
   */
  reseed(symbol: string, { candles, minutes, dayStart, serverTime }: StartHistory): void {
    for (const [tf, history] of candles) for (const c of history) this.store.keep(symbol, tf, c);
    this.agg = seedFromHistory(
      AGGREGATE_TIMEFRAMES,
      minutes.filter((m) => m.t >= dayStart),
    ).state;
    this.features = this.newFeatures();
    for (const m of minutes) this.store.keep(symbol, "1m", m);
    const gate = this.config.gate;
    const warm = warmStart(this.features, initialMateriality(), symbol, minutes, { material: gate.material, decisionTimeframe: gate.decisionTimeframe }, (t, n) => this.store.last(t, n), MINUTE);
    this.material = warm.material;
    if (warm.latest) this.latestFeatures = warm.latest;
    const lastMin = minutes[minutes.length - 1];
    this.minute = lastMin?.t ?? lastClosedMinute(serverTime);
    if (lastMin) this.price = { price: lastMin.c, at: lastMin.t + MINUTE };
    this.save();
  }

  private newFeatures(): TickFeatureTracker {
    return new TickFeatureTracker(this.config.features.window, this.config.features.minSamples);
  }

  /**
   * Feeds a closed minute to the materiality check, refreshing its σ on an hourly close and its band on a
   * decision-timeframe close (and on the first minute seen); answers the moves it makes material.
   */
  private observe(symbol: string, minute: Candle, closed: readonly { tf: Timeframe }[]): MaterialMove[] {
    const tf = this.config.gate.decisionTimeframe;
    const closedNow = { hour: closed.some((b) => b.tf === "1h"), decision: closed.some((b) => b.tf === tf) };
    const r = materialStep(this.material, symbol, minute, MINUTE, this.config.gate.material, tf, closedNow, (t, n) => this.store.last(t, n));
    this.material = r.state;
    return r.moves;
  }

  private save(): void {
    this.kv.put("agg", this.agg);
    this.kv.put("features", this.features.toJSON());
    this.kv.put("material", storedMateriality(this.material));
    this.kv.put("lastMinute", this.minute);
    if (this.price) this.kv.put("last", this.price);
  }
}
