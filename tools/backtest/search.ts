import { configWith, defaultParamSpace, gridSearch, isConfigPath, numberAt, parseParamSpec, randomSearch, strategyParams, type ParamSet, type ParamSpace } from "../../src/lib/backtest/param-space";
import { backtestConfig, BacktestSpecSchema, PIPELINE, type BacktestSpec } from "../../src/lib/backtest/spec";
import { getStrategy } from "../../src/lib/strategy/registry";
import { seededRng } from "../../src/lib/util/rng";
import { UsageError } from "./args";
import { configFor } from "./prepare";

export const SEARCH_OPTIONS = {
  search: { type: "string", multiple: true, default: [] as string[] },
  random: { type: "string" },
} as const;

export const SEARCH_HELP = `  --search name=spec     a parameter to search (repeatable): name=min:max:step or name=a,b,c;
                         without any, every numeric parameter at 70/100/130 % of its default. A dotted
                         name is an engine setting by its config path (synthesizer.buyThreshold,
                         exits.hardStopPct, …): the only kind the pipeline takes
  --random <n>           draw n combinations at random (seeded by --seed) instead of the full grid;
                         the default without --search is 30`;

export interface Candidates {
  space: ParamSpace;
  sets: ParamSet[];
  /** Combinations the strategy's own schema rejects (e.g. oversold ≥ exitLevel), left out. */
  rejected: number;
}

/**
 * The parameter sets to try: the grid (or a seeded random draw) of the space, each checked by the strategy's schema
 * and, for engine settings, by the engine config's. `overrides` are the --config overrides the settings go onto.
 */
export function candidatesFrom(values: { search?: unknown; random?: unknown }, spec: BacktestSpec, overrides: unknown = {}): Candidates {
  const specs = (values.search as string[] | undefined) ?? [];
  if (spec.strategy === PIPELINE && specs.length === 0) {
    throw new UsageError("the pipeline has no parameters of its own: search engine settings by their config path, e.g. --search synthesizer.buyThreshold=0.3,0.35,0.4");
  }
  let space: ParamSpace;
  try {
    space = specs.length ? Object.fromEntries(specs.map(parseParamSpec)) : defaultParamSpace(getStrategy(spec.strategy).params.parse({}) as Record<string, unknown>);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const base = Object.keys(space).some(isConfigPath) ? configFor(spec, overrides) : null;
  for (const name of Object.keys(space)) {
    if (isConfigPath(name)) {
      if (spec.strategy !== PIPELINE && name.startsWith(`strategies.${spec.strategy}.`))
        throw new UsageError(`${name}: search ${spec.strategy}'s own parameters by their name (--search ${name.split(".").pop()}=…)`);
      if (numberAt(base, name) === undefined) throw new UsageError(`${name} is not a numeric engine setting (a path into the engine config, e.g. synthesizer.buyThreshold)`);
    } else if (spec.strategy === PIPELINE) {
      throw new UsageError(`${name}: the pipeline takes engine settings by their config path (e.g. synthesizer.buyThreshold), not strategy parameters`);
    } else if (name in spec.params) {
      throw new UsageError(`${name} is both fixed (--param) and searched (--search)`);
    }
  }
  const n = values.random === undefined ? (specs.length ? null : 30) : Number(values.random);
  if (n !== null && !(Number.isInteger(n) && n > 0)) throw new UsageError(`--random must be a positive integer, got ${String(values.random)}`);
  const all = n === null ? gridSearch(space) : randomSearch(space, n, seededRng(spec.seed));
  const sets = all.filter((p) => BacktestSpecSchema.safeParse({ ...specInput(spec), params: { ...spec.params, ...strategyParams(p) } }).success && configAccepts(spec, overrides, p));
  if (sets.length === 0) throw new UsageError(`none of the ${all.length} parameter combinations is valid for ${spec.strategy}`);
  return { space, sets, rejected: all.length - sets.length };
}

/** Whether the engine config takes a set's settings as they are (its schema passes them, and nothing overwrites them). */
function configAccepts(spec: BacktestSpec, overrides: unknown, p: ParamSet): boolean {
  const paths = Object.keys(p).filter(isConfigPath);
  if (paths.length === 0) return true;
  try {
    const config = backtestConfig(specWith(spec, p, spec.from, spec.to), configWith(overrides, p));
    return paths.every((path) => numberAt(config, path) === p[path]);
  } catch {
    return false;
  }
}

/** A spec back in its input form (dates as ISO strings), for re-validating with other params. */
export function specInput(spec: BacktestSpec): Record<string, unknown> {
  return { ...spec, from: new Date(spec.from).toISOString(), to: new Date(spec.to).toISOString() };
}

/** The spec of one candidate over [from, to) (its strategy parameters; its engine settings go into `configWith`). */
export function specWith(spec: BacktestSpec, params: ParamSet, from: number, to: number): BacktestSpec {
  return BacktestSpecSchema.parse({ ...specInput(spec), params: { ...spec.params, ...strategyParams(params) }, from: new Date(from).toISOString(), to: new Date(to).toISOString() });
}

/** One candidate's run over [from, to): its spec and its engine config overrides (--config's with its settings set). */
export function candidateRun(spec: BacktestSpec, overrides: unknown, params: ParamSet, from: number, to: number): { spec: BacktestSpec; overrides: unknown } {
  return { spec: specWith(spec, params, from, to), overrides: configWith(overrides, params) };
}

export const paramText = (p: ParamSet): string =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ") || "(defaults)";
