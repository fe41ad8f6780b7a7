import type { Candle } from "../../lib/market/candle";
import { TIMEFRAMES, type Timeframe } from "../../lib/market/timeframe";
import type { Migration } from "../kernel/sqlite-schema";

/** 1m candles kept for the trailing windows (features, materiality, reviews); higher timeframes keep their history limit. */
const ONE_MINUTE_KEEP = 2_000;
/** Minutes between two trims of old candles. */
const TRIM_EVERY = 100;

/** A market's closed candles of every timeframe, in the ticker's SQLite. */
export class CandleStore {
  static readonly migration: Migration = {
    name: "ticker-0001",
    statements: ["CREATE TABLE candles (tf TEXT NOT NULL, t INTEGER NOT NULL, o REAL NOT NULL, h REAL NOT NULL, l REAL NOT NULL, c REAL NOT NULL, v REAL NOT NULL, PRIMARY KEY (tf, t))"],
  };
  private minutesSinceTrim = 0;

  constructor(
    private readonly sql: SqlStorage,
    private readonly historyLimit: number,
  ) {}

  put(tf: Timeframe, c: Candle): void {
    this.sql.exec("INSERT OR REPLACE INTO candles (tf, t, o, h, l, c, v) VALUES (?, ?, ?, ?, ?, ?, ?)", tf, c.t, c.o, c.h, c.l, c.c, c.v);
  }

  /** Closed candles of `tf`, oldest first, at most `limit` (1..5000). */
  last(tf: Timeframe, limit: number): Candle[] {
    if (!TIMEFRAMES.includes(tf)) throw new Error(`unknown timeframe ${tf}`);
    return this.sql
      .exec<{ t: number; o: number; h: number; l: number; c: number; v: number }>("SELECT t, o, h, l, c, v FROM candles WHERE tf = ? ORDER BY t DESC LIMIT ?", tf, Math.max(1, Math.min(limit, 5000)))
      .toArray()
      .reverse()
      .map((r) => ({ t: r.t, o: r.o, h: r.h, l: r.l, c: r.c, v: r.v }));
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
