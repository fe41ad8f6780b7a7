import { BinanceRest } from "../../adapters/exchange/binance-rest";
import type { Candle } from "../../lib/market/candle";
import { AGGREGATE_TIMEFRAMES, type AggregateTimeframe } from "../../lib/market/candle-aggregator";
import { bootstrapWindow } from "../../lib/market/history-window";
import { missedMinutes } from "../../lib/market/minute-sequence";
import type { TickerSetup } from "../messages";
import { exchangeSymbol } from "../names";
import type { RestFailures } from "./rest-failures";

/** A market's closed history at the exchange's `serverTime`, fetched when its ticker starts. */
export interface StartHistory {
  serverTime: number;
  /** The newest closed candles of each higher timeframe. */
  candles: [AggregateTimeframe, Candle[]][];
  /** Closed 1m candles from `bootstrapWindow`'s start, oldest first; those since `dayStart` seed the forming buckets. */
  minutes: Candle[];
  dayStart: number;
}

/**
 * The REST reads of a ticker's market (its current setup's spot REST), fetch only (the ticker applies what they answer,
 * and re-reads its state after each): the history it starts from and the minutes it missed. The engine clock hears the
 * exchange's time as soon as it is known; a failure is noted before it is thrown on.
 */
export class RestHistory {
  constructor(
    private readonly setup: () => TickerSetup | null,
    private readonly timeoutMs: number,
    private readonly clock: { observe(eventTime: number): void },
    private readonly failures: RestFailures,
  ) {}

  /** History of every timeframe: `historyLimit` candles of 15m/1h/4h/1d, and the minutes the day and the features need. */
  start(historyLimit: number, featureWindow: number): Promise<StartHistory> {
    return this.noting(async ({ rest, symbol }) => {
      const serverTime = await rest.serverTime();
      this.clock.observe(serverTime);
      const candles: [AggregateTimeframe, Candle[]][] = [];
      for (const tf of AGGREGATE_TIMEFRAMES) candles.push([tf, await rest.closedCandles(symbol, tf, historyLimit, serverTime)]);
      const { dayStart, from } = bootstrapWindow(serverTime, featureWindow);
      const minutes = await rest.closedMinutes(symbol, from, serverTime);
      return { serverTime, candles, minutes, dayStart };
    });
  }

  /**
   * The closed minutes after the last one held (`lastMinute()`, read once `until` is known) up to `before` (a live
   * frame's open time) or else the exchange's present; none when nothing is missing.
   */
  missed(lastMinute: () => number, before?: number): Promise<Candle[]> {
    return this.noting(async ({ rest, symbol }) => {
      let until = before;
      if (until === undefined) {
        until = await rest.serverTime();
        this.clock.observe(until);
      }
      const range = missedMinutes(lastMinute(), until);
      return range ? rest.closedMinutes(symbol, range.from, range.until) : [];
    });
  }

  /** Runs `read` with a client of the current setup (and its symbol as the exchange spells it), noting a failure. */
  private async noting<T>(read: (market: { rest: BinanceRest; symbol: string }) => Promise<T>): Promise<T> {
    const setup = this.setup();
    if (!setup) throw new Error("the feed is stopped");
    try {
      return await read({ rest: BinanceRest.at(setup.restUrl, this.timeoutMs), symbol: exchangeSymbol(setup.symbol) });
    } catch (err) {
      this.failures.note(err);
      throw err;
    }
  }
}
