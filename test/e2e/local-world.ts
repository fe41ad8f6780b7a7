/**
 * The local world over real HTTP, for end-to-end tests (and anything else that wants the real thing): the
 * exchange simulator and the local Messages-API server in this process, and the worker under `wrangler dev`
 * (local mode) in a child process, as `npm start` runs it:
 *
 *   const world = await startLocalWorld();          // 30–60 s on 2 cores: D1 migrations, then wrangler dev
 *   await fetch(`${world.baseUrl}/api/status`, { headers: { Authorization: `Bearer ${world.token}` } });
 *   await world.stop();                             // wrangler and its workerd, the simulators, the temp folder
 *
 * - Ports: the worker and its inspector on free ports (asked of the OS), the simulators on free ports too, so
 *   runs never collide with `npm start` (8787/9100/9200) or with each other.
 * - State: D1 and the Durable Objects persist under a fresh temp folder (`persistDir`), with the D1
 *   migrations applied first; removed by `stop()` unless EDGETRADER_E2E_KEEP=1 (then its wrangler.log stays too).
 * - Token: a random 48-character root API_TOKEN (admin), passed in an env file only this user can read, never on
 *   the command line; `EDGETRADER_LOCAL=true` as in `npm start`. Tests create scoped tokens with POST /api/tokens.
 * - Vars: the simulators' URLs, the feed clock, short wall-clock intervals (ENGINE_CONFIG) and `vars` of the caller.
 * - Exchange: the simulator's default session (the worker's feed and REST) replays real candles in manual mode
 *   from 2026-03-26 unless `sim` says otherwise: its clock moves only when told, over HTTP (`POST {simUrl}/sim/advance`
 *   `{"minutes": 60}`, `/sim/control`, `GET /sim/state`) or in-process with `world.exchange`.
 * - Teardown: wrangler runs in its own process group, killed whole (SIGTERM, SIGKILL after 5 s), so no workerd is
 *   left behind; the same kill runs if this process exits without calling stop().
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startExchangeSim, type ExchangeSim, type SessionOptions } from "../../sim/exchange/server";
import { startLlmSim, type LlmSim } from "../../sim/llm/server";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");

export interface LocalWorldOptions {
  /** The exchange simulator's default session (the worker's market). Default: manual replay from 2026-03-26, paused. */
  sim?: SessionOptions;
  /** ENGINE_CONFIG of the worker (merged over short test intervals). */
  engineConfig?: Record<string, unknown>;
  /** More `--var`s for the worker (non-secret). */
  vars?: Record<string, string>;
  /** How long wrangler dev may take to answer /health. Default 180 s. */
  startTimeoutMs?: number;
}

export interface LocalWorld {
  /** The worker, e.g. http://127.0.0.1:43117 (no trailing slash). */
  baseUrl: string;
  /** The root API_TOKEN (admin scope). */
  token: string;
  simUrl: string;
  simWsUrl: string;
  llmUrl: string;
  /** The in-process simulators, for tests in the same process (a global setup's tests reach them over HTTP). */
  exchange: ExchangeSim;
  llm: LlmSim;
  /** D1 and Durable Object state, and wrangler.log. */
  persistDir: string;
  /** How long the D1 migrations and wrangler dev (until /health answered) took, ms. */
  timings: { migrationsMs: number; workerMs: number };
  /** The last lines wrangler printed (for a failure message). */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

/** Short wall-clock intervals, as the workers tests use; the rule pipeline decides. */
const E2E_ENGINE_CONFIG = {
  account: { snapshotIntervalMs: 1_000 },
  llm: { decider: "rule", timeoutMs: 1_500 },
  ticker: { heartbeatMs: 500, silenceMs: 2_000, backoffBaseMs: 100, backoffMaxMs: 1_000, derivativesPollMs: 1_000 },
};

/** A port the OS says is free now (closed again before wrangler binds it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole group: wrangler, esbuild, workerd
  } catch {
    // already gone
  }
}

async function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

export async function startLocalWorld(o: LocalWorldOptions = {}): Promise<LocalWorld> {
  const persistDir = mkdtempSync(join(tmpdir(), "edgetrader-e2e-"));
  const logPath = join(persistDir, "wrangler.log");
  const cleanups: (() => Promise<void> | void)[] = [];
  let dev: ChildProcess | null = null;
  const onExit = () => dev && killGroup(dev, "SIGKILL");
  const logTail = (lines = 40) => {
    try {
      return readFileSync(logPath, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no wrangler.log)";
    }
  };
  const stop = async () => {
    if (dev) {
      killGroup(dev, "SIGTERM");
      if (!(await waitForExit(dev, 5_000))) {
        killGroup(dev, "SIGKILL");
        await waitForExit(dev, 5_000);
      }
      process.off("exit", onExit);
      dev = null;
    }
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
    if (process.env.EDGETRADER_E2E_KEEP !== "1") rmSync(persistDir, { recursive: true, force: true });
  };

  try {
    const exchange = await startExchangeSim({ defaultSession: o.sim ?? { start: "2026-03-26T00:00:00Z", mode: "manual", partials: 1 } });
    cleanups.push(() => exchange.close());
    const llm = await startLlmSim();
    cleanups.push(() => llm.close());

    const t0 = Date.now();
    const migrate = spawnSync(WRANGLER, ["d1", "migrations", "apply", "edgetrader", "--local", "--persist-to", persistDir], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
    });
    if (migrate.status !== 0) throw new Error(`D1 migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);

    const migrationsMs = Date.now() - t0;
    const t1 = Date.now();
    const token = `e2e-${randomBytes(24).toString("hex")}`;
    const [port, inspectorPort] = [await freePort(), await freePort()];
    const secretsFile = join(persistDir, "secrets.env");
    writeFileSync(secretsFile, `API_TOKEN=${token}\nANTHROPIC_API_KEY=local-llm-sim\n`, { mode: 0o600 });
    const vars: Record<string, string> = {
      EDGETRADER_LOCAL: "true",
      CLOCK_MODE: "feed",
      LOG_LEVEL: "warn",
      FEED_WS_URL: exchange.wsUrl,
      EXCHANGE_REST_URL: exchange.url,
      FUTURES_REST_URL: exchange.url,
      ANTHROPIC_BASE_URL: llm.url,
      ENGINE_CONFIG: JSON.stringify({ ...E2E_ENGINE_CONFIG, ...o.engineConfig }),
      ...o.vars,
    };
    const args = [
      "dev",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      persistDir,
      "--env-file",
      secretsFile,
      "--show-interactive-dev-session=false",
      "--log-level",
      "log",
    ];
    for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
    const log = createWriteStream(logPath);
    cleanups.push(() => new Promise<void>((r) => log.end(r)));
    const child = spawn(WRANGLER, args, { cwd: ROOT, detached: true, env: { ...process.env, NO_COLOR: "1", WRANGLER_SEND_METRICS: "false", CI: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    dev = child;
    process.on("exit", onExit);
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);

    const baseUrl = `http://127.0.0.1:${port}`;
    const until = Date.now() + (o.startTimeoutMs ?? 180_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`wrangler dev exited (${child.exitCode ?? child.signalCode}) before answering /health:\n${logTail()}`);
      try {
        if ((await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) })).ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > until) throw new Error(`wrangler dev did not answer ${baseUrl}/health within ${(o.startTimeoutMs ?? 180_000) / 1000} s:\n${logTail()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const timings = { migrationsMs, workerMs: Date.now() - t1 };
    return { timings, baseUrl, token, simUrl: exchange.url, simWsUrl: exchange.wsUrl, llmUrl: llm.url, exchange, llm, persistDir, logTail, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
