import { z } from "zod";
import { TIMEFRAMES } from "../market/timeframe";
import { lastBollinger } from "../market/indicators/bollinger";
import { sma } from "../market/indicators/sma";
import { closedCandles } from "./closed-candles";
import { perWindow } from "../market/window-memo";
import { num } from "./format";
import { signalMaker } from "./make-signal";
import type { Signal, Strategy } from "./strategy";

const NAME = "momentum-breakout";

const MomentumBreakoutParams = z.strictObject({
  timeframe: z.enum(TIMEFRAMES).default("4h"),
  bollingerPeriod: z.number().int().min(2).default(20),
  bollingerK: z.number().positive().default(2),
  volumePeriod: z.number().int().min(1).default(20),
  /** The breakout candle's volume must be at least this multiple of the average volume. */
  volumeSpike: z.number().positive().default(2),
});

/**
 * A close beyond a Bollinger band on a volume spike. The average volume is that of the `volumePeriod`
 * candles before the breakout candle, so the spike does not inflate its own yardstick. Confidence is
 * 0.5 at the minimum spike, 1 at twice it.
 */
export const momentumBreakout: Strategy<typeof MomentumBreakoutParams> = {
  name: NAME,
  description: "4h close above the upper (below the lower) Bollinger band (20, 2σ) on volume ≥ 2 × the previous 20 candles' average → long (short).",
  assets: "all",
  timeframe: "4h",
  params: MomentumBreakoutParams,
  evaluate(ctx, p): Signal {
    const make = signalMaker(NAME, ctx);
    const candles = closedCandles(ctx, p.timeframe);
    const need = Math.max(p.bollingerPeriod, p.volumePeriod + 1);
    if (candles.length < need) return make("PASS", 0, `not enough history: ${candles.length} closed 4h candles, need ${need}`);
    const last = candles.at(-1)!;
    const { bands, avgVolume } = perWindow(candles, NAME, p, (w) => ({
      bands: lastBollinger(
        w.map((c) => c.c),
        p.bollingerPeriod,
        p.bollingerK,
      ),
      avgVolume:
        sma(
          w.slice(-p.volumePeriod - 1, -1).map((c) => c.v),
          p.volumePeriod,
        ).at(-1) ?? null,
    }));
    if (bands === null || avgVolume === null || avgVolume <= 0) return make("PASS", 0, "indicators not ready");
    const volumeRatio = last.v / avgVolume;
    const metadata = { close: last.c, bbUpper: bands.upper, bbMiddle: bands.middle, bbLower: bands.lower, bbStd: bands.std, percentB: bands.percentB, volume: last.v, avgVolume, volumeRatio };
    const spike = volumeRatio >= p.volumeSpike;
    const volumeText = `volume ${num(volumeRatio)}× average ${spike ? "≥" : "<"} ${p.volumeSpike}×`;
    const confidence = (0.5 * volumeRatio) / p.volumeSpike;
    if (last.c > bands.upper && spike) return make("LONG", confidence, `upside breakout: close ${last.c} > upper band ${num(bands.upper)}, ${volumeText}`, metadata);
    if (last.c < bands.lower && spike) return make("SHORT", confidence, `downside breakout: close ${last.c} < lower band ${num(bands.lower)}, ${volumeText}`, metadata);
    const where = last.c > bands.upper ? "above the upper band" : last.c < bands.lower ? "below the lower band" : "inside the bands";
    return make("PASS", 0, `no breakout: close ${where}, ${volumeText}`, metadata);
  },
};
