import { EngineConfigSchema, type EngineConfig } from "../lib/config";
import type { Env } from "../env";
import { promptVersionProblem } from "../lib/decide/decider-settings";

let cached: { raw: string | undefined; config: EngineConfig } | null = null;

/** The engine config: defaults, overridden by the ENGINE_CONFIG var (JSON). Invalid config fails loudly. */
export function loadEngineConfig(env: Pick<Env, "ENGINE_CONFIG">): EngineConfig {
  if (cached && cached.raw === env.ENGINE_CONFIG) return cached.config;
  let raw: unknown = {};
  if (env.ENGINE_CONFIG) {
    try {
      raw = JSON.parse(env.ENGINE_CONFIG);
    } catch (err) {
      throw new Error(`ENGINE_CONFIG is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const parsed = EngineConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`ENGINE_CONFIG is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  // Checked here, not in the schema: the prompt registry imports the decision schema, which imports the config.
  const badPrompt = promptVersionProblem(parsed.data.llm);
  if (badPrompt) throw new Error(`ENGINE_CONFIG is invalid: llm.promptVersion: ${badPrompt}`);
  cached = { raw: env.ENGINE_CONFIG, config: parsed.data };
  return parsed.data;
}
