import type { Logger } from "../../adapters/log";
import type { TickerSetup } from "../messages";
import type { HealthRecord } from "./feed-health";
import type { MarketState } from "./market-state";
import type { RestHistory } from "./rest-history";

const MINUTE = 60_000;

/** What the backfill needs of its ticker. */
export interface BackfillPorts {
  /** The feed's setup, read when needed; null once it stopped. */
  setup(): TickerSetup | null;
  /** A feed event to the subscribers' streams. */
  publish(event: string): Promise<void>;
  /** Delivers the mail posted so far (the closes) and arms the alarm. */
  deliverMail(): Promise<void>;
  /** The latest price to the gates and the watching positions. */
  pushLatest(): Promise<void>;
}

/**
 * Catches a ticker up by REST, so no candle close is lost: every closed minute after the last one held, up to a live
 * frame's open time (a gap) or the exchange's present (a reconnect), is fetched and applied as if it came live.
 */
export class Backfill {
  constructor(
    private readonly market: MarketState,
    private readonly rest: RestHistory,
    private readonly health: HealthRecord,
    private readonly log: Logger,
    private readonly ports: BackfillPorts,
  ) {}

  async run(reason: "gap" | "reconnect", before?: number): Promise<void> {
    const setup = this.ports.setup();
    if (!setup || this.market.lastMinute === null) return;
    const minutes = await this.rest.missed(() => this.market.lastMinute!, before);
    let closes = 0;
    let applied = 0;
    // Re-read after the fetch: frames applied meanwhile moved lastMinute on, and a stopped feed takes no minute.
    const symbol = this.ports.setup()?.symbol;
    if (symbol === undefined) return;
    for (const m of minutes) {
      const last = this.market.lastMinute;
      if (last !== null && m.t <= last) continue;
      closes += this.market.closeMinute(symbol, m, m.t + MINUTE).length;
      applied++;
    }
    if (minutes.length > 0) {
      this.health.backfilled(minutes.length);
      this.log.info("feed.backfilled", { symbol: setup.symbol, reason, minutes: minutes.length });
      await this.ports.publish(`backfilled ${minutes.length} minutes (${reason})`);
    }
    if (closes > 0) await this.ports.deliverMail();
    // The minutes missed while the socket was down reached no position and not the gate's quotes: the latest
    // backfilled close goes to them now (a pending entry fills, the safety layer sees the time and price), not
    // only with the next live frame. A gap's backfill is followed by its frame's own price.
    if (reason === "reconnect" && applied > 0) await this.ports.pushLatest();
  }
}
