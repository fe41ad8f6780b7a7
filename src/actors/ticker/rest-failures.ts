import { ExchangeRestError } from "../../adapters/exchange/binance-rest";
import { governorFor, venueOfRestUrl } from "../../adapters/exchange/rate-governor";
import type { TickerSetup } from "../messages";
import type { HealthRecord } from "./feed-health";

/**
 * The REST answers a ticker could not use: each counted by its reason in the feed health. A ban (418) or a legal stop
 * (451) raises an alert, once per episode for the venue (the first caller to see it claims it): an operator must act.
 */
export class RestFailures {
  constructor(
    private readonly health: HealthRecord,
    private readonly setup: () => TickerSetup | null,
    /** Raises an alert (inside the caller's step) and publishes it soon. */
    private readonly raise: (reason: string, detail: unknown) => void,
  ) {}

  /** Notes `err` when it is a REST failure; anything else is left to the caller. */
  note(err: unknown): void {
    if (!(err instanceof ExchangeRestError)) return;
    this.health.rejected(err.reason);
    const setup = this.setup();
    const claimed = err.alert && setup ? governorFor(venueOfRestUrl(setup.restUrl)).claimAlert(Date.now()) : null;
    if (claimed) this.raise(`exchange_${claimed.reason}`, { symbol: setup?.symbol ?? null, detail: claimed.detail, error: err.message });
  }
}
