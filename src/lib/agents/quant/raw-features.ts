import type { Candle } from "../../market/candle";
import { atrPercent } from "../../market/indicators/atr";
import { bollinger } from "../../market/indicators/bollinger";
import { efficiencyRatio } from "../../market/indicators/efficiency-ratio";
import { momentum } from "../../market/indicators/momentum";
import { realizedVolatility } from "../../market/indicators/realized-volatility";
import { rsi } from "../../market/indicators/rsi";
import { amihudIlliquidity } from "./factors/amihud";
import { distanceFromHigh } from "./factors/distance-from-high";
import { garmanKlassVolatility } from "./factors/garman-klass";
import { moneyFlowIndex } from "./factors/money-flow-index";
import { obvSlope } from "./factors/obv-slope";
import { volumeRatio } from "./factors/volume-ratio";
import { FEATURE_NAMES } from "./feature-names";

/**
 * The raw (un-normalised) factor vector of every candle, in FEATURE_NAMES order, or null while any
 * factor is still warming up. Every factor at index i reads candles 0..i only (streaming/batch
 * indicators and trailing windows), so the vector of a day never changes when later candles arrive.
 */
export function rawFeatures(candles: readonly Candle[]): (number[] | null)[] {
  const closes = candles.map((c) => c.c);
  const bands = bollinger(closes, 20, 2);
  const columns: (number | null)[][] = [
    momentum(closes, 5),
    momentum(closes, 21),
    momentum(closes, 63),
    rsi(closes, 14),
    moneyFlowIndex(candles, 14),
    obvSlope(candles, 20),
    garmanKlassVolatility(candles, 20),
    realizedVolatility(closes, 20),
    atrPercent(candles, 14),
    efficiencyRatio(closes, 20),
    volumeRatio(
      candles.map((c) => c.v),
      5,
      20,
    ),
    bands.map((b) => (b === null || b.middle <= 0 ? null : (b.upper - b.lower) / b.middle)),
    distanceFromHigh(candles, 252),
    amihudIlliquidity(candles, 20),
  ];
  if (columns.length !== FEATURE_NAMES.length) throw new Error("raw features: columns and FEATURE_NAMES disagree");
  return candles.map((_, i) => {
    const row: number[] = [];
    for (const column of columns) {
      const x = column[i];
      if (x === null || x === undefined || !Number.isFinite(x)) return null;
      row.push(x);
    }
    return row;
  });
}
