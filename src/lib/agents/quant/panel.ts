import type { Candle } from "../../market/candle";
import type { CandlesBySymbol } from "./closed-by";
import { FEATURE_NAMES } from "./feature-names";
import { topQuantileLabels } from "./labels";
import { DAY_MS, type QuantOptions } from "./options";
import { rawFeatures } from "./raw-features";
import { crossSectionalZ, timeSeriesZ } from "./zscore";

/** One asset on one day: normalised features, and the label once its horizon has passed in the data. */
export interface PanelRow {
  symbol: string;
  /** Close time of the day's candle (open time + 1 day): when the features became known. */
  at: number;
  features: number[];
  /** close(at + horizon) / close(at) − 1, null when the data ends before. */
  forwardReturn: number | null;
  /** 1 when in the top quantile of the day's cross-section, null until every row's horizon passed. */
  label: 0 | 1 | null;
}

export interface QuantPanel {
  symbols: string[];
  featureNames: string[];
  /** Days (close times) with at least minAssets rows, ascending. */
  dates: number[];
  byDate: Map<number, PanelRow[]>;
}

function assertDaily(symbol: string, candles: readonly Candle[]): void {
  for (let i = 0; i < candles.length; i++) {
    const t = candles[i]!.t;
    if (t % DAY_MS !== 0) throw new Error(`quant: ${symbol} candle at ${t} is not a UTC daily open time`);
    if (i > 0 && t - candles[i - 1]!.t !== DAY_MS) throw new Error(`quant: ${symbol} daily candles have a gap or disorder at ${t}`);
  }
}

export function featureNamesFor(normalization: QuantOptions["normalization"]): string[] {
  const ts = FEATURE_NAMES.map((n) => `${n}_ts`);
  return normalization === "cross-sectional" ? [...FEATURE_NAMES] : normalization === "time-series" ? ts : [...FEATURE_NAMES, ...ts];
}

/**
 * The feature panel of a universe of daily candles: per day, one row per asset with normalised
 * features (see QuantOptions.normalization), forward return and top-quantile label. Features are point
 * in time (a day's row is the same whatever candles follow); forward returns and labels look ahead by
 * design and only training may read them, after the purge (see trainingSet).
 */
export function buildPanel(candlesBySymbol: CandlesBySymbol, opts: QuantOptions): QuantPanel {
  const symbols = Object.keys(candlesBySymbol).sort();
  const wantCs = opts.normalization !== "time-series";
  const wantTs = opts.normalization !== "cross-sectional";
  const pending = new Map<number, { symbol: string; raw: number[]; ts: number[] | null; forwardReturn: number | null }[]>();
  for (const symbol of symbols) {
    const candles = candlesBySymbol[symbol]!;
    assertDaily(symbol, candles);
    const raw = rawFeatures(candles);
    const ts = wantTs ? timeSeriesZ(raw, opts.zWindowDays, opts.zMinHistory, opts.winsorize) : null;
    for (let i = 0; i < candles.length; i++) {
      const r = raw[i];
      const z = ts === null ? null : (ts[i] ?? null);
      if (r === null || r === undefined || (wantTs && z === null)) continue;
      const ahead = candles[i + opts.horizonDays];
      const at = candles[i]!.t + DAY_MS;
      const list = pending.get(at) ?? [];
      list.push({ symbol, raw: r, ts: z, forwardReturn: ahead === undefined ? null : ahead.c / candles[i]!.c - 1 });
      pending.set(at, list);
    }
  }
  const dates = [...pending.keys()].filter((d) => pending.get(d)!.length >= opts.minAssets).sort((a, b) => a - b);
  const byDate = new Map<number, PanelRow[]>();
  for (const at of dates) {
    const items = pending.get(at)!;
    const cs = wantCs
      ? crossSectionalZ(
          items.map((x) => x.raw),
          opts.winsorize,
        )
      : null;
    const returns = items.map((x) => x.forwardReturn);
    const labels = returns.every((r): r is number => r !== null) ? topQuantileLabels(returns, opts.topQuantile) : null;
    byDate.set(
      at,
      items.map((x, k) => ({
        symbol: x.symbol,
        at,
        features: [...(cs === null ? [] : cs[k]!), ...(x.ts ?? [])],
        forwardReturn: x.forwardReturn,
        label: labels === null ? null : labels[k]!,
      })),
    );
  }
  return { symbols, featureNames: featureNamesFor(opts.normalization), dates, byDate };
}
