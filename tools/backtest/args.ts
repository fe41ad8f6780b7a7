import { createHash } from "node:crypto";
import { stableStringify } from "../../src/lib/util/stable-json";
import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { BacktestSpecSchema, type BacktestSpec } from "../../src/lib/backtest/spec";

/** Options every backtest command takes. */
export const COMMON_OPTIONS = {
  strategy: { type: "string", default: "regime-blend" },
  symbols: { type: "string", default: "BTC/USDT,ETH/USDT,SOL/USDT" },
  timeframe: { type: "string", default: "1d" },
  "decision-timeframe": { type: "string" },
  from: { type: "string", default: "2023-01-01" },
  to: { type: "string", default: "2026-03-01" },
  cash: { type: "string", default: "10000" },
  seed: { type: "string", default: "1" },
  param: { type: "string", multiple: true, default: [] as string[] },
  hmm: { type: "boolean", default: false },
  quant: { type: "boolean", default: false },
  market: { type: "string" },
  derivatives: { type: "string" },
  config: { type: "string" },
  json: { type: "boolean", default: false },
  out: { type: "string" },
  "no-files": { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsConfig["options"];

export const COMMON_HELP = `  --strategy <name>      a strategy (regime-blend, rsi-mean-reversion, momentum-breakout, …) or "pipeline"
                         (every strategy and agent, learner-weighted)            [regime-blend]
  --symbols <list>       comma-separated                          [BTC/USDT,ETH/USDT,SOL/USDT]
  --timeframe <tf>       candles replayed and decided on: 1m 15m 1h 4h 1d                  [1d]
  --decision-timeframe <tf>  decisions on this timeframe's closes instead (a multiple of --timeframe):
                         --timeframe 1m --decision-timeframe 4h is the live cadence  [--timeframe]
  --from / --to <date>   UTC dates, from inclusive, to exclusive     [2023-01-01 / 2026-03-01]
  --cash <n>             initial cash (USDT)                                            [10000]
  --seed <n>             seeds the learner's sampling                                       [1]
  --param name=value     a strategy parameter (repeatable), e.g. --param rsiPeriod=10
  --hmm / --quant        Gaussian-HMM regimes / the quant ranker (pipeline)               [off]
  --market <m>           spot, or futures: USD-M perpetuals with shorts, leverage, funding
                         settlements and liquidation (config "market" sets leverage)    [spot]
  --derivatives synthetic  open interest, taker and long/short ratios, basis and liquidations from
                         the simulator's generator (SYNTHETIC: no such history ships)     [none]
  --config <file.json>   engine config overrides (risk, exits, paper fees and slippage, …)
  --json                 print one JSON object on stdout instead of tables
  --out <dir>            where files go                                [out/<command>/<run>]
  --no-files             write no files`;

/** A usage error: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/** "14" → 14, "true" → true, "4h" → "4h". */
function paramValue(raw: string): unknown {
  if (raw === "true" || raw === "false") return raw === "true";
  const n = Number(raw);
  return raw.trim() !== "" && Number.isFinite(n) ? n : raw;
}

export function parseParams(list: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list) {
    const m = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(item);
    if (!m) throw new UsageError(`--param "${item}" should look like name=value`);
    out[m[1]!] = paramValue(m[2]!);
  }
  return out;
}

export function parseCommand<O extends ParseArgsConfig["options"]>(options: O, argv = process.argv.slice(2)) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

type CommonValues = { [K in keyof typeof COMMON_OPTIONS]?: unknown };

/** The run described by the common options, validated as the API validates it. */
export function specFrom(values: CommonValues, extraParams: Record<string, unknown> = {}): BacktestSpec {
  const str = (k: keyof typeof COMMON_OPTIONS) => String(values[k]);
  const num = (k: "cash" | "seed") => {
    const n = Number(values[k]);
    if (!Number.isFinite(n)) throw new UsageError(`--${k} must be a number, got "${str(k)}"`);
    return n;
  };
  const parsed = BacktestSpecSchema.safeParse({
    strategy: str("strategy"),
    symbols: str("symbols")
      .split(",")
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean),
    timeframe: str("timeframe"),
    ...(typeof values["decision-timeframe"] === "string" ? { decisionTimeframe: values["decision-timeframe"] } : {}),
    from: str("from"),
    to: str("to"),
    initialCash: num("cash"),
    seed: num("seed"),
    params: { ...parseParams((values.param as string[] | undefined) ?? []), ...extraParams },
    hmm: values.hmm === true,
    quant: values.quant === true,
    ...(typeof values.market === "string" ? { market: values.market } : {}),
    ...(typeof values.derivatives === "string" ? { derivatives: values.derivatives } : {}),
  });
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`).join("\n"));
  }
  return parsed.data;
}

/** Engine config overrides from --config, or none. */
export function configOverrides(values: CommonValues): unknown {
  if (typeof values.config !== "string") return {};
  try {
    return JSON.parse(readFileSync(values.config, "utf8"));
  } catch (e) {
    throw new UsageError(`--config ${values.config}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A short name for a run, e.g. "regime-blend-1d-2023-01-01-2026-03-01". */
export function runLabel(spec: BacktestSpec): string {
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return `${spec.strategy}-${spec.timeframe}-${day(spec.from)}-${day(spec.to)}`;
}

/**
 * A run's default output folder, out/<command>/<label>-<hash>: the hash (8 hex digits) covers the whole spec
 * (symbols, cash, seed, params, hmm, quant), the --config overrides' content and `extra` (the command's other
 * options that change the result), so two runs that differ in any of them never write to the same folder.
 */
export function runFolder(command: string, spec: BacktestSpec, overrides: unknown, extra: Record<string, unknown> = {}): string {
  const hash = createHash("sha256").update(stableStringify({ spec, overrides, extra })).digest("hex").slice(0, 8);
  return `out/${command}/${runLabel(spec)}-${hash}`;
}

/** Runs a command's main, printing usage errors plainly (exit 2) and anything else with its stack (exit 1). */
export function runMain(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    if (e instanceof UsageError || e instanceof RangeError) {
      console.error(`error: ${e.message}`);
      process.exit(2);
    }
    console.error(e);
    process.exit(1);
  });
}

/** A numeric option checked by `ok`; otherwise a usage error saying what it must be. */
export function numberOption(values: Record<string, unknown>, name: string, ok: (n: number) => boolean, what: string): number {
  const n = Number(values[name]);
  if (!ok(n)) throw new UsageError(`--${name} must be ${what}, got ${String(values[name])}`);
  return n;
}

/** A whole, non-negative number of days. */
export const wholeDays = (values: Record<string, unknown>, name: string): number => numberOption(values, name, (n) => Number.isInteger(n) && n >= 0, "a whole number of days");
