import type { Candle } from "../market/candle";
import type { KeyValue } from "../util/key-value";
import { seedFrom } from "../util/rng";
import type { DailyRegimeModel } from "./daily-model";
import { regimeWithModel } from "./regime-with-model";
import type { CombinedRegime } from "./types";

const DAY = 86_400_000;

/**
 * Regime per ticker, with each ticker's fitted HMM kept in `store` between daily closes (the GateActor's storage,
 * or a backtest's memory) and the last answer reused until the next daily close.
 */
export class RegimeCache {
  private readonly last = new Map<string, { through: number; regime: CombinedRegime | null }>();
  /** HMM fits made (a model that changed). */
  fits = 0;

  constructor(
    private readonly store: KeyValue,
    private readonly hmm: boolean,
    /** A detection that threw: the ticker has no regime for this decision. */
    private readonly failed: (symbol: string, err: unknown) => void,
  ) {}

  detect(symbol: string, daily: readonly Candle[], now: number): CombinedRegime | null {
    // The regime reads daily closes only: until the next one closes, the last answer stands (found from the end).
    const last = this.last.get(symbol);
    if (last !== undefined) {
      let i = daily.length - 1;
      while (i >= 0 && daily[i]!.t + DAY > now) i--;
      if (i >= 0 && daily[i]!.t === last.through) return last.regime;
    }
    const key = `hmm:${symbol}`;
    const cached = this.store.get<DailyRegimeModel>(key) ?? null;
    try {
      const r = regimeWithModel(daily, now, { hmm: this.hmm, seed: seedFrom(symbol), cached, last: last ?? null });
      if (r.model && r.model !== cached) {
        this.fits++;
        this.store.put(key, r.model);
      }
      if (r.through !== null) this.last.set(symbol, { through: r.through, regime: r.regime });
      return r.regime;
    } catch (err) {
      this.failed(symbol, err);
      return null;
    }
  }
}
