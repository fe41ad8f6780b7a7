import { z } from "zod";
import { TIMEFRAMES } from "../market/timeframe";
import { lastRsi } from "../market/indicators/rsi";
import { closedCandles } from "./closed-candles";
import { perWindow } from "../market/window-memo";
import { num } from "./format";
import { signalMaker } from "./make-signal";
import type { Signal, Strategy } from "./strategy";

const NAME = "rsi-mean-reversion";

const RsiMeanReversionParams = z
  .strictObject({
    timeframe: z.enum(TIMEFRAMES).default("4h"),
    period: z.number().int().min(2).default(14),
    overbought: z.number().gt(0).lt(100).default(75),
    oversold: z.number().gt(0).lt(100).default(25),
    /** A held position is closed once RSI is back across this level (above it for a long). */
    exitLevel: z.number().gt(0).lt(100).default(50),
  })
  .refine((p) => p.oversold < p.exitLevel && p.exitLevel < p.overbought, {
    message: "need oversold < exitLevel < overbought",
    path: ["exitLevel"],
  });

/**
 * Fades RSI extremes on the 4h closes. The exit is checked first: a long held at RSI 80 is closed,
 * not told to go short. Confidence is 0.5 at the threshold rising to 1 at RSI 0/100 (entries) or
 * at the opposite extreme's threshold (exits).
 */
export const rsiMeanReversion: Strategy<typeof RsiMeanReversionParams> = {
  name: NAME,
  description: "RSI(14) on 4h closes: > 75 → short, < 25 → long; with a position open, RSI back across 50 (above for a long, below for a short) → close.",
  assets: "all",
  timeframe: "4h",
  params: RsiMeanReversionParams,
  evaluate(ctx, p): Signal {
    const make = signalMaker(NAME, ctx);
    const candles = closedCandles(ctx, p.timeframe);
    const r =
      candles.length > p.period
        ? perWindow(candles, "rsi", p.period, (w) =>
            lastRsi(
              w.map((c) => c.c),
              p.period,
            ),
          )
        : null;
    if (r === null) return make("PASS", 0, `not enough history: ${candles.length} closed 4h candles, need ${p.period + 1}`);
    const side = ctx.position === null ? null : (ctx.position.side ?? "LONG");
    const metadata = { rsi: r, close: candles.at(-1)!.c, position: side, overbought: p.overbought, oversold: p.oversold, exitLevel: p.exitLevel };
    const rsiText = `RSI(${p.period}) ${num(r)}`;
    if (side === "LONG" && r > p.exitLevel) {
      return make("CLOSE", 0.5 + 0.5 * Math.min(1, (r - p.exitLevel) / (p.overbought - p.exitLevel)), `exit long: ${rsiText} back above ${p.exitLevel}`, metadata);
    }
    if (side === "SHORT" && r < p.exitLevel) {
      return make("CLOSE", 0.5 + 0.5 * Math.min(1, (p.exitLevel - r) / (p.exitLevel - p.oversold)), `exit short: ${rsiText} back below ${p.exitLevel}`, metadata);
    }
    if (r > p.overbought) return make("SHORT", 0.5 + (0.5 * (r - p.overbought)) / (100 - p.overbought), `overbought: ${rsiText} > ${p.overbought}`, metadata);
    if (r < p.oversold) return make("LONG", 0.5 + (0.5 * (p.oversold - r)) / p.oversold, `oversold: ${rsiText} < ${p.oversold}`, metadata);
    return make("PASS", 0, `${rsiText} between ${p.oversold} and ${p.overbought}${side === null ? "" : `, no exit for the ${side.toLowerCase()}`}`, metadata);
  },
};
