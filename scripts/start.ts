/**
 * `npm start`: the whole engine on this machine, offline, paper trading on replayed real history.
 * Starts the Binance-protocol exchange simulator, applies the D1 migrations to a fresh local demo
 * database, runs `wrangler dev`, starts a 10,000 USDT portfolio on BTC/USDT, ETH/USDT and SOL/USDT,
 * then narrates what the engine does. Options: --speed <market ms per wall ms> --start <ISO time>
 * --port <worker port> --sim-port <simulator port> --keep (reuse the previous demo state).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync, createWriteStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startExchangeSim, type ExchangeSim } from "../sim/exchange/server";
import { narrate } from "./narrate";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = `${ROOT}node_modules/.bin/wrangler`;
const STATE = ".wrangler/demo";

const { values } = parseArgs({
  options: {
    speed: { type: "string", default: "1200" },
    start: { type: "string", default: "2026-03-26T08:00:00Z" },
    port: { type: "string", default: "8787" },
    "sim-port": { type: "string", default: "9100" },
    keep: { type: "boolean", default: false },
  },
});

const token = process.env.API_TOKEN ?? "edgetrader-dev-token";
const port = Number(values.port);
const simPort = Number(values["sim-port"]);
const base = `http://127.0.0.1:${port}`;
let sim: ExchangeSim | null = null;
let dev: ChildProcess | null = null;

function fail(message: string): never {
  console.error(`\n✖ ${message}`);
  shutdown(1);
  throw new Error(message);
}

function shutdown(code = 0): void {
  dev?.kill("SIGINT");
  void sim?.close();
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

  if (!values.keep) rmSync(`${ROOT}${STATE}`, { recursive: true, force: true });
  mkdirSync(`${ROOT}${STATE}`, { recursive: true });
  const migrate = spawnSync(WRANGLER, ["d1", "migrations", "apply", "edgetrader", "--local", "--persist-to", STATE], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "1" } });
  if (migrate.status !== 0) fail(`D1 migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);
  console.log("▶ D1 migrations applied to the local demo database");

  const vars = {
    API_TOKEN: token,
    CLOCK_MODE: "feed",
    FEED_WS_URL: sim.wsUrl,
    EXCHANGE_REST_URL: sim.url,
    ENGINE_CONFIG: JSON.stringify({ account: { snapshotIntervalMs: 2_000 } }),
  };
  const args = ["dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", STATE, "--show-interactive-dev-session=false", "--log-level", "log"];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
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
  console.log(`
Edgetrader is trading (paper) on replayed real market data.

  URL        ${base}
  API token  ${token}   (local development only; deployed workers use the API_TOKEN secret)

  Look at:
    curl -H "Authorization: Bearer ${token}" ${base}/api/status
    curl -H "Authorization: Bearer ${token}" ${base}/api/trades
    curl -H "Authorization: Bearer ${token}" ${base}/api/positions
    curl -H "Authorization: Bearer ${token}" "${base}/api/gate?opened=true"
    curl -H "Authorization: Bearer ${token}" ${base}/api/decisions
    stream:  ws://127.0.0.1:${port}/ws/stream?access_token=${token}

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
