import { describe, expect, it } from "vitest";
import { LlmGovernor, type GovernorStorage } from "../../../src/lib/decide/llm-governor";
import { llmFigures } from "../../../src/lib/decide/llm-figures";
import { DEFAULT_CONFIG, EngineConfigSchema, type LlmConfig } from "../../../src/lib/config";
import { DeciderSettingsSchema, promptVersionProblem, withDeciderSettings } from "../../../src/lib/decide/decider-settings";
import {
  CHALLENGER_PROMPT_VERSION,
  isPromptVersion,
  PROMPT_VERSION,
  PROMPT_VERSIONS,
  PROMPTS,
  promptVersionOf,
  renderDecisionRequest,
  SYSTEM_PROMPT,
  systemPromptOf,
} from "../../../src/lib/decide/prompt";
import { buildSnapshot } from "../../../src/lib/decide/snapshot";
import { loadCandles } from "../../../sim/data/candles";
import { snapshotInput } from "../decide/fixtures";

const T = Date.UTC(2026, 2, 14);
const snapshot = () =>
  buildSnapshot(
    snapshotInput([
      {
        symbol: "BTC/USDT",
        candles: {
          "4h": loadCandles("BTCUSDT", "4h")
            .filter((c) => c.t < T)
            .slice(-120),
        },
        price: null,
        features: null,
        funding: [],
      },
    ]),
    T,
  );

describe("the prompt registry", () => {
  it("holds the current version and a challenger, selected by name", () => {
    expect(PROMPT_VERSIONS[0]).toBe(PROMPT_VERSION);
    expect(PROMPT_VERSIONS).toContain(CHALLENGER_PROMPT_VERSION);
    expect(CHALLENGER_PROMPT_VERSION).toBe(`${PROMPT_VERSION}-cautious`);
    expect(systemPromptOf()).toBe(SYSTEM_PROMPT);
    expect(systemPromptOf(PROMPT_VERSION)).toBe(SYSTEM_PROMPT);
    for (const p of Object.values(PROMPTS)) expect(p.description.length).toBeGreaterThan(10);
  });

  it("the challenger is a real alternative: the same instructions and tools, a cautious sizing posture added", () => {
    const challenger = systemPromptOf(CHALLENGER_PROMPT_VERSION);
    expect(challenger).not.toBe(SYSTEM_PROMPT);
    expect(challenger.startsWith(SYSTEM_PROMPT)).toBe(true);
    expect(challenger).toMatch(/half of limits\.maxPositionPct/);
    expect(challenger).toMatch(/confidence of at least 0\.7/);
  });

  it("refuses an unknown version: by name, in the config, at rendering", () => {
    for (const bad of ["decide-v0", "", "DECIDE-V3", "constructor", "__proto__", 3, null, undefined]) expect(isPromptVersion(bad), String(bad)).toBe(false);
    expect(() => systemPromptOf("decide-v0")).toThrow(/unknown prompt version "decide-v0"; known: decide-v5/);
    // The config's own (ENGINE_CONFIG llm.promptVersion): checked when it loads.
    expect(promptVersionProblem({ promptVersion: "decide-v0" })).toBe(`unknown prompt version "decide-v0"; known: ${PROMPT_VERSIONS.join(", ")}`);
    expect(promptVersionProblem({ promptVersion: CHALLENGER_PROMPT_VERSION })).toBeNull();
    expect(promptVersionProblem(EngineConfigSchema.parse({ llm: { promptVersion: CHALLENGER_PROMPT_VERSION } }).llm)).toBeNull();
    expect(promptVersionProblem(DEFAULT_CONFIG.llm)).toBeNull();
  });

  it("renders each version's system prompt as the cached prefix; the snapshot message is the same", () => {
    const s = snapshot();
    const current = renderDecisionRequest(s, "m", 1000);
    const challenger = renderDecisionRequest(s, "m", 1000, CHALLENGER_PROMPT_VERSION);
    expect(current.system).toEqual([{ type: "text", text: SYSTEM_PROMPT, cache_control: { type: "ephemeral" } }]);
    expect(challenger.system).toEqual([{ type: "text", text: PROMPTS[CHALLENGER_PROMPT_VERSION]!.system, cache_control: { type: "ephemeral" } }]);
    expect(challenger.messages).toEqual(current.messages);
    expect(challenger.tools).toEqual(current.tools);
    expect(promptVersionOf({})).toBe(PROMPT_VERSION);
    expect(promptVersionOf({ promptVersion: CHALLENGER_PROMPT_VERSION })).toBe(CHALLENGER_PROMPT_VERSION);
  });
});

