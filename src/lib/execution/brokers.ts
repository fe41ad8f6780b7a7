import type { ExitConfig, PaperConfig } from "../config";
import { holdAndCancel, needsBroker } from "./exchange-orders";
import type { Fill, OrderRecord } from "./order";
import { paperFill } from "./paper-fill";
import { applyFill, cancelUnfilled, liquidate, markSubmitted, observePrice, orderAwaitingFill, orderAwaitingSubmit, type PositionState } from "./position";
import { planProtection, type ProtectionConfig } from "./protective-stop";

/**
 * What a position's life needs of its broker, as pure steps on its state. The PositionActor and the
 * backtester call the same broker the same way; the exchange broker's I/O (place, query and cancel
 * through ccxt) is the adapter in src/adapters/exchange/broker.ts, worked by the actor's order timer.
 */
export interface PositionBroker {
  readonly kind: "paper" | "exchange";
  /** After every state change: the broker takes what the position wrote as intent (and plans what it keeps on the venue). */
  submit(state: PositionState, now: number): PositionState;
  /** A market price: the broker fills what fills at a price (paper: the working market order). */
  onPrice(state: PositionState, price: number, at: number): { state: PositionState; filled: { order: OrderRecord; fill: Fill } | null };
  /** Whether an order waits for the next market price to fill (the safety alarm then fetches one). */
  awaitsPrice(state: PositionState): boolean;
  /** Whether orders need the exchange's I/O (placement, queries, cancels) before the position can move on. */
  needsIo(state: PositionState): boolean;
  /** An operator's cancel-everything: no working order is left to execute. */
  cancelAll(state: PositionState, reason: string): PositionState;
}

/**
 * One market price for a position, as the PositionActor and the backtester take it: the broker fills what fills at
 * it (the paper broker: the working order), then the safety layer runs (hard, trailing and time stops).
 */
export function pricePosition(broker: PositionBroker, pos: PositionState, price: number, at: number, exits: ExitConfig): ReturnType<PositionBroker["onPrice"]> {
  const r = broker.onPrice(pos, price, at);
  return { state: observePrice(r.state, price, at, exits), filled: r.filled };
}

/**
 * The paper broker: an intent is working at once, and the working market order fills at the next observed
 * price, buys paying the slippage and sells giving it up, with the taker fee on the notional (`paperFill`). A
 * futures position whose liquidation price the price reaches is liquidated (`liquidate`), as the venue would.
 */
export function paperBroker(cfg: PaperConfig): PositionBroker {
  let broker = paperBrokers.get(cfg);
  if (!broker) paperBrokers.set(cfg, (broker = makePaperBroker(cfg)));
  return broker;
}

/** One paper broker per paper config: the backtester asks for it on every price. */
const paperBrokers = new WeakMap<PaperConfig, PositionBroker>();

function makePaperBroker(cfg: PaperConfig): PositionBroker {
  return {
    kind: "paper",
    submit(state, now) {
      const intent = orderAwaitingSubmit(state);
      return intent ? markSubmitted(state, intent.clientOrderId, now) : state;
    },
    onPrice(state, price, at) {
      // A price past a futures position's liquidation price: the venue liquidates first (a working exit sent at an
      // earlier price is cancelled), so a position never loses more than its margin, however far the price jumped.
      const liquidated = liquidate(state, price, at);
      if (liquidated !== state) return { state: liquidated, filled: null };
      const waiting = orderAwaitingFill(state);
      if (!waiting) return { state, filled: null };
      const fill = paperFill(waiting, price, at, cfg);
      return { state: applyFill(state, waiting.clientOrderId, fill), filled: { order: waiting, fill } };
    },
    awaitsPrice: (state) => orderAwaitingFill(state) !== undefined,
    needsIo: () => false,
    cancelAll: (state, reason) => cancelUnfilled(state, reason),
  };
}

/**
 * The exchange broker's pure side: intents wait for the actor to send them; fills come from the exchange's
 * reports (`applyBrokerReport`), never from a price; an open position keeps a protective stop on the venue.
 */
export function exchangeBroker(exits: ExitConfig, protection: ProtectionConfig): PositionBroker {
  return {
    kind: "exchange",
    submit: (state, now) => planProtection(state, now, exits, protection),
    onPrice: (state) => ({ state, filled: null }),
    awaitsPrice: () => false,
    needsIo: needsBroker,
    cancelAll: holdAndCancel,
  };
}
