import { errorMessage } from "../adapters/log";
import { equity, exposure, availableCash, newAccountBook, type AccountBook } from "../lib/account/ledger";
import { applyClose, applyEntryFill, markPrice, releaseEntry } from "../lib/account/transitions";
import { acceptEntry } from "../lib/account/accept-entry";
import { resumeTrading, updateTradingState } from "../lib/risk/trading-state";
import { Actor } from "./kernel/actor";
import type { EntryFilledMessage, EntryRequestMessage, ExitRequestMessage, PositionClosedMessage } from "./messages";
import { actorName } from "./names";

export interface AccountSetup {
  portfolio: string;
  venue: string;
  /** Exchange REST base, handed to positions for prices when the feed is silent. */
  restUrl: string;
  symbols: string[];
  initialCash: number;
}

export interface RequestResult {
  accepted: boolean;
  detail: string;
  positionId?: string;
}

/**
 * The account of one portfolio: cash, equity, exposure, trading state and the list of positions.
 * It sizes and risk-checks every entry, creates the PositionActor, and books fills and closes.
 * Every handler is idempotent: entries are keyed by decision and symbol, fills and closes by position.
 */
export class AccountActor extends Actor {
  private setup: AccountSetup | null = this.kv.get<AccountSetup>("setup") ?? null;
  private book: AccountBook | null = this.kv.get<AccountBook>("book") ?? null;

  protected override alertPortfolio(): string | null {
    return this.setup?.portfolio ?? null;
  }

  // ---- RPC ----------------------------------------------------------------------------------

  /** Creates the portfolio with its initial cash; a second call keeps the existing book. */
  async init(setup: AccountSetup) {
    if (!this.book) {
      this.book = newAccountBook(setup.initialCash, this.clock.now());
      this.kv.put("book", this.book);
      this.log.info("account.created", { portfolio: setup.portfolio, cash: setup.initialCash });
    }
    this.setup = setup;
    this.kv.put("setup", setup);
    this.timers.scheduleBy("snapshot", this.clock.wall() + 1_000);
    await this.arm();
    return this.summary();
  }

  summary() {
    const book = this.requireBook();
    return {
      portfolio: this.setup?.portfolio ?? null,
      cash: book.cash,
      available: availableCash(book),
      equity: equity(book),
      exposure: exposure(book),
      realizedPnl: book.realizedPnl,
      feesPaid: book.feesPaid,
      peakEquity: book.peakEquity,
      dayStartEquity: book.dayStartEquity,
      tradingState: book.tradingState,
      haltReason: book.haltReason,
      closedCount: book.closedCount,
      positions: Object.values(book.positions),
      at: this.clock.now(),
    };
  }

  async requestEntry(req: EntryRequestMessage): Promise<RequestResult> {
    const setup = this.requireSetup();
    const key = `entry:${req.decisionId}:${req.symbol}`;
    const earlier = this.kv.get<RequestResult>(key);
    if (earlier) return earlier;
    this.clock.observe(req.at);
    const now = this.clock.now();
    const a = acceptEntry(this.requireBook(), { decisionId: req.decisionId, symbol: req.symbol, positionPct: req.positionPct }, this.config, now);
    const book = a.book;
    let result: RequestResult;
    if (!a.accepted) {
      result = { accepted: false, detail: a.detail };
      this.log.info("account.entry_denied", { decisionId: req.decisionId, symbol: req.symbol, reason: a.detail });
    } else {
      this.mailbox.post(`open:${a.positionId}`, "POSITION", actorName.position(setup.portfolio, a.positionId), "open", {
        id: a.positionId,
        portfolio: setup.portfolio,
        venue: setup.venue,
        restUrl: setup.restUrl,
        symbol: req.symbol,
        decisionId: req.decisionId,
        agent: req.agent,
        reason: req.reason,
        notional: a.notional,
        entryContext: req.entryContext ?? null,
        at: now,
      }, this.clock.wall());
      result = { accepted: true, positionId: a.positionId, detail: a.detail };
      this.log.info("account.entry_accepted", { decisionId: req.decisionId, positionId: a.positionId, notional: a.notional });
    }
    this.saveBook(book);
    this.kv.put(key, result);
    await this.flush();
    return result;
  }

  async requestExit(req: ExitRequestMessage): Promise<RequestResult> {
    const setup = this.requireSetup();
    const key = `exit:${req.decisionId}:${req.symbol}`;
    const earlier = this.kv.get<RequestResult>(key);
    if (earlier) return earlier;
    this.clock.observe(req.at);
    const pos = Object.values(this.requireBook().positions).find((p) => p.symbol === req.symbol);
    let result: RequestResult;
    if (!pos) result = { accepted: false, detail: `no position in ${req.symbol}` };
    else if (pos.status !== "open") result = { accepted: false, detail: `position ${pos.id} is not open yet (${pos.status})`, positionId: pos.id };
    else {
      this.mailbox.post(`exit:${pos.id}:${req.decisionId}`, "POSITION", actorName.position(setup.portfolio, pos.id), "requestExit", { kind: "decision", reason: req.reason, at: this.clock.now() }, this.clock.wall());
      result = { accepted: true, detail: `exit requested for ${pos.id}`, positionId: pos.id };
    }
    this.kv.put(key, result);
    await this.flush();
    return result;
  }

