import type { Usage } from "../../lib/decide/answer";
import { breakerAllows, breakerFailure, breakerSuccess, closedBreaker, type BreakerState } from "../../lib/decide/breaker";
import { addUsage, costUsd, emptyDay, type DayUsage } from "../../lib/decide/cost";
import type { LlmConfig } from "../../lib/config";

const DAY = 86_400_000;
const KEEP_DAYS = 31;

export type Admission = { allowed: true; trial: boolean } | { allowed: false; reason: string; budget: boolean };

/**
 * The GateActor's guard around Claude: an API key, a model with a known price, the circuit breaker
 * and the daily budget must all allow a call. Its state (breaker, spend per day) lives in the actor's
 * storage. Times here are wall-clock: outages and spend are about real time, not market time.
 */
export class LlmGovernor {
  constructor(
    private readonly kv: SyncKvStorage,
    private readonly cfg: LlmConfig,
    private readonly hasKey: boolean,
  ) {}

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

  admit(wallNow: number): Admission {
    if (!this.hasKey) return { allowed: false, reason: "no ANTHROPIC_API_KEY configured", budget: false };
    if (!this.cfg.prices[this.cfg.model]) return { allowed: false, reason: `no price configured for model ${this.cfg.model}: its cost could not be governed`, budget: false };
    const spent = this.today(wallNow).costUsd;
    if (spent >= this.cfg.dailyBudgetUsd) {
      return { allowed: false, reason: `daily LLM budget spent: ${spent.toFixed(4)} of ${this.cfg.dailyBudgetUsd} USD`, budget: true };
    }
    const b = breakerAllows(this.breaker(), { failureThreshold: this.cfg.breakerFailures, cooldownMs: this.cfg.breakerCooldownMs }, wallNow);
    if (!b.allowed) return { allowed: false, reason: b.reason, budget: false };
    if (b.state !== this.breaker()) this.kv.put("llm:breaker", b.state);
    return { allowed: true, trial: b.state.state === "half_open" };
  }

  /** Books a call's tokens and cost and moves the breaker; returns the cost and the breaker after. */
  record(wallNow: number, usage: Usage | null, failure: string | null): { cost: number; breaker: BreakerState } {
    const price = this.cfg.prices[this.cfg.model];
    const cost = usage && price ? costUsd(usage, price) : 0;
    const today = addUsage(this.today(wallNow), usage, cost, failure !== null);
    const days = [today, ...this.days().filter((d) => d.day !== today.day)].sort((a, b) => b.day - a.day).slice(0, KEEP_DAYS);
    this.kv.put("llm:days", days);
    const cfg = { failureThreshold: this.cfg.breakerFailures, cooldownMs: this.cfg.breakerCooldownMs };
    const breaker = failure === null ? breakerSuccess(this.breaker()) : breakerFailure(this.breaker(), cfg, failure, wallNow);
    this.kv.put("llm:breaker", breaker);
    return { cost, breaker };
  }
}
