import { describe, expect, it } from "vitest";
import { LlmGovernor, type GovernorStorage } from "../../../src/lib/decide/llm-governor";
import { DEFAULT_CONFIG } from "../../../src/lib/config";
import { bookedUsage, estimateInputTokens, worstCaseUsd } from "../../../src/lib/decide/cost";

/** The actor's synchronous KV, in memory. */
function memoryKv(): GovernorStorage {
  const m = new Map<string, unknown>();
  return {
    get: <T>(k: string) => m.get(k) as T | undefined,
    put: <T>(k: string, v: T) => void m.set(k, structuredClone(v)),
  };
}

const T0 = Date.UTC(2026, 11, 5, 12);
const CHARS = 30_000; // 10,000 input tokens estimated
const price = DEFAULT_CONFIG.llm.prices["claude-sonnet-4-6"]!;
const worst = worstCaseUsd(10_000, DEFAULT_CONFIG.llm.maxTokens, price);

describe("the LLM governor's budget", () => {
  it("estimates a request's input on the high side and books an unanswered call at it", () => {
    expect(estimateInputTokens(CHARS)).toBe(10_000);
    expect(bookedUsage(null, 10_000)).toEqual({ input_tokens: 10_000, output_tokens: 0 });
    expect(bookedUsage({ input_tokens: 5, output_tokens: 7 }, 10_000)).toEqual({ input_tokens: 5, output_tokens: 7 });
    expect(worst).toBeCloseTo((10_000 * 3 + 2048 * 15) / 1e6, 12);
  });

  it("books a timed-out call at the input it was sent, not at 0", () => {
    const g = new LlmGovernor(memoryKv(), DEFAULT_CONFIG.llm, true);
    const a = g.admit(T0, CHARS);
    expect(a.allowed).toBe(true);
    const booked = g.record(T0 + 30_000, null, "timeout after 30000 ms", { reservation: a.allowed ? a.reservation : "", requestChars: CHARS });
    expect(booked.cost).toBeCloseTo(0.03, 12);
    expect(g.today(T0)).toMatchObject({ calls: 1, failures: 1, inputTokens: 10_000, outputTokens: 0 });
    expect(g.today(T0).costUsd).toBeCloseTo(0.03, 12);
  });

  it("counts the calls in flight at their worst case: concurrent admissions cannot overshoot the budget by more than one call", () => {
    const g = new LlmGovernor(memoryKv(), { ...DEFAULT_CONFIG.llm, dailyBudgetUsd: 0.1 }, true);
    const a = g.admit(T0, CHARS);
    const b = g.admit(T0 + 1, CHARS);
    expect([a.allowed, b.allowed]).toEqual([true, true]);
    // Two calls in flight may spend 2 × 0.0607: a third would overshoot by more than one call.
    const c = g.admit(T0 + 2, CHARS);
    expect(c).toMatchObject({ allowed: false, budget: true });
    expect(!c.allowed && c.reason).toMatch(/^daily LLM budget spent: 0\.0000 of 0\.1 USD \(2 calls in flight may spend 0\.12\d+ more\)$/);
    // A booked at what it really cost: its reservation is released and the third fits.
    g.record(T0 + 3, { input_tokens: 9_000, output_tokens: 500 }, null, { reservation: a.allowed ? a.reservation : "", requestChars: CHARS });
    expect(g.admit(T0 + 4, CHARS).allowed).toBe(true);
  });

  it("lets a reservation lost to a crash run out after twice the call timeout", () => {
    const g = new LlmGovernor(memoryKv(), { ...DEFAULT_CONFIG.llm, dailyBudgetUsd: worst * 0.9 }, true);
    expect(g.admit(T0, CHARS).allowed).toBe(true); // never booked: the actor died mid-call
    expect(g.admit(T0 + 1, CHARS).allowed).toBe(false);
    expect(g.admit(T0 + 2 * DEFAULT_CONFIG.llm.timeoutMs + 1, CHARS).allowed).toBe(true);
  });
});

describe("the LLM governor's call cap and the entries' reserve", () => {
  const answered = { input_tokens: 1_000, output_tokens: 200 };
  const call = (g: LlmGovernor, at: number, purpose: "decision" | "review" = "decision") => {
    const a = g.admit(at, 3_000, purpose);
    if (a.allowed) g.record(at + 1_000, answered, null, { reservation: a.reservation, requestChars: 3_000, purpose });
    return a;
  };

  it("refuses the 13th call of a UTC day, in flight ones counted, and admits again the next day", () => {
    const g = new LlmGovernor(memoryKv(), { ...DEFAULT_CONFIG.llm, dailyBudgetUsd: 100 }, true);
    for (let i = 0; i < 11; i++) expect(call(g, T0 + i * 60_000).allowed).toBe(true);
    const inFlight = g.admit(T0 + 20 * 60_000, 3_000);
    expect(inFlight.allowed).toBe(true);
    const refused = g.admit(T0 + 20 * 60_000 + 1_000, 3_000);
    expect(refused).toMatchObject({ allowed: false, budget: true, kind: "calls_capped" });
    expect(refused.allowed ? "" : refused.reason).toBe("daily Claude call cap reached: 12 of 12 calls today");
    expect(g.admit(T0 + 86_400_000, 3_000).allowed).toBe(true);
  });

  it("counts a call when it is admitted: one whose booking a crash lost still counts against the cap", () => {
    const g = new LlmGovernor(memoryKv(), { ...DEFAULT_CONFIG.llm, dailyBudgetUsd: 100, maxCallsPerDay: 2 }, true);
    expect(g.admit(T0, 3_000).allowed).toBe(true);
    // The actor dies while Claude answers: no booking ever comes, the reservation runs out.
    expect(g.today(T0).calls).toBe(1);
    expect(call(g, T0 + 10 * 60_000).allowed).toBe(true);
    expect(g.admit(T0 + 20 * 60_000, 3_000)).toMatchObject({ allowed: false, kind: "calls_capped" });
    expect(g.today(T0)).toMatchObject({ calls: 2, inputTokens: 1_000 });
  });

  it("lets reviews spend only their share: entries keep the rest of the day", () => {
    const g = new LlmGovernor(memoryKv(), { ...DEFAULT_CONFIG.llm, dailyBudgetUsd: 100 }, true);
    for (let i = 0; i < 6; i++) expect(call(g, T0 + i * 60_000, "review").allowed).toBe(true);
    const seventh = g.admit(T0 + 10 * 60_000, 3_000, "review");
    // Not a budget alert: only this review goes to the rules; entries still have their calls.
    expect(seventh).toMatchObject({ allowed: false, budget: false, kind: "review_share" });
    expect(seventh.allowed ? "" : seventh.reason).toMatch(/^reviews spent their share of the day \(6 of 6 calls/);
    for (let i = 0; i < 6; i++) expect(call(g, T0 + (20 + i) * 60_000).allowed).toBe(true);
    expect(g.today(T0)).toMatchObject({ calls: 12, reviewCalls: 6 });
  });

  it("holds reviews to their share of the budget in USD too", () => {
    const g = new LlmGovernor(memoryKv(), { ...DEFAULT_CONFIG.llm, dailyBudgetUsd: 0.01 }, true);
    // One answered review (1,000 input tokens, 200 output) costs 0.006 USD: past half of 0.01.
    expect(call(g, T0, "review").allowed).toBe(true);
    expect(g.admit(T0 + 60_000, 3_000, "review")).toMatchObject({ allowed: false, kind: "review_share" });
    expect(g.admit(T0 + 60_000, 3_000, "decision").allowed).toBe(true);
  });
});
