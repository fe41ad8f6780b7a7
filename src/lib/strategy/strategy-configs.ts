import { z } from "zod";
import type { Strategy } from "./strategy";

export const StrategyConfigSchema = z.object({ enabled: z.boolean(), params: z.unknown().optional() });
export type StrategyConfig = z.infer<typeof StrategyConfigSchema>;
/** Per strategy name; a strategy not named runs with its default enablement and default params. */
export type StrategyConfigs = Record<string, StrategyConfig>;

/** A strategy that will run, with its parsed parameters. */
export interface ResolvedStrategy {
  strategy: Strategy;
  params: unknown;
}

interface ConfigProblem {
  path: (string | number)[];
  message: string;
}

function problems(configs: StrategyConfigs, strategies: readonly Strategy[]): ConfigProblem[] {
  const known = new Set(strategies.map((s) => s.name));
  const out: ConfigProblem[] = Object.keys(configs)
    .filter((name) => !known.has(name))
    .map((name) => ({ path: [name], message: `unknown strategy "${name}"; known: ${[...known].join(", ")}` }));
  for (const s of strategies) {
    const parsed = s.params.safeParse(configs[s.name]?.params ?? {});
    if (parsed.success) continue;
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((k): k is string | number => typeof k !== "symbol");
      out.push({ path: [s.name, "params", ...path], message: `strategy "${s.name}": invalid params: ${path.length > 0 ? `${path.join(".")}: ` : ""}${issue.message}` });
    }
  }
  return out;
}

/**
 * The strategies that run under `configs`, in registry order, with parsed params. Throws on an
 * unknown strategy name or invalid params (of a disabled strategy too: config errors surface at start).
 */
export function resolveStrategies(configs: StrategyConfigs, strategies: readonly Strategy[]): ResolvedStrategy[] {
  const known = resolved.get(configs);
  if (known?.strategies === strategies) return known.list;
  const list = resolveAfresh(configs, strategies);
  resolved.set(configs, { strategies, list: Object.freeze(list) as ResolvedStrategy[] });
  return list;
}

/**
 * Resolutions by configs object: a decision resolves the same (never mutated) configs once per symbol, so
 * the params are parsed once per configs and strategy list, not once per decision.
 */
const resolved = new WeakMap<StrategyConfigs, { strategies: readonly Strategy[]; list: ResolvedStrategy[] }>();

function resolveAfresh(configs: StrategyConfigs, strategies: readonly Strategy[]): ResolvedStrategy[] {
  const names = strategies.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new Error(`two strategies are named "${duplicate}"`);
  const found = problems(configs, strategies);
  if (found.length > 0) throw new Error(found.map((p) => p.message).join("; "));
  return strategies.filter((s) => configs[s.name]?.enabled ?? s.enabledByDefault !== false).map((s) => ({ strategy: s, params: s.params.parse(configs[s.name]?.params ?? {}) }));
}

/** A zod schema for the configs of `strategies`: the shape, known names and each strategy's params. */
export function strategyConfigsSchema(strategies: readonly Strategy[]) {
  return z.record(z.string(), StrategyConfigSchema).superRefine((configs, ctx) => {
    for (const p of problems(configs, strategies)) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
  });
}

/** Every strategy with its default enablement and its default params written out. */
export function defaultConfigsOf(strategies: readonly Strategy[]): StrategyConfigs {
  return Object.fromEntries(strategies.map((s) => [s.name, { enabled: s.enabledByDefault !== false, params: s.params.parse({}) }]));
}

const parsedByRaw = new WeakMap<Strategy, WeakMap<object, unknown>>();

/**
 * `strategy.params.parse(raw)`, once per raw params object: a decision that runs one strategy alone
 * reads the same configured params every time, and the parsed object keeps its identity (indicator
 * memos key on it). Throws as `parse` does.
 */
export function parsedParams(strategy: Strategy, raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null) return strategy.params.parse(raw);
  let byRaw = parsedByRaw.get(strategy);
  if (byRaw === undefined) parsedByRaw.set(strategy, (byRaw = new WeakMap()));
  if (byRaw.has(raw)) return byRaw.get(raw);
  const params = strategy.params.parse(raw);
  byRaw.set(raw, params);
  return params;
}
