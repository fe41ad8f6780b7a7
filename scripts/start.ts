/**
 * `npm start`: the whole engine on this machine, offline, paper trading on replayed real history.
 * Starts the Binance-protocol exchange simulator, applies the D1 migrations to a fresh local demo
 * database, runs `wrangler dev`, starts a 10,000 USDT portfolio on BTC/USDT, ETH/USDT and SOL/USDT
 * (`--portfolios 2`: and a challenger beside it on the same feeds, with the challenger prompt),
 * then narrates what the engine does. Options: `npm start -- --help` (scripts/lib/start-args.ts).
 * wrangler (with its workerd) and the candle importer run in process groups of their own that end with
 * this process however it ends (scripts/lib/process-group.ts).
 */
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startExchangeSim, type ExchangeSim } from "../sim/exchange/server";
import { startLlmSim, type LlmSim } from "../sim/llm/server";
import { acquireLock, lockRefusal, stateDirFor } from "./lib/instance-lock";
import { watchLaunchers } from "./lib/parent-watch";
import { busyPorts, busyPortsMessage, type NamedPort } from "./lib/ports";
import { runGroup, signalAllGroups, spawnGroup, stopAllGroups } from "./lib/process-group";
import { readReplayPosition, replayStart, writeReplayPosition } from "./lib/replay-position";
import { CHALLENGER_PROMPT_VERSION } from "../src/lib/decide/prompt";
import { challengerOf, DEFAULT_START, FUTURES_START, FUTURES_SYMBOLS, parseStartArgs, START_USAGE, UsageError, type StartOptions } from "./lib/start-args";
import { narrate } from "./narrate";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = `${ROOT}node_modules/.bin/wrangler`;
const TSX = `${ROOT}node_modules/.bin/tsx`;

/** An expected failure: its message alone on stderr (anything else also shows its stack), exit code 1. */
class StartError extends Error {}

function optionsOrExit(): StartOptions {
  try {
    const o = parseStartArgs(process.argv.slice(2));
    if (o !== "help") return o;
    console.log(START_USAGE);
    process.exit(0);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`error: ${e.message} (npm start -- --help lists the options)`);
    process.exit(2);
  }
}

const opts = optionsOrExit();
/** --broker exchange: every order goes through ccxt to the simulator's signed endpoints (testnet mode, its keys). */
const exchangeBroker = opts.broker === "exchange";
const STATE = stateDirFor(opts.port);
const token = process.env.API_TOKEN ?? "edgetrader-dev-token";
const port = opts.port;
const simPort = opts.simPort;
const base = `http://127.0.0.1:${port}`;
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const iso = (t: number) => new Date(t).toISOString();
let sim: ExchangeSim | null = null;
let llm: LlmSim | null = null;
let releaseLock: (() => void) | null = null;
let savePosition: () => void = () => {};
const timers: NodeJS.Timeout[] = [];
let stopping = false;

/**
 * Ends the demo, once, on every path (a signal, an error, the launcher gone): the children's process groups,
 * the simulators, the lock; then exits with `code`. Repeated signals (npm and tsx pass Ctrl-C on again) are ignored.
 */
async function stop(code: number, why?: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (why) console.error(`\n✖ ${why}`);
  for (const t of timers) clearInterval(t);
  savePosition();
  const cap = new Promise((resolve) => setTimeout(resolve, 8_000));
  await Promise.race([Promise.allSettled([stopAllGroups("SIGINT"), sim?.close(), llm?.close()]), cap]);
  releaseLock?.();
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(0));
process.on("exit", () => {
  signalAllGroups();
  releaseLock?.();
});
watchLaunchers((why) => void stop(1, `${why}: stopping`));

async function waitForHealth(timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !stopping) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new StartError(`wrangler dev did not answer ${base}/health within ${timeoutMs / 1000} s; see ${STATE}/wrangler.log`);
}

/**
 * Stores the shipped 1d/4h candles and funding rates in D1 for backtests (scripts/import-candles.ts) in a child process,
 * so the simulator in this process never waits for it; the demo neither waits for it nor fails with it.
 */
function importCandlesInBackground(): void {
  const logFile = `${STATE}/import-candles.log`;
  const log = createWriteStream(`${ROOT}${logFile}`);
  let last = "";
  const importer = spawnGroup(TSX, ["scripts/import-candles.ts", "--url", base], { cwd: ROOT, env: { ...process.env, API_TOKEN: token } });
  importer.stdout!.on("data", (chunk: Buffer) => {
    log.write(chunk);
    last = chunk.toString().trim().split("\n").at(-1) || last;
  });
  importer.stderr!.pipe(log);
  importer.on("error", (err) => console.log(`  note: the candles for backtests were not imported (${err.message}); the demo goes on`));
  importer.on("exit", (code) => {
    if (stopping) return;
    console.log(code === 0 ? `  · ${last}` : `  note: importing the candles for backtests failed (see ${logFile}); the demo goes on`);
  });
}

