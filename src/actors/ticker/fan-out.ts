import { errorMessage, type Logger } from "../../adapters/log";
import type { FundingPoint } from "./derivatives-poll";
import type { Env } from "../../env";
import type { MaterialMove } from "../../lib/gate/materiality";
import type { Candle } from "../../lib/market/candle";
import type { ClosedBucket } from "../../lib/market/candle-aggregator";
import type { TickFeatures } from "../../lib/market/tick-features";
import { TIMEFRAME_MS } from "../../lib/market/timeframe";
import type { Mailbox, MailPayload } from "../kernel/mailbox";
import type { CandleClosed, MarketTick } from "../messages";
import type { FeedHealth } from "./feed-health";
import type { Subscribers } from "./subscribers";
import type { Watchers } from "./watchers";

const MINUTE = 60_000;

/** What the fan-out needs of its actor: the bindings, the log, the mailbox, and the two ways to publish to a stream. */
export interface FanOutPorts {
  env: Env;
  log: Logger;
  mailbox: Mailbox;
  /** Published, or mailed should the stream not answer. */
  emit(portfolio: string, type: string, data: unknown): Promise<void>;
  /** Live only: not awaited, not retried. */
  emitLive(portfolio: string, type: string, data: unknown, ts: number): void;
}

/**
 * Where a market's news goes: prices to every watching position, then ticks to every subscriber's gate (direct RPC, best
 * effort: the next tick follows), candle closes and material moves to every subscriber's gate by mail (retried until taken; mail
 * to one receiver stays in posting order), feed events and bars to every subscriber's stream.
 */
export class FanOut {
  constructor(
    private readonly ports: FanOutPorts,
    private readonly subscribers: Subscribers,
    private readonly watchers: Watchers,
    /** The market's recent funding settlements: each price carries them, so a futures position settles what is due. */
    private readonly derivatives: { readonly funding: readonly FundingPoint[] },
  ) {}

  /** A scored price to every watching position, then to every subscriber's gate (`prices`, then `ticks`). */
  async tick(symbol: string, f: TickFeatures): Promise<void> {
    await this.prices(f);
    await this.ticks(symbol, f);
  }

  /**
   * The price to every watching position (a position that no longer watches is let go). Positions take a price before
   * the gates hear of it, so a decision the price opens never reaches a position before that price did.
   */
  async prices(f: TickFeatures): Promise<void> {
    const { env, log } = this.ports;
    const work: Promise<unknown>[] = [];
    // Usually every known settlement is at or before the price: the list itself, no copy on the per-price path.
    const known = this.derivatives.funding;
    const funding = known.length === 0 || known[known.length - 1]!.at <= f.at ? known : known.filter((p) => p.at <= f.at);
    for (const name of this.watchers.names) {
      work.push(
        env.POSITION.getByName(name)
          .onPrice({ price: f.price, at: f.at, funding })
          .then((r) => {
            if (!r.watching) this.watchers.remove(name);
          })
          .catch((err: unknown) => log.warn("position.push_failed", { position: name, error: errorMessage(err) })),
      );
    }
    await Promise.all(work);
  }

  /** The scored tick to every subscriber's gate. */
  async ticks(symbol: string, f: TickFeatures): Promise<void> {
    const { env, log } = this.ports;
    const tick: MarketTick = { symbol, price: f.price, at: f.at, zRet: f.zRet, zVol: f.zVol };
    await Promise.all(
      this.subscribers.gateNames.map((gate) =>
        env.GATE.getByName(gate)
          .onTick(tick)
          .catch((err: unknown) => log.warn("gate.push_failed", { gate, error: errorMessage(err) })),
      ),
    );
  }

  /** Posts a closed minute's higher-timeframe closes, then its material moves, to every gate: part of the caller's synchronous step. */
  mail(symbol: string, closed: readonly ClosedBucket[], moves: readonly MaterialMove[], wall: number): void {
    for (const b of closed) {
      const c: CandleClosed = { symbol, tf: b.tf, candle: b.candle, at: b.candle.t + TIMEFRAME_MS[b.tf] };
      this.mailGates(`close:${c.symbol}:${c.tf}:${c.candle.t}`, "onCandleClose", c, wall);
    }
    for (const move of moves) this.mailGates(`material:${symbol}:${move.kind}:${move.at}`, "onMaterialMove", move, wall);
  }

  /** A feed event (connected, disconnected, backfilled …) with the feed's state, to every stream. */
  async feedStatus(symbol: string, event: string, health: Pick<FeedHealth, "status" | "disconnects" | "lastError">): Promise<void> {
    const data = { symbol, event, status: health.status, disconnects: health.disconnects, lastError: health.lastError };
    for (const portfolio of this.subscribers.portfolios) await this.ports.emit(portfolio, "feed.status", data);
  }

  /** A closed minute, with the higher-timeframe candles it closed, to every stream (live only). */
  bar(symbol: string, minute: Candle, closed: readonly ClosedBucket[]): void {
    const bar = { symbol, tf: "1m", candle: minute, closed: closed.map((b) => ({ tf: b.tf, candle: b.candle })) };
    for (const portfolio of this.subscribers.portfolios) this.ports.emitLive(portfolio, "bar", bar, minute.t + MINUTE);
  }

  /** Mail to every subscriber's gate, one message each, keyed by `key` and the portfolio. */
  private mailGates<M extends "onCandleClose" | "onMaterialMove">(key: string, method: M, payload: MailPayload<"GATE", M>, wall: number): void {
    const portfolios = this.subscribers.portfolios;
    const gates = this.subscribers.gateNames;
    for (let i = 0; i < gates.length; i++) this.ports.mailbox.post(`${key}:${portfolios[i]}`, "GATE", gates[i]!, method, payload, wall);
  }
}