  async onEntryFilled(msg: EntryFilledMessage): Promise<void> {
    const before = this.requireBook();
    const book = applyEntryFill(before, { positionId: msg.positionId, qty: msg.qty, price: msg.price, fee: msg.fee, at: msg.at });
    if (book === before) return;
    this.clock.observe(msg.at);
    this.saveBook(updateTradingState(book, this.config.risk, this.clock.now()));
    await this.snapshotEquity("entry filled");
  }

  async onEntryFailed(msg: { positionId: string; reason: string }): Promise<void> {
    const before = this.requireBook();
    const book = releaseEntry(before, msg.positionId);
    if (book === before) return;
    this.log.warn("account.entry_failed", msg);
    this.saveBook(book);
    await this.flush();
  }

  async onPositionClosed(msg: PositionClosedMessage): Promise<void> {
    const before = this.requireBook();
    const book = applyClose(before, { positionId: msg.positionId, exitPrice: msg.exitPrice, proceeds: msg.proceeds, exitFee: msg.exitFee, pnl: msg.pnl, at: msg.closedAt });
    if (book === before) return;
    this.clock.observe(msg.closedAt);
    const next = updateTradingState(book, this.config.risk, this.clock.now());
    // Saved before the first await, so nothing delivered meanwhile works on the book without this close.
    this.saveBook(next);
    if (next.tradingState !== book.tradingState) {
      this.log.warn("account.halted", { reason: next.haltReason });
      await this.emit(this.setup!.portfolio, "risk.alert", { tradingState: next.tradingState, reason: next.haltReason });
    }
    await this.snapshotEquity("position closed");
  }

  async resume(): Promise<ReturnType<AccountActor["summary"]>> {
    this.saveBook(resumeTrading(this.requireBook()));
    return this.summary();
  }

  // ---- timers -------------------------------------------------------------------------------

  protected override async onTimer(name: string): Promise<void> {
    if (name !== "snapshot" || !this.setup) return;
    await this.markToMarket();
    await this.snapshotEquity("periodic");
    this.timers.schedule("snapshot", this.clock.wall() + this.config.account.snapshotIntervalMs);
  }

  /**
   * Marks the open positions at their tickers' last prices. The quotes are asked first; the book is read
   * after them and saved before anything else awaits: a fill or close delivered while a quote is on its
   * way lands in between, and a book read before the quotes would overwrite it.
   */
  private async markToMarket(): Promise<void> {
    const setup = this.requireSetup();
    const symbols = [...new Set(Object.values(this.requireBook().positions).filter((p) => p.status === "open").map((p) => p.symbol))];
    const prices: [string, number][] = [];
    for (const symbol of symbols) {
      try {
        const q = await this.env.TICKER.getByName(actorName.ticker(setup.venue, symbol)).quote();
        if (q.price !== null) {
          prices.push([symbol, q.price]);
          if (q.at !== null) this.clock.observe(q.at);
        }
      } catch (err) {
        this.log.warn("account.mark_failed", { symbol, error: errorMessage(err) });
      }
    }
    let book = this.requireBook();
    for (const [symbol, price] of prices) book = markPrice(book, symbol, price);
    const next = updateTradingState(book, this.config.risk, this.clock.now());
    this.saveBook(next);
    if (next.tradingState !== book.tradingState) await this.emit(setup.portfolio, "risk.alert", { tradingState: next.tradingState, reason: next.haltReason });
  }

  private async snapshotEquity(why: string): Promise<void> {
    const setup = this.requireSetup();
    const s = this.summary();
    const at = this.clock.now();
    this.record("equity_snapshots", {
      id: `${setup.portfolio}:${at}`,
      portfolio: setup.portfolio,
      at,
      cash: s.cash,
      equity: s.equity,
      exposure: s.exposure,
      realized_pnl: s.realizedPnl,
      fees_paid: s.feesPaid,
      open_positions: s.positions.length,
      trading_state: s.tradingState,
    });
    await this.emit(setup.portfolio, "portfolio.update", { why, cash: s.cash, equity: s.equity, exposure: s.exposure, realizedPnl: s.realizedPnl, tradingState: s.tradingState, positions: s.positions.length }, at);
    await this.flush();
  }

  private saveBook(book: AccountBook): void {
    this.book = book;
    this.kv.put("book", book);
  }

  private requireBook(): AccountBook {
    if (!this.book) throw new Error("account not initialised: POST /api/engine/start first");
    return this.book;
  }

  private requireSetup(): AccountSetup {
    if (!this.setup) throw new Error("account not initialised: POST /api/engine/start first");
    return this.setup;
  }
}
