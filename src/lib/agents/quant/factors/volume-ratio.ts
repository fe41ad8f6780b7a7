/**
 * Volume ratio: mean volume of the last `short` candles over the mean of the last `long` (both ending
 * at this candle); above 1 when trading picks up. Null until `long` candles exist or when the long
 * window traded nothing.
 */
export function volumeRatio(volumes: readonly number[], short = 5, long = 20): (number | null)[] {
  return volumes.map((_, i) => {
    if (i < long - 1) return null;
    let s = 0;
    let l = 0;
    for (let j = i - long + 1; j <= i; j++) {
      l += volumes[j]!;
      if (j > i - short) s += volumes[j]!;
    }
    return l > 0 ? s / short / (l / long) : null;
  });
}
