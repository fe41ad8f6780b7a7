/**
 * `npm start`: the whole engine on this machine, offline, paper trading on replayed real history.
 * Starts the Binance-protocol exchange simulator, applies the D1 migrations to a fresh local demo
 * database, runs `wrangler dev`, starts a 10,000 USDT portfolio on BTC/USDT, ETH/USDT and SOL/USDT,
 * then narrates what the engine does. Options: --speed <market ms per wall ms> --start <ISO time>
 * --port <worker port> --sim-port <simulator port> --keep (reuse the previous demo state).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startExchangeSim, type ExchangeSim } from "../sim/exchange/server";
import { startLlmSim, type LlmSim } from "../sim/llm/server";
import { narrate } from "./narrate";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = `${ROOT}node_modules/.bin/wrangler`;
const TSX = `${ROOT}node_modules/.bin/tsx`;
const STATE = ".wrangler/demo";

const { values } = parseArgs({
  options: {
    speed: { type: "string", default: "2400" },
    start: { type: "string", default: "2026-03-26T10:00:00Z" },
    port: { type: "string", default: "8787" },
    "sim-port": { type: "string", default: "9100" },
    "llm-port": { type: "string", default: "9200" },
    keep: { type: "boolean", default: false },
    broker: { type: "string", default: "paper" },
  },
});
if (values.broker !== "paper" && values.broker !== "exchange") {
  console.error(`--broker must be paper or exchange, not ${values.broker}`);
  process.exit(2);
}
/** --broker exchange: every order goes through ccxt to the simulator's signed endpoints (testnet mode, its keys). */
const exchangeBroker = values.broker === "exchange";

const token = process.env.API_TOKEN ?? "edgetrader-dev-token";
const port = Number(values.port);
const simPort = Number(values["sim-port"]);
const base = `http://127.0.0.1:${port}`;
let sim: ExchangeSim | null = null;
let llm: LlmSim | null = null;
let dev: ChildProcess | null = null;
let importer: ChildProcess | null = null;

function fail(message: string): never {
  console.error(`\n✖ ${message}`);
  shutdown(1);
  throw new Error(message);
}

function shutdown(code = 0): void {
  importer?.kill("SIGTERM");
  dev?.kill("SIGINT");
  void sim?.close();
  void llm?.close();
  setTimeout(() => process.exit(code), 300).unref();
}

async function waitForHealth(timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`wrangler dev did not answer ${base}/health within ${timeoutMs / 1000} s; see ${STATE}/wrangler.log`);
}

/**
 * Stores the shipped 1d/4h candles and funding rates in D1 for backtests (scripts/import-candles.ts) in a child process,
 * so the simulator in this process never waits for it; the demo neither waits for it nor fails with it.
 */
function importCandlesInBackground(): void {
  const logFile = `${STATE}/import-candles.log`;
  const log = createWriteStream(`${ROOT}${logFile}`);
  let last = "";
  importer = spawn(TSX, ["scripts/import-candles.ts", "--url", base], { cwd: ROOT, env: { ...process.env, API_TOKEN: token }, stdio: ["ignore", "pipe", "pipe"] });
  importer.stdout!.on("data", (chunk: Buffer) => {
    log.write(chunk);
    last = chunk.toString().trim().split("\n").at(-1) || last;
  });
  importer.stderr!.pipe(log);
  importer.on("error", (err) => console.log(`  note: the candles for backtests were not imported (${err.message}); the demo goes on`));
  importer.on("exit", (code, signal) => {
    importer = null;
    if (signal) return;
    console.log(code === 0 ? `  · ${last}` : `  note: importing the candles for backtests failed (see ${logFile}); the demo goes on`);
  });
}

