import { parseArgs } from "node:util";

export const DEFAULT_START = "2026-03-26T10:00:00Z";

/**
 * `--market futures` replays the other shipped 1m week (BTC and ETH, 2025-06-01..07) from a point where ETH turns
 * overbought (4h RSI 65 at 16:00) and then falls (29 on 06-06), so a short opens and is covered within two minutes.
 */
export const FUTURES_START = "2025-06-04T12:00:00Z";
export const FUTURES_SYMBOLS = ["BTC/USDT", "ETH/USDT"];

const OPTION_LINES: [option: string, what: string, fallback?: string][] = [
  ["--speed <n>", "replay speed: market ms per wall ms", "2400"],
  ["--start <time>", "replay start, ISO UTC (--keep: where the kept replay stopped)", `${DEFAULT_START}; futures ${FUTURES_START}`],
  ["--port <n>", "the worker's port (wrangler dev); each port has its own demo state", "8787"],
  ["--sim-port <n>", "the exchange simulator's port", "9100"],
  ["--llm-port <n>", "the local Messages-API server's port", "9200"],
  ["--broker <b>", "paper, or exchange (orders through ccxt to the simulator)", "paper"],
  ["--portfolios <n>", "2: main-challenger beside main on the same symbols, challenger prompt", "1"],
  ["--market <m>", "spot, or futures: USD-M perpetuals, shorts, 2x leverage, funding", "spot"],
  ["--keep", "keep this port's demo state and resume the replay where it stopped"],
  ["-h, --help", "print this and exit"],
];
const whatWidth = Math.max(...OPTION_LINES.map(([, what]) => what.length));

export const START_USAGE = `npm start -- [options]: the engine offline, paper trading on replayed real history

${OPTION_LINES.map(([option, what, fallback]) => `  ${option.padEnd(18)}${fallback ? `${what.padEnd(whatWidth)}  [${fallback}]` : what}`).join("\n")}

State: .wrangler/demo for port 8787, .wrangler/demo-<port> for another --port; wiped at every start
unless --keep. A running instance holds its state (lock file <state>.lock with its pid): a second
npm start on the same --port refuses; run one beside it with three other ports, e.g.
--port 8788 --sim-port 9101 --llm-port 9201.`;

/** A mistake on the command line: one line on stderr, exit code 2. */
export class UsageError extends Error {}

export interface StartOptions {
  speed: number;
  /** Only when given: with --keep the replay resumes where the kept state stopped unless --start is later. */
  start: number | undefined;
  port: number;
  simPort: number;
  llmPort: number;
  keep: boolean;
  broker: "paper" | "exchange";
  /** 1: the configured portfolio; 2: also its challenger (CHALLENGER_PORTFOLIO) beside it on the same feeds. */
  portfolios: 1 | 2;
  /** futures: the engine trades the perpetuals (config `market.type`), shorts included. */
  market: "spot" | "futures";
}

/** The challenger `--portfolios 2` starts beside the configured portfolio (npm start's is "main"). */
export const challengerOf = (portfolio: string) => `${portfolio}-challenger`;

const OPTIONS = {
  speed: { type: "string", default: "2400" },
  start: { type: "string" },
  port: { type: "string", default: "8787" },
  "sim-port": { type: "string", default: "9100" },
  "llm-port": { type: "string", default: "9200" },
  keep: { type: "boolean", default: false },
  broker: { type: "string", default: "paper" },
  portfolios: { type: "string", default: "1" },
  market: { type: "string", default: "spot" },
  help: { type: "boolean", short: "h", default: false },
} as const;

function portOption(name: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 65535) throw new UsageError(`--${name} must be a port number 1-65535, got "${raw}"`);
  return n;
}

/** `npm start`'s options, checked; `"help"` when usage was asked for. Throws UsageError. */
export function parseStartArgs(argv: readonly string[]): StartOptions | "help" {
  let values;
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (values.help) return "help";
  const speed = Number(values.speed);
  if (!(Number.isFinite(speed) && speed > 0)) throw new UsageError(`--speed must be a positive number, got "${values.speed}"`);
  const start = values.start === undefined ? undefined : Date.parse(values.start);
  if (start !== undefined && !Number.isFinite(start)) throw new UsageError(`--start must be an ISO time such as ${DEFAULT_START}, got "${values.start}"`);
  if (values.broker !== "paper" && values.broker !== "exchange") throw new UsageError(`--broker must be paper or exchange, got "${values.broker}"`);
  if (values.portfolios !== "1" && values.portfolios !== "2") throw new UsageError(`--portfolios must be 1 or 2 (the portfolio, and a challenger beside it), got "${values.portfolios}"`);
  if (values.market !== "spot" && values.market !== "futures") throw new UsageError(`--market must be spot or futures, got "${values.market}"`);
  const ports = { port: portOption("port", values.port), simPort: portOption("sim-port", values["sim-port"]), llmPort: portOption("llm-port", values["llm-port"]) };
  if (new Set(Object.values(ports)).size < 3) throw new UsageError(`--port, --sim-port and --llm-port must differ, got ${ports.port}, ${ports.simPort}, ${ports.llmPort}`);
  return { speed, start, ...ports, keep: values.keep, broker: values.broker, portfolios: values.portfolios === "2" ? 2 : 1, market: values.market };
}