describe("a portfolio's decider settings", () => {
  const llm = DEFAULT_CONFIG.llm;

  it("are checked at the API: known prompt versions, model ids, a budget from 0", () => {
    expect(DeciderSettingsSchema.safeParse({ promptVersion: CHALLENGER_PROMPT_VERSION, model: "claude-haiku-4-5", dailyBudgetUsd: 0, decider: "claude" }).success).toBe(true);
    const bad = DeciderSettingsSchema.safeParse({ promptVersion: "decide-v9" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toBe(`unknown prompt version "decide-v9"; known: ${PROMPT_VERSIONS.join(", ")}`);
    for (const s of [{ model: "" }, { model: "a b" }, { dailyBudgetUsd: -1 }, { decider: "gpt" }]) expect(DeciderSettingsSchema.safeParse(s).success, JSON.stringify(s)).toBe(false);
  });

  it("override the config's llm for that portfolio alone; none keeps the config as it is", () => {
    expect(withDeciderSettings(llm, null)).toBe(llm);
    expect(withDeciderSettings(llm, { portfolio: "x" } as never)).toBe(llm);
    const own = withDeciderSettings(llm, { decider: "claude", promptVersion: CHALLENGER_PROMPT_VERSION, model: "claude-haiku-4-5", dailyBudgetUsd: 1.5 });
    expect(own).toMatchObject({ decider: "claude", promptVersion: CHALLENGER_PROMPT_VERSION, model: "claude-haiku-4-5", dailyBudgetUsd: 1.5, maxTokens: llm.maxTokens });
    expect(llm.promptVersion).toBeUndefined();
  });

  it("read back from storage, ignore what is not valid instead of throwing", () => {
    const own = withDeciderSettings(llm, { decider: "nope", promptVersion: "decide-v0", model: 42, dailyBudgetUsd: Number.NaN });
    expect(own).toBe(llm);
    expect(withDeciderSettings(llm, { dailyBudgetUsd: -3, promptVersion: PROMPT_VERSION })).toEqual({ ...llm, promptVersion: PROMPT_VERSION });
  });

  it("the governor reads the portfolio's model and budget at each admission", () => {
    const m = new Map<string, unknown>();
    const kv: GovernorStorage = { get: <T>(k: string) => m.get(k) as T | undefined, put: (k, v) => void m.set(k, structuredClone(v)) };
    let current: LlmConfig = { ...llm, dailyBudgetUsd: 0 };
    const g = new LlmGovernor(kv, () => current, true);
    expect(g.admit(T, 1000)).toMatchObject({ allowed: false, budget: true });
    current = { ...llm, dailyBudgetUsd: 5, model: "unpriced-model" };
    expect(g.admit(T, 1000)).toMatchObject({ allowed: false, reason: expect.stringMatching(/no price configured for model unpriced-model/) });
    current = { ...llm, dailyBudgetUsd: 5 };
    expect(g.admit(T, 1000).allowed).toBe(true);
  });
});

describe("Claude's figures compared across portfolios", () => {
  const DAY = 86_400_000;
  it("sums calls and cost over the kept days and spreads the cost over the days since the first", () => {
    const today = { day: 10 * DAY };
    expect(llmFigures([], today)).toEqual({ calls: 0, costUsd: 0, days: 1, costUsdPerDay: 0 });
    const f = llmFigures(
      [
        { day: 10 * DAY, calls: 3, costUsd: 0.3 },
        { day: 7 * DAY, calls: 5, costUsd: 0.5 },
      ],
      today,
    );
    expect(f).toMatchObject({ calls: 8, days: 4 });
    expect(f.costUsd).toBeCloseTo(0.8, 12);
    expect(f.costUsdPerDay).toBeCloseTo(0.2, 12);
  });
});