async function main(): Promise<void> {
  if (!existsSync(WRANGLER)) fail("dependencies are missing: run `npm install` first");
  process.on("SIGINT", () => shutdown(0));
  process.on("SIGTERM", () => shutdown(0));

  try {
    sim = await startExchangeSim({ port: simPort, defaultSession: { start: values.start, mode: "realtime", speed: Number(values.speed), partials: 2 } });
  } catch (err) {
    fail(`cannot start the exchange simulator on port ${simPort}: ${err instanceof Error ? err.message : String(err)} (try --sim-port)`);
  }
  const session = sim.session("default")!;
  session.control({ paused: true });
  console.log(`▶ exchange simulator on ${sim.url}: replaying real Binance 1m candles from ${values.start} at ${values.speed}× speed`);

  // Claude: a real key without a base URL calls Anthropic; otherwise the local Messages-API server answers.
  const realClaude = Boolean(process.env.ANTHROPIC_API_KEY) && !process.env.ANTHROPIC_BASE_URL;
  let llmBaseUrl = process.env.ANTHROPIC_BASE_URL;
  if (!realClaude && !llmBaseUrl) {
    try {
      llm = await startLlmSim({ port: Number(values["llm-port"]) });
    } catch (err) {
      fail(`cannot start the local Messages-API server on port ${values["llm-port"]}: ${err instanceof Error ? err.message : String(err)} (try --llm-port)`);
    }
    llmBaseUrl = llm.url;
  }
  if (realClaude) console.log(`  note: at ${values.speed}× replay speed Claude is asked far more often than live; the daily budget (ENGINE_CONFIG llm.dailyBudgetUsd, default 5 USD) caps the spend, then the rule pipeline decides`);
  console.log(realClaude ? "▶ Claude: Anthropic's API (ANTHROPIC_API_KEY is set)" : `▶ Claude: answered by ${llm ? `the local Messages-API server on ${llmBaseUrl} (scripted policy, no key needed)` : llmBaseUrl}`);

  if (!values.keep) rmSync(`${ROOT}${STATE}`, { recursive: true, force: true });
  mkdirSync(`${ROOT}${STATE}`, { recursive: true });
  const migrate = spawnSync(WRANGLER, ["d1", "migrations", "apply", "edgetrader", "--local", "--persist-to", STATE], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "1" } });
  if (migrate.status !== 0) fail(`D1 migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);
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
    ENGINE_CONFIG: JSON.stringify({ account: { snapshotIntervalMs: 2_000 }, ticker: { derivativesPollMs: 5_000 }, exits: { reviewIntervalMs: 3_600_000 } }),
    ...(exchangeBroker ? { EXECUTION_MODE: "testnet", BROKER_REST_URL: "exchange", BINANCE_API_KEY: sim.session("default")!.apiKey, BINANCE_API_SECRET: sim.session("default")!.apiSecret } : {}),
  };
  const args = ["dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", STATE, "--show-interactive-dev-session=false", "--log-level", "log"];
  // Secrets reach wrangler in an env file only this user can read, never on the command line (ps shows it).
  const secretsFile = `${STATE}/secrets.env`;
  const secrets = ["API_TOKEN", "ANTHROPIC_API_KEY", "BINANCE_API_KEY", "BINANCE_API_SECRET"];
  writeFileSync(`${ROOT}${secretsFile}`, secrets.filter((k) => vars[k] !== undefined).map((k) => `${k}=${vars[k]}\n`).join(""), { mode: 0o600 });
  args.push("--env-file", secretsFile);
  for (const [k, v] of Object.entries(vars)) if (!secrets.includes(k)) args.push("--var", `${k}:${v}`);
  const log = createWriteStream(`${ROOT}${STATE}/wrangler.log`);
  dev = spawn(WRANGLER, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", WRANGLER_SEND_METRICS: "false" }, stdio: ["ignore", "pipe", "pipe"] });
  dev.stdout!.pipe(log);
  dev.stderr!.pipe(log);
  dev.on("exit", (code) => {
    if (code !== 0 && code !== null) fail(`wrangler dev exited with code ${code}; see ${STATE}/wrangler.log`);
  });
  console.log(`▶ starting wrangler dev on ${base} (logs: ${STATE}/wrangler.log)`);
  await waitForHealth(90_000);

  const res = await fetch(`${base}/api/engine/start`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ initialCash: 10_000 }) });
  if (!res.ok) fail(`POST /api/engine/start failed: ${res.status} ${await res.text()}`);
  session.control({ paused: false });
  importCandlesInBackground();
  console.log(`
Edgetrader is trading (${exchangeBroker ? "testnet mode: orders through ccxt to the simulator's signed endpoints" : "paper"}) on replayed real market data.

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
  narrate(dev.stdout!, (line) => console.log(line));
  const poll = setInterval(async () => {
    try {
      const s = (await (await fetch(`${base}/api/status`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
        clock: { now: number };
        account: { equity: number; cash: number; positions: unknown[]; closedCount: number } | null;
      };
      if (s.account) {
        console.log(`  · ${new Date(s.clock.now).toISOString().slice(0, 16)}Z equity ${s.account.equity.toFixed(2)} USDT, ${s.account.positions.length} open, ${s.account.closedCount} closed`);
      }
      if (session.ended) {
        console.log("\nThe shipped replay window has ended; the engine keeps its state. Ctrl-C to stop, or run `npm start` again to replay.");
        clearInterval(poll);
      }
    } catch {
      // a status poll that fails is not fatal; wrangler's log has the cause
    }
  }, 15_000);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  shutdown(1);
});
