import type { Rng } from "../util/rng";

/** A parameter's values to try: an explicit list, or a range from min to max by step. */
export type ParamValues = { values: number[] } | { min: number; max: number; step: number };
export type ParamSpace = Record<string, ParamValues>;
export type ParamSet = Record<string, number>;

function valuesOf(v: ParamValues): number[] {
  if ("values" in v) return v.values;
  if (!(v.step > 0) || v.max < v.min) throw new Error(`invalid range ${v.min}..${v.max} step ${v.step}`);
  const out: number[] = [];
  for (let x = v.min; x <= v.max + v.step * 1e-9; x += v.step) out.push(Number(x.toPrecision(12)));
  return out;
}

/** Every combination (grid search), in a stable order. */
export function gridSearch(space: ParamSpace): ParamSet[] {
  let sets: ParamSet[] = [{}];
  for (const [name, v] of Object.entries(space)) {
    const values = valuesOf(v);
    sets = sets.flatMap((s) => values.map((x) => ({ ...s, [name]: x })));
  }
  return sets;
}

/** `n` distinct combinations drawn with the seeded generator (random search); all of them when fewer exist. */
export function randomSearch(space: ParamSpace, n: number, rng: Rng): ParamSet[] {
  const all = gridSearch(space);
  if (all.length <= n) return all;
  const picked = new Set<number>();
  while (picked.size < n) picked.add(Math.floor(rng.next() * all.length));
  return [...picked].sort((a, b) => a - b).map((i) => all[i]!);
}

/**
 * Parses "period=10:30:5" (range) or "period=10,14,20" (values). A dotted name is a path into the engine
 * config ("synthesizer.buyThreshold=0.3,0.35", "strategies.rsi-mean-reversion.params.period=10,14").
 */
export function parseParamSpec(spec: string): [string, ParamValues] {
  const m = /^([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9-]*)*)=(.+)$/.exec(spec.trim());
  if (!m) throw new Error(`parameter spec "${spec}" should look like name=min:max:step or name=a,b,c`);
  const [, name, rest] = m as unknown as [string, string, string];
  if (rest.includes(":")) {
    const [min, max, step] = rest.split(":").map(Number);
    if (![min, max, step].every((x) => x !== undefined && Number.isFinite(x))) throw new Error(`parameter spec "${spec}": range needs three numbers`);
    return [name, { min: min!, max: max!, step: step! }];
  }
  const values = rest.split(",").map(Number);
  if (values.some((x) => !Number.isFinite(x))) throw new Error(`parameter spec "${spec}": values must be numbers`);
  return [name, { values }];
}

const around = (x: number, f: number, integer: boolean): number => (integer ? Math.max(1, Math.round(x * f)) : Number((x * f).toPrecision(4)));

/**
 * A search space from a strategy's default parameters: every number at 70 %, 100 % and 130 % of its
 * default (integers rounded, kept ≥ 1); other parameters (timeframes, flags) stay as configured.
 */
export function defaultParamSpace(defaults: Record<string, unknown>): ParamSpace {
  const space: ParamSpace = {};
  for (const [name, v] of Object.entries(defaults)) {
    if (typeof v !== "number" || !Number.isFinite(v) || v === 0) continue;
    const integer = Number.isInteger(v);
    space[name] = { values: [...new Set([around(v, 0.7, integer), v, around(v, 1.3, integer)])] };
  }
  return space;
}

/** A searched name with a dot is a path into the engine config (e.g. synthesizer.buyThreshold); without one, a strategy parameter. */
export const isConfigPath = (name: string): boolean => name.includes(".");

/** The strategy parameters of a set: its names without a dot. */
export function strategyParams(p: ParamSet): ParamSet {
  return Object.fromEntries(Object.entries(p).filter(([name]) => !isConfigPath(name)));
}

/**
 * Engine config overrides with every config path of `p` set on a copy of `base` (the --config overrides), the
 * objects on the way created as needed; `base` itself when `p` has no config path. Throws when a path runs
 * through something that is not an object.
 */
export function configWith(base: unknown, p: ParamSet): unknown {
  const paths = Object.entries(p).filter(([name]) => isConfigPath(name));
  if (paths.length === 0) return base;
  const root: Record<string, unknown> = isObject(base) ? structuredClone(base) : {};
  for (const [path, value] of paths) {
    const keys = path.split(".");
    let at = root;
    for (const key of keys.slice(0, -1)) {
      const next = at[key] ?? (at[key] = {});
      if (!isObject(next)) throw new Error(`config path ${path}: ${key} is not an object`);
      at = next;
    }
    at[keys[keys.length - 1]!] = value;
  }
  return root;
}

/** The number at a dotted path of an object, or undefined. */
export function numberAt(obj: unknown, path: string): number | undefined {
  let at: unknown = obj;
  for (const key of path.split(".")) at = isObject(at) ? at[key] : undefined;
  return typeof at === "number" ? at : undefined;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