/** With --keep: says when the kept engine's clock is beyond the replay, where nothing would happen for a while. */
async function checkKeptClock(start: number): Promise<void> {
  try {
    const s = (await (await fetch(`${base}/api/status`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { clock?: { now?: number } };
    const now = s.clock?.now ?? 0;
    if (now > start + 60_000) {
      console.log(
        `  note: the kept engine's market time is ${iso(now)}, after the replay start ${iso(start)}: it ignores the market until the replay gets there (about ${Math.ceil((now - start) / opts.speed / 1000)} s at ${opts.speed}×)`,
      );
    }
  } catch (err) {
    console.log(`  note: could not read the kept engine's market time (${errorText(err)})`);
  }
}

/** A portfolio as GET /api/portfolios answers it (the fields the narration prints). */
interface ComparedPortfolio {
  name: string;
  settings: { promptVersion: string };
  figures: { equity: number | null; returnPct: number | null; maxDrawdownPct: number | null; openPositions: number; closedTrades: number; claudeCalls: number; costUsd: number | null };
}

const pct = (x: number | null) => (x === null ? "–" : `${x >= 0 ? "+" : ""}${x.toFixed(2)} %`);

function describePortfolio(p: ComparedPortfolio): string {
  const f = p.figures;
  return `${p.name.padEnd(16)} ${p.settings.promptVersion.padEnd(20)} equity ${f.equity?.toFixed(2) ?? "–"} USDT (${pct(f.returnPct)}, max drawdown ${f.maxDrawdownPct === null ? "–" : `${f.maxDrawdownPct.toFixed(2)} %`}), ${f.openPositions} open, ${f.closedTrades} closed, ${f.claudeCalls} Claude calls, ${(f.costUsd ?? 0).toFixed(4)} USD`;
}

async function main(): Promise<void> {
  if (!existsSync(WRANGLER)) throw new StartError("dependencies are missing: run `npm install` first");
  // Before anything is deleted or reused: one instance per state folder.
  const lock = acquireLock(`${ROOT}${STATE}.lock`, { pid: process.pid, ports: { port, simPort, llmPort: opts.llmPort }, startedAt: new Date().toISOString() });
  if (!lock.held) throw new StartError(lockRefusal(STATE, lock.holder));
  releaseLock = lock.release;

  // Claude: a real key without a base URL calls Anthropic; otherwise the local Messages-API server answers.
  const realClaude = Boolean(process.env.ANTHROPIC_API_KEY) && !process.env.ANTHROPIC_BASE_URL;
  let llmBaseUrl = process.env.ANTHROPIC_BASE_URL;
  const localLlm = !realClaude && !llmBaseUrl;
  const ports: NamedPort[] = [{ option: "--port", port }, { option: "--sim-port", port: simPort }, ...(localLlm ? [{ option: "--llm-port", port: opts.llmPort }] : [])];
  const busy = await busyPorts(ports);
  if (busy.length) throw new StartError(busyPortsMessage(busy));

  const keep = opts.keep && existsSync(`${ROOT}${STATE}`);
  if (opts.keep && !keep) console.log(`  note: --keep: there is no kept state in ${STATE}; starting fresh`);
  const { start, note } = replayStart({
    keep,
    kept: keep ? readReplayPosition(`${ROOT}${STATE}`) : null,
    requested: opts.start,
    fallback: Date.parse(opts.market === "futures" ? FUTURES_START : DEFAULT_START),
  });
  if (note) console.log(`  note: ${note}`);
  try {
    const symbols = opts.market === "futures" ? { symbols: FUTURES_SYMBOLS.map((x) => x.replace("/", "")) } : {};
    sim = await startExchangeSim({ port: simPort, defaultSession: { start, mode: "realtime", speed: opts.speed, partials: 2, ...symbols } });
  } catch (err) {
    const why = errorText(err);
    if (why.includes("EADDRINUSE")) throw new StartError(busyPortsMessage([{ option: "--sim-port", port: simPort }]));
    throw new StartError(`cannot start the exchange simulator: ${why}${keep ? "; the kept replay cannot go on: run without --keep to replay from the start" : ""}`);
  }
  const session = sim.session("default")!;
  session.control({ paused: true });
  console.log(`▶ exchange simulator on ${sim.url}: replaying real Binance 1m candles from ${iso(start)} at ${opts.speed}× speed`);

  if (localLlm) {
    try {
      llm = await startLlmSim({ port: opts.llmPort });
    } catch (err) {
      const why = errorText(err);
      throw new StartError(why.includes("EADDRINUSE") ? busyPortsMessage([{ option: "--llm-port", port: opts.llmPort }]) : `cannot start the local Messages-API server: ${why}`);
    }
    llmBaseUrl = llm.url;
  }
  if (realClaude)
    console.log(
      `  note: at ${opts.speed}× replay speed Claude is asked far more often than live; the daily budget (ENGINE_CONFIG llm.dailyBudgetUsd, default 5 USD) caps the spend, then the rule pipeline decides`,
    );
  console.log(
    realClaude
      ? "▶ Claude: Anthropic's API (ANTHROPIC_API_KEY is set)"
      : `▶ Claude: answered by ${llm ? `the local Messages-API server on ${llmBaseUrl} (scripted policy, no key needed)` : llmBaseUrl}`,
  );

  if (!keep) rmSync(`${ROOT}${STATE}`, { recursive: true, force: true });
  mkdirSync(`${ROOT}${STATE}`, { recursive: true });
  const migrate = await runGroup(WRANGLER, ["d1", "migrations", "apply", "edgetrader", "--local", "--persist-to", STATE], { cwd: ROOT, env: { ...process.env, CI: "1" } });
  if (stopping) return;
  if (migrate.code !== 0) throw new StartError(`D1 migrations failed:\n${migrate.output}`);
  console.log("▶ D1 migrations applied to the local demo database");

  // wrangler.toml's vars are the deployed defaults (Binance); a local run passes the simulator's addresses and the
  // local marker, which lets the worker accept the dev token (a deployed worker refuses it: 503 insecure_token).
  const vars: Record<string, string> = {
    EDGETRADER_LOCAL: "true",
    API_TOKEN: token,
    ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "local-llm-sim",
    ...(llmBaseUrl ? { ANTHROPIC_BASE_URL: llmBaseUrl } : {}),
    CLOCK_MODE: "feed",
    FEED_WS_URL: sim.wsUrl,
    EXCHANGE_REST_URL: sim.url,
    FUTURES_REST_URL: sim.url,
    // A 1200× replay turns the default 3-minute position review into several calls a second; the demo
    // reviews hourly (market time) so the decision log stays readable and a real key's budget lasts.
    ENGINE_CONFIG: JSON.stringify({
      account: { snapshotIntervalMs: 2_000 },
      // Futures: the perpetuals, the whole derivatives context (the simulator's synthetic statistics), and the seeds'
      // default take-profit (4 %) so a position is also closed by its target.
      ...(opts.market === "futures"
        ? { market: { type: "futures" }, ticker: { derivativesPollMs: 5_000, derivativesData: "all" }, exits: { reviewIntervalMs: 3_600_000, takeProfitPct: 0.04 } }
        : { ticker: { derivativesPollMs: 5_000 }, exits: { reviewIntervalMs: 3_600_000 } }),
    }),
    ...(exchangeBroker ? { EXECUTION_MODE: "testnet", BROKER_REST_URL: "exchange", BINANCE_API_KEY: sim.session("default")!.apiKey, BINANCE_API_SECRET: sim.session("default")!.apiSecret } : {}),
  };
  const args = ["dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", STATE, "--show-interactive-dev-session=false", "--log-level", "log"];
  // Secrets reach wrangler in an env file only this user can read, never on the command line (ps shows it).
  const secretsFile = `${STATE}/secrets.env`;
  const secrets = ["API_TOKEN", "ANTHROPIC_API_KEY", "BINANCE_API_KEY", "BINANCE_API_SECRET"];
  writeFileSync(
    `${ROOT}${secretsFile}`,
    secrets
      .filter((k) => vars[k] !== undefined)
      .map((k) => `${k}=${vars[k]}\n`)
      .join(""),
    { mode: 0o600 },
  );
  args.push("--env-file", secretsFile);
  for (const [k, v] of Object.entries(vars)) if (!secrets.includes(k)) args.push("--var", `${k}:${v}`);
  const log = createWriteStream(`${ROOT}${STATE}/wrangler.log`);
  const dev = spawnGroup(WRANGLER, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", WRANGLER_SEND_METRICS: "false" } });
  dev.stdout!.pipe(log);
  dev.stderr!.pipe(log);
  dev.on("exit", (code) => {
    if (!stopping) void stop(1, `wrangler dev exited (code ${code}); see ${STATE}/wrangler.log`);
  });
  console.log(`▶ starting wrangler dev on ${base} (logs: ${STATE}/wrangler.log)`);
  await waitForHealth(90_000);

  const res = await fetch(`${base}/api/engine/start`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ initialCash: 10_000, ...(opts.market === "futures" ? { symbols: FUTURES_SYMBOLS } : {}) }),
  });
  if (!res.ok) throw new StartError(`POST /api/engine/start failed: ${res.status} ${await res.text()}`);
  const main = (await res.json()) as { portfolio: string; symbols: string[]; promptVersion: string };
  const portfolios = [main];
  if (opts.portfolios === 2) {
    // The challenger: the same symbols (the same feeds), its own book, budget and learner, the challenger prompt.
    const challenger = { portfolio: challengerOf(main.portfolio), symbols: main.symbols, initialCash: 10_000, promptVersion: CHALLENGER_PROMPT_VERSION };
    const r = await fetch(`${base}/api/engine/start`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(challenger) });
    if (!r.ok) throw new StartError(`POST /api/engine/start (${challenger.portfolio}) failed: ${r.status} ${await r.text()}`);
    portfolios.push((await r.json()) as typeof main);
  }
  if (keep) await checkKeptClock(start);
  session.control({ paused: false });
  savePosition = () => {
    try {
      writeReplayPosition(`${ROOT}${STATE}`, session.now());
    } catch {
      // the state folder is gone: nothing to keep
    }
  };
  timers.push(setInterval(savePosition, 1_000));
  importCandlesInBackground();
  console.log(`
Edgetrader is trading (${exchangeBroker ? "testnet mode: orders through ccxt to the simulator's signed endpoints" : "paper"}${opts.market === "futures" ? ", USD-M perpetuals: longs and shorts at 2x, funding settled every 8 h" : ""}) on replayed real market data.
${
  portfolios.length > 1
    ? `
  Portfolios ${portfolios.map((p) => `${p.portfolio} (prompt ${p.promptVersion})`).join(" and ")}, side by side on ${main.symbols.join(", ")}
             compare: curl -H "Authorization: Bearer ${token}" ${base}/api/portfolios
             one of them: add ?portfolio=${portfolios[1]!.portfolio} to any route, e.g. ${base}/api/trades?portfolio=${portfolios[1]!.portfolio}
`
    : ""
}
  URL        ${base}
  Dashboard  ${base}/   (open it in a browser and sign in with the API token)
  API token  ${token}   (local development only; deployed workers use the API_TOKEN secret)

  Look at:
    curl -H "Authorization: Bearer ${token}" ${base}/api/status
    curl -H "Authorization: Bearer ${token}" ${base}/api/trades
    curl -H "Authorization: Bearer ${token}" ${base}/api/positions
    curl -H "Authorization: Bearer ${token}" "${base}/api/gate?opened=true"
    curl -H "Authorization: Bearer ${token}" ${base}/api/decisions
    backtest (on the shipped daily candles, imported in the background):
    curl -H "Authorization: Bearer ${token}" -H "content-type: application/json" ${base}/api/backtests \\
      -d '{"strategy":"regime-blend","symbols":["BTC/USDT","ETH/USDT","SOL/USDT"],"timeframe":"1d","from":"2023-01-01","to":"2024-01-01"}'
    stream:  a single-use ticket (valid 60 s), then the WebSocket:
    curl -X POST -H "Authorization: Bearer ${token}" ${base}/api/stream/ticket
      → {"ticket": "…", "expiresAt": …}; connect to ws://127.0.0.1:${port}/ws/stream?ticket=<ticket>

Ctrl-C stops everything. What the engine does:
`);
  narrate([dev.stdout!, dev.stderr!], (line) => console.log(line));
  const poll = setInterval(async () => {
    try {
      const s = (await (await fetch(`${base}/api/status`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
        clock: { now: number };
        account: { equity: number; cash: number; positions: unknown[]; closedCount: number } | null;
      };
      if (s.account && portfolios.length > 1) {
        // Side by side: one line per portfolio from the comparison route.
        const c = (await (await fetch(`${base}/api/portfolios`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { portfolios: ComparedPortfolio[] };
        console.log(`  · ${new Date(s.clock.now).toISOString().slice(0, 16)}Z`);
        for (const p of c.portfolios) console.log(`      ${describePortfolio(p)}`);
      } else if (s.account) {
        console.log(`  · ${new Date(s.clock.now).toISOString().slice(0, 16)}Z equity ${s.account.equity.toFixed(2)} USDT, ${s.account.positions.length} open, ${s.account.closedCount} closed`);
      }
      if (session.ended) {
        console.log("\nThe shipped replay window has ended; the engine keeps its state. Ctrl-C to stop, or run `npm start` again to replay from the start.");
        clearInterval(poll);
      }
    } catch {
      // a status poll that fails is not fatal; wrangler's log has the cause
    }
  }, 15_000);
  timers.push(poll);
}

main().catch((err: unknown) => void stop(1, err instanceof StartError || !(err instanceof Error) ? errorText(err) : (err.stack ?? err.message)));
