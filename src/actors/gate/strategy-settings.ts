import { errorMessage } from "../../adapters/log";
import { resolveStrategies, type StrategyConfigs } from "../../lib/strategy/strategy-configs";
import { STRATEGIES } from "../../lib/strategy/registry";
import type { Timeframe } from "../../lib/market/timeframe";

export interface StrategyView {
  name: string;
  description: string;
  timeframe: Timeframe;
  assets: "all" | readonly string[];
  enabled: boolean;
  params: Record<string, number | string | boolean | null>;
}

/** The rule pipeline's strategies: the configured ones with the overrides set through the API (kv `strategies`). */
export class StrategySettings {
  constructor(
    private readonly kv: SyncKvStorage,
    private readonly configured: StrategyConfigs,
  ) {}

  configs(): StrategyConfigs {
    return { ...this.configured, ...(this.kv.get<StrategyConfigs>("strategies") ?? {}) };
  }

  /** Every registered strategy with its state. */
  list(): StrategyView[] {
    const configs = this.configs();
    const enabled = new Set(resolveStrategies(configs, STRATEGIES).map((r) => r.strategy.name));
    return STRATEGIES.map((s) => ({
      name: s.name,
      description: s.description,
      timeframe: s.timeframe,
      assets: s.assets,
      enabled: enabled.has(s.name),
      params: s.params.parse(configs[s.name]?.params ?? {}) as Record<string, number | string | boolean | null>,
    }));
  }

  /** Enables, disables or re-parameterises a strategy; invalid params are refused with the field named. */
  set(name: string, patch: { enabled?: boolean; params?: Record<string, unknown> }): { strategy: StrategyView | null; error: string | null } {
    const current = this.configs();
    const known = STRATEGIES.find((s) => s.name === name);
    if (!known) return { strategy: null, error: `unknown strategy "${name}"; known: ${STRATEGIES.map((s) => s.name).join(", ")}` };
    const before = current[name] ?? { enabled: known.enabledByDefault !== false, params: known.params.parse({}) };
    const next = { enabled: patch.enabled ?? before.enabled, params: { ...((before.params as Record<string, unknown>) ?? {}), ...(patch.params ?? {}) } };
    try {
      resolveStrategies({ ...current, [name]: next }, STRATEGIES);
    } catch (err) {
      return { strategy: null, error: errorMessage(err) };
    }
    this.kv.put("strategies", { ...(this.kv.get<StrategyConfigs>("strategies") ?? {}), [name]: next });
    return { strategy: this.list().find((s) => s.name === name) ?? null, error: null };
  }
}
