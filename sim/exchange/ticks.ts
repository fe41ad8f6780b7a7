import type { Candle } from "../../src/lib/market/candle";
import { bucketOf, MINUTE } from "./intervals";
import { minuteIndex, type SymbolData } from "./market-data";
import { frameTime, framesRevealed, pathLevels, pathPrice, pathRange, revealCandle } from "./replay";

/** One point of the replay: frame i (1..K+1) of the 1m candle opening at m, for one symbol. */
export interface Tick {
  data: SymbolData;
  symbol: string;
  m: number;
  i: number;
  E: number;
  candle: Candle;
  revealed: Candle;
  price: number;
  prevPrice: number;
  /** Volume revealed since the previous frame of this minute. */
  qty: number;
  /** Price range travelled since the previous tick, including the previous price. */
  lo: number;
  hi: number;
  /** Prices the path stepped to since the previous tick, in order; the last one is `price`. */
  levels: number[];
  final: boolean;
  /** Deterministic synthetic aggregate-trade id (increasing per symbol). */
  tradeId: number;
}

/** Walks the shipped 1m candles of several symbols in event-time order, frame by frame. */
export class TickSource {
  private m: number;
  private i: number;
  private readonly prices = new Map<string, number>();

  /** The first frame of a minute: 0 with an opening frame (at the minute's open), else 1. */
  private readonly first: number;

  constructor(
    private readonly datas: readonly SymbolData[],
    private readonly partials: number,
    start: number,
    readonly end: number,
    openingFrame = false,
  ) {
    this.m = bucketOf(start, MINUTE);
    this.first = openingFrame ? 0 : 1;
    const done = framesRevealed(this.m, partials, start);
    // A start on the minute leaves the minute's opening frame to come (the close before it is the one revealed).
    this.i = done === 0 ? this.first : done + 1;
    for (const d of datas) {
      // Before the first frame of the window there is no earlier 1m close, so the minute's open stands in.
      const c = this.candle(d, this.m);
      this.prices.set(d.symbol, c ? pathPrice(c, done / (partials + 1)) : Number.NaN);
    }
  }

  get ended(): boolean {
    return this.m >= this.end;
  }

  price(symbol: string): number | undefined {
    return this.prices.get(symbol);
  }

  /** Event time of the next frame, or undefined once the data has ended. */
  nextTime(): number | undefined {
    return this.ended ? undefined : frameTime(this.m, this.i, this.partials);
  }

  /** Yields every tick with event time <= T, in order (by time, then by symbol order). */
  *until(T: number): Generator<Tick> {
    while (!this.ended && frameTime(this.m, this.i, this.partials) <= T) yield* this.nextFrame();
  }

  /** Yields the ticks of the next frame (one per symbol with a candle), and moves past it. */
  *nextFrame(): Generator<Tick> {
    const K = this.partials;
    const E = frameTime(this.m, this.i, K);
    const f0 = Math.max(0, this.i - 1) / (K + 1);
    const f = this.i / (K + 1);
    for (const d of this.datas) {
      const candle = this.candle(d, this.m);
      if (!candle) continue;
      const prevPrice = this.prices.get(d.symbol) ?? candle.o;
      const price = pathPrice(candle, f);
      const r = pathRange(candle, f0, f);
      this.prices.set(d.symbol, price);
      yield {
        data: d,
        symbol: d.symbol,
        m: this.m,
        i: this.i,
        E,
        candle,
        revealed: revealCandle(candle, f),
        price,
        prevPrice,
        qty: candle.v * (f - f0),
        lo: Math.min(prevPrice, r.lo),
        hi: Math.max(prevPrice, r.hi),
        levels: pathLevels(candle, f0, f),
        final: this.i === K + 1,
        tradeId: (this.m / MINUTE) * (K + 2) + this.i,
      };
    }
    this.i++;
    if (this.i > K + 1) {
      this.i = this.first;
      this.m += MINUTE;
    }
  }

  private candle(d: SymbolData, m: number): Candle | undefined {
    const idx = minuteIndex(d, m);
    return idx === undefined ? undefined : d.m1[idx];
  }
}
