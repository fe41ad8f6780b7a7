import type { Candle } from "../../lib/market/candle";
import { TIMEFRAMES, type Timeframe } from "../../lib/market/timeframe";
import type { Migration } from "../kernel/sqlite-schema";

/** 1m candles kept for the trailing windows (features, materiality, reviews); higher timeframes keep their history limit. */
const ONE_MINUTE_KEEP = 2_000;
/** Minutes between two trims of old candles. */
const TRIM_EVERY = 100;

/** A market's closed candles of every timeframe, in the ticker's SQLite, each also copied to D1 for backtests. */
export class CandleStore {
  static readonly migration: Migration = {
    name: "ticker-0001",
    statements: ["CREATE TABLE candles (tf TEXT NOT NULL, t INTEGER NOT NULL, o REAL NOT NULL, h REAL NOT NULL, l REAL NOT NULL, c REAL NOT NULL, v REAL NOT NULL, PRIMARY KEY (tf, t))"],
  };
  private minutesSinceTrim = 0;

  constructor(
    private readonly sql: SqlStorage,
    private readonly historyLimit: number,
    /** Sends a kept candle, as a row of D1's `candles`, to the outbox (upserted, never lost). */
    private readonly copy: (row: { symbol: string; timeframe: Timeframe; t: number; o: number; h: number; l: number; c: number; v: number }) => void,
  ) {}

  /** Keeps a closed candle of `symbol` (replacing one of the same open time) and copies it to D1. */
  keep(symbol: string, tf: Timeframe, c: Candle): void {
    this.sql.exec("INSERT OR REPLACE INTO candles (tf, t, o, h, l, c, v) VALUES (?, ?, ?, ?, ?, ?, ?)", tf, c.t, c.o, c.h, c.l, c.c, c.v);
    this.copy({ symbol, timeframe: tf, t: c.t, o: c.o, h: c.h, l: c.l, c: c.c, v: c.v });
  }

  /** Closed candles of `tf`, oldest first, at most `limit` (1..5000; 300 when not given). */
  last(tf: Timeframe, limit = 300): Candle[] {
    if (!TIMEFRAMES.includes(tf)) throw new Error(`unknown timeframe ${tf}`);
    return this.sql
      .exec<{ t: number; o: number; h: number; l: number; c: number; v: number }>("SELECT t, o, h, l, c, v FROM candles WHERE tf = ? ORDER BY t DESC LIMIT ?", tf, Math.max(1, Math.min(limit, 5000)))
      .toArray()
      .reverse()
      .map((r) => ({ t: r.t, o: r.o, h: r.h, l: r.l, c: r.c, v: r.v }));
  }

  /** Closed candles of each timeframe asked, at most its limit each. */
  lastOf(limits: Partial<Record<Timeframe, number>>): Partial<Record<Timeframe, Candle[]>> {
    const out: Partial<Record<Timeframe, Candle[]>> = {};
    for (const [tf, limit] of Object.entries(limits) as [Timeframe, number | undefined][]) out[tf] = this.last(tf, limit);
    return out;
  }

  counts(): Record<string, number> {
    return Object.fromEntries(
      this.sql
        .exec<{ tf: string; n: number }>("SELECT tf, COUNT(*) AS n FROM candles GROUP BY tf")
        .toArray()
        .map((r) => [r.tf, r.n]),
    );
  }

  /** Counts a closed minute; every TRIM_EVERY minutes drops the candles past what is kept. */
  minuteClosed(): void {
    if (++this.minutesSinceTrim < TRIM_EVERY) return;
    this.minutesSinceTrim = 0;
    for (const tf of TIMEFRAMES) {
      const keep = tf === "1m" ? ONE_MINUTE_KEEP : this.historyLimit + 100;
      this.sql.exec("DELETE FROM candles WHERE tf = ? AND t < (SELECT t FROM candles WHERE tf = ? ORDER BY t DESC LIMIT 1 OFFSET ?)", tf, tf, keep - 1);
    }
  }
}
