import { z } from "zod";
import type { LlmConfig } from "../config";
import { isPromptVersion, PROMPT_VERSIONS } from "./prompt";

/**
 * A portfolio's own decider settings (champion/challenger portfolios on one feed): each overrides the engine
 * config's `llm` for that portfolio alone. Given at `POST /api/engine/start`, kept in the GateActor's setup.
 */
export const DeciderSettingsSchema = z.object({
  decider: z.enum(["auto", "claude", "rule", "replay"]).optional(),
  promptVersion: z
    .string()
    .refine(isPromptVersion, { error: (issue) => `unknown prompt version ${JSON.stringify(issue.input)}; known: ${PROMPT_VERSIONS.join(", ")}` })
    .optional(),
  model: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/, "model ids look like claude-sonnet-4-6")
    .optional(),
  dailyBudgetUsd: z.number().min(0).max(100_000).optional(),
  maxCallsPerDay: z.number().int().min(0).max(10_000).optional(),
});
export type DeciderSettings = z.infer<typeof DeciderSettingsSchema>;

/**
 * `llm` with a portfolio's settings applied. Settings read back from storage are trusted only as far as they are
 * valid: an unknown prompt version, an empty model or a budget that is not a non-negative number is ignored (the
 * config's value stands), never thrown.
 */
export function withDeciderSettings(llm: LlmConfig, s: Partial<Record<keyof DeciderSettings, unknown>> | null | undefined): LlmConfig {
  if (!s) return llm;
  const decider = DeciderSettingsSchema.shape.decider.safeParse(s.decider);
  const model = typeof s.model === "string" && s.model.length > 0 ? s.model : undefined;
  const budget = typeof s.dailyBudgetUsd === "number" && Number.isFinite(s.dailyBudgetUsd) && s.dailyBudgetUsd >= 0 ? s.dailyBudgetUsd : undefined;
  const version = isPromptVersion(s.promptVersion) ? s.promptVersion : undefined;
  const calls = typeof s.maxCallsPerDay === "number" && Number.isInteger(s.maxCallsPerDay) && s.maxCallsPerDay >= 0 ? s.maxCallsPerDay : undefined;
  if (!decider.data && model === undefined && budget === undefined && version === undefined && calls === undefined) return llm;
  return {
    ...llm,
    ...(decider.data ? { decider: decider.data } : {}),
    ...(model !== undefined ? { model } : {}),
    ...(budget !== undefined ? { dailyBudgetUsd: budget } : {}),
    ...(version !== undefined ? { promptVersion: version } : {}),
    ...(calls !== undefined ? { maxCallsPerDay: calls } : {}),
  };
}

/** Why an engine config's `llm.promptVersion` cannot run (not in the prompt registry), or null. */
export function promptVersionProblem(llm: { promptVersion?: string | undefined }): string | null {
  const v = llm.promptVersion;
  return v === undefined || isPromptVersion(v) ? null : `unknown prompt version "${v}"; known: ${PROMPT_VERSIONS.join(", ")}`;
}
