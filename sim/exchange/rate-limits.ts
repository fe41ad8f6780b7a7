import { MINUTE } from "./intervals";

/** Request weight Binance charges per endpoint (reported in x-mbx-used-weight-1m). */
export function weightOf(method: string, path: string, params: Record<string, string>): number {
  const all = params["symbol"] === undefined;
  switch (path) {
    case "exchangeInfo":
    case "account":
    case "allOrders":
    case "myTrades":
      return 20;
    case "klines":
    case "uiKlines":
      return 2;
    case "ticker/24hr":
      return all ? 80 : 2;
    case "ticker/price":
    case "ticker/bookTicker":
      return all ? 4 : 2;
    case "openOrders":
      return method === "GET" ? (all ? 80 : 6) : 1;
    case "order":
      return method === "GET" ? 4 : 1;
    case "userDataStream":
      return 2;
    default:
      return 1;
  }
}

const TEN_SECONDS = 10_000;
const DAY = 86_400_000;

/** A count over fixed wall-clock windows of `ms` (Binance's rate-limit intervals are UTC-aligned). */
class WindowCount {
  private window = -1;
  private n = 0;
  constructor(private readonly ms: number) {}
  add(now: number, k: number): number {
    const w = Math.floor(now / this.ms);
    if (w !== this.window) [this.window, this.n] = [w, 0];
    return (this.n += k);
  }
}

/**
 * Used request weight per minute and placed orders per 10 s and per day, on the wall clock (clients pace
 * themselves in wall time whatever the replay speed). Every REST call adds its weight; every accepted order
 * adds to the order counts, which successful order responses carry as x-mbx-order-count-10s / -1d.
 */
export class RateCounters {
  private readonly weight = new WindowCount(MINUTE);
  private readonly orders10s = new WindowCount(TEN_SECONDS);
  private readonly orders1d = new WindowCount(DAY);

  constructor(private readonly wallNow: () => number = Date.now) {}

  /** Adds a call's weight; returns the used-weight headers. */
  request(weight: number): Record<string, string> {
    const used = String(this.weight.add(this.wallNow(), weight));
    return { "x-mbx-used-weight-1m": used, "x-mbx-used-weight": used };
  }

  /** Counts an accepted order (`n` = 0 only reads); returns the order-count headers. */
  orders(n: number): Record<string, string> {
    const now = this.wallNow();
    return { "x-mbx-order-count-10s": String(this.orders10s.add(now, n)), "x-mbx-order-count-1d": String(this.orders1d.add(now, n)) };
  }

  state(): { usedWeight1m: number; orderCount10s: number; orderCount1d: number } {
    const now = this.wallNow();
    return { usedWeight1m: this.weight.add(now, 0), orderCount10s: this.orders10s.add(now, 0), orderCount1d: this.orders1d.add(now, 0) };
  }
}
