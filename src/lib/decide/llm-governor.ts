import type { Usage } from "./answer";
import { breakerAllows, breakerFailure, breakerSuccess, closedBreaker, type BreakerState } from "./breaker";
import { addUsage, bookedUsage, budgetRefusal, capRefusal, costUsd, countCall, emptyDay, estimateInputTokens, worstCaseUsd, type CallPurpose, type DayUsage } from "./cost";
import type { LlmConfig } from "../config";
import type { KeyValue } from "../util/key-value";

const DAY = 86_400_000;
const KEEP_DAYS = 31;

/** The governor's storage: the GateActor's, or a backtest's in memory. */
export type GovernorStorage = KeyValue;

/**
 * `budget`: refused for lack of budget or calls (the day's budget spent, the call cap reached), which the operator
 * is alerted to (`kind`); a spent review share only hands that review to the rules.
 */
export type Admission = { allowed: true; trial: boolean; reservation: string } | { allowed: false; reason: string; budget: boolean; kind?: "budget_spent" | "calls_capped" | "review_share" };

/** A call in flight: the most it can cost, held against the day's budget until it is booked (or `until`, if its booking was lost to a crash). */
interface Reservation {
  id: string;
  usd: number;
  until: number;
  /** Absent in reservations made before purposes were told apart: a decision. */
  purpose?: CallPurpose;
}

/**
 * The GateActor's guard around Claude: an API key, a model with a known price, the circuit breaker
 * and the daily budget must all allow a call. Its state (breaker, spend per day) lives in the actor's
 * storage. Times here are wall-clock: outages and spend are about real time, not market time.
 */
export class LlmGovernor {
  private readonly llm: () => LlmConfig;

  /** `cfg`: the LLM config, or how to read it now (a portfolio's model and budget can change with its next start). */
  constructor(
    private readonly kv: GovernorStorage,
    cfg: LlmConfig | (() => LlmConfig),
    private readonly hasKey: boolean,
  ) {
    this.llm = typeof cfg === "function" ? cfg : () => cfg;
  }

  private get cfg(): LlmConfig {
    return this.llm();
  }

  breaker(): BreakerState {
    return this.kv.get<BreakerState>("llm:breaker") ?? closedBreaker();
  }

  days(): DayUsage[] {
    return this.kv.get<DayUsage[]>("llm:days") ?? [];
  }

  today(wallNow: number): DayUsage {
    const day = wallNow - (wallNow % DAY);
    return this.days().find((d) => d.day === day) ?? emptyDay(day);
  }

  private putDay(day: DayUsage): void {
    this.kv.put("llm:days", [day, ...this.days().filter((d) => d.day !== day.day)].sort((a, b) => b.day - a.day).slice(0, KEEP_DAYS));
  }

  /** Calls admitted and not yet booked, whose reservation has not run out. */
  private reserved(wallNow: number): Reservation[] {
    return (this.kv.get<Reservation[]>("llm:reserved") ?? []).filter((r) => r.until > wallNow);
  }

  /**
   * Whether a call of `requestChars` characters may go now. The day's spend counts the worst case of the calls in
   * flight: admissions are decided one at a time by the actor, so two calls admitted together cannot both spend the
   * last of the budget, and the budget is overshot by one call at most (the one admitted while it was not spent).
   * An admitted call holds a reservation until `record` books it.
   */
  admit(wallNow: number, requestChars = 0, purpose: CallPurpose = "decision"): Admission {
    if (!this.hasKey) return { allowed: false, reason: "no ANTHROPIC_API_KEY configured", budget: false };
    const price = this.cfg.prices[this.cfg.model];
    if (!price) return { allowed: false, reason: `no price configured for model ${this.cfg.model}: its cost could not be governed`, budget: false };
    const spent = this.today(wallNow).costUsd;
    const reserved = this.reserved(wallNow);
    const inFlight = reserved.reduce((a, r) => a + r.usd, 0);
    const spentReason = budgetRefusal(spent, { calls: reserved.length, usd: inFlight }, this.cfg.dailyBudgetUsd);
    if (spentReason) return { allowed: false, reason: spentReason, budget: true, kind: "budget_spent" };
    const today = this.today(wallNow);
    const reviewUsdInFlight = reserved.filter((r) => r.purpose === "review").reduce((a, r) => a + r.usd, 0);
    const cap = capRefusal(today, this.cfg, purpose, reviewUsdInFlight);
    if (cap) return { allowed: false, reason: cap.reason, budget: cap.kind === "calls_capped", kind: cap.kind };
    const b = breakerAllows(this.breaker(), { failureThreshold: this.cfg.breakerFailures, cooldownMs: this.cfg.breakerCooldownMs }, wallNow);
    if (!b.allowed) return { allowed: false, reason: b.reason, budget: false };
    if (b.state !== this.breaker()) this.kv.put("llm:breaker", b.state);
    const seq = (this.kv.get<number>("llm:reservationSeq") ?? 0) + 1;
    const reservation: Reservation = { id: `r${seq}`, usd: worstCaseUsd(estimateInputTokens(requestChars), this.cfg.maxTokens, price), until: wallNow + 2 * this.cfg.timeoutMs, purpose };
    this.kv.put("llm:reservationSeq", seq);
    this.kv.put("llm:reserved", [...reserved, reservation]);
    // Counted now, not when booked: a call whose booking a crash loses still counts against the day's cap.
    this.putDay(countCall(today, purpose));
    return { allowed: true, trial: b.state.state === "half_open", reservation: reservation.id };
  }

  /**
   * Books a call's tokens and cost, releases its reservation and moves the breaker; returns the cost and the breaker
   * after. A call the API answered without usage (a timeout, a dropped connection) is booked at the input it was
   * sent (`requestChars`, estimated), not at 0.
   */
  record(wallNow: number, usage: Usage | null, failure: string | null, sent: { reservation?: string; requestChars?: number; purpose?: CallPurpose } = {}): { cost: number; breaker: BreakerState } {
    const price = this.cfg.prices[this.cfg.model];
    const booked = bookedUsage(usage, sent.requestChars ? estimateInputTokens(sent.requestChars) : null);
    const cost = booked && price ? costUsd(booked, price) : 0;
    if (sent.reservation)
      this.kv.put(
        "llm:reserved",
        this.reserved(wallNow).filter((r) => r.id !== sent.reservation),
      );
    // A call admitted through `admit` (it holds a reservation) was counted then.
    this.putDay(addUsage(this.today(wallNow), booked, cost, failure !== null, sent.purpose, sent.reservation !== undefined));
    const cfg = { failureThreshold: this.cfg.breakerFailures, cooldownMs: this.cfg.breakerCooldownMs };
    const breaker = failure === null ? breakerSuccess(this.breaker()) : breakerFailure(this.breaker(), cfg, failure, wallNow);
    this.kv.put("llm:breaker", breaker);
    return { cost, breaker };
  }
}
