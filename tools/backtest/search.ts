import { defaultParamSpace, gridSearch, parseParamSpec, randomSearch, type ParamSet, type ParamSpace } from "../../src/lib/backtest/param-space";
import { BacktestSpecSchema, PIPELINE, type BacktestSpec } from "../../src/lib/backtest/spec";
import { getStrategy } from "../../src/lib/strategy/registry";
import { seededRng } from "../../src/lib/util/rng";
import { UsageError } from "./args";

export const SEARCH_OPTIONS = {
  search: { type: "string", multiple: true, default: [] as string[] },
  random: { type: "string" },
} as const;

export const SEARCH_HELP = `  --search name=spec     a parameter to search (repeatable): name=min:max:step or name=a,b,c;
                         without any, every numeric parameter at 70/100/130 % of its default
  --random <n>           draw n combinations at random (seeded by --seed) instead of the full grid;
                         the default without --search is 30`;

export interface Candidates {
  space: ParamSpace;
  sets: ParamSet[];
  /** Combinations the strategy's own schema rejects (e.g. oversold ≥ exitLevel), left out. */
  rejected: number;
}

/** The parameter sets to try: the grid (or a seeded random draw) of the space, each checked by the strategy's schema. */
export function candidatesFrom(values: { search?: unknown; random?: unknown }, spec: BacktestSpec): Candidates {
  if (spec.strategy === PIPELINE) throw new UsageError("parameter search runs over one strategy's parameters: pick --strategy");
  const specs = (values.search as string[] | undefined) ?? [];
  let space: ParamSpace;
  try {
    space = specs.length ? Object.fromEntries(specs.map(parseParamSpec)) : defaultParamSpace(getStrategy(spec.strategy).params.parse({}) as Record<string, unknown>);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  for (const name of Object.keys(space)) if (name in spec.params) throw new UsageError(`${name} is both fixed (--param) and searched (--search)`);
  const n = values.random === undefined ? (specs.length ? null : 30) : Number(values.random);
  if (n !== null && !(Number.isInteger(n) && n > 0)) throw new UsageError(`--random must be a positive integer, got ${String(values.random)}`);
  const all = n === null ? gridSearch(space) : randomSearch(space, n, seededRng(spec.seed));
  const sets = all.filter((p) => BacktestSpecSchema.safeParse({ ...specInput(spec), params: { ...spec.params, ...p } }).success);
  if (sets.length === 0) throw new UsageError(`none of the ${all.length} parameter combinations is valid for ${spec.strategy}`);
  return { space, sets, rejected: all.length - sets.length };
}

/** A spec back in its input form (dates as ISO strings), for re-validating with other params. */
export function specInput(spec: BacktestSpec): Record<string, unknown> {
  return { ...spec, from: new Date(spec.from).toISOString(), to: new Date(spec.to).toISOString() };
}

/** The spec of one candidate over [from, to). */
export function specWith(spec: BacktestSpec, params: ParamSet, from: number, to: number): BacktestSpec {
  return BacktestSpecSchema.parse({ ...specInput(spec), params: { ...spec.params, ...params }, from: new Date(from).toISOString(), to: new Date(to).toISOString() });
}

export const paramText = (p: ParamSet): string =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ") || "(defaults)";
