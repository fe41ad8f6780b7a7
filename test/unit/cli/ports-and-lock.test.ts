import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { acquireLock, lockRefusal, stateDirFor, type LockHolder } from "../../../scripts/lib/instance-lock";
import { busyPorts, busyPortsMessage, portFree } from "../../../scripts/lib/ports";

const run = promisify(execFile);
const TSX = join(process.cwd(), "node_modules/.bin/tsx");
const failed = (e: unknown) => e as { code: number; stdout: string; stderr: string };

function listen(port = 0): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(port, "127.0.0.1", () => resolve(s));
  });
}
const portOf = (s: Server) => (s.address() as { port: number }).port;
const close = (s: Server) => new Promise((r) => s.close(r));

/** Ports free a moment ago (bound to 0, then released). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => listen()));
  const ports = servers.map(portOf);
  await Promise.all(servers.map(close));
  return ports;
}

const cleanup: string[] = [];
afterAll(() => {
  for (const p of cleanup) rmSync(p, { recursive: true, force: true });
});

describe("port checks", () => {
  it("finds the ports something listens on, and only those", async () => {
    const server = await listen();
    const port = portOf(server);
    const [free] = await freePorts(1);
    expect(await portFree(port)).toBe(false);
    expect(
      await busyPorts([
        { option: "--port", port },
        { option: "--sim-port", port: free! },
      ]),
    ).toEqual([{ option: "--port", port }]);
    await close(server);
    expect(await portFree(port)).toBe(true);
  });

  it("says which ports are taken and points at all three port options, not --sim-port alone", () => {
    const one = busyPortsMessage([{ option: "--sim-port", port: 9100 }]);
    expect(one).toMatch(/^port 9100 \(--sim-port\) is in use/);
    const two = busyPortsMessage([
      { option: "--port", port: 8787 },
      { option: "--sim-port", port: 9100 },
    ]);
    expect(two).toMatch(/^ports 8787 \(--port\), 9100 \(--sim-port\) are in use/);
    for (const m of [one, two]) {
      expect(m).toMatch(/--port, --sim-port and --llm-port together/);
      expect(m).not.toContain("\n");
    }
  });

  it("npm start on a busy port prints the error once and exits 1", { timeout: 30_000 }, async () => {
    const server = await listen();
    const [sim, llm] = await freePorts(2);
    const port = portOf(server);
    cleanup.push(join(process.cwd(), `${stateDirFor(port)}.lock`));
    const e = failed(
      await run(TSX, ["scripts/start.ts", "--port", String(port), "--sim-port", String(sim), "--llm-port", String(llm)], {
        env: { ...process.env, ANTHROPIC_API_KEY: "", ANTHROPIC_BASE_URL: "" },
      }).then(
        () => null,
        (x: unknown) => x,
      ),
    );
    await close(server);
    expect(e?.code).toBe(1);
    const lines = e.stderr.split("\n").filter((l) => l.trim());
    expect(lines).toEqual([
      `✖ port ${port} (--port) is in use (another npm start, or another program): stop it, or pick free ports with --port, --sim-port and --llm-port together (each --port keeps its own demo state)`,
    ]);
    // It let go of its lock on the way out.
    expect(existsSync(join(process.cwd(), `${stateDirFor(port)}.lock`))).toBe(false);
  });
});

describe("one instance per demo state", () => {
  const me: LockHolder = { pid: process.pid, ports: { port: 8787, simPort: 9100, llmPort: 9200 }, startedAt: "2026-01-01T00:00:00.000Z" };

  it("keeps a state folder per worker port (8787 keeps the documented .wrangler/demo)", () => {
    expect(stateDirFor(8787)).toBe(".wrangler/demo");
    expect(stateDirFor(8788)).toBe(".wrangler/demo-8788");
  });

  it("takes a free lock, refuses while its holder lives, takes over a dead holder's, and releases only its own", () => {
    const dir = mkdtempSync(join(tmpdir(), "start-lock-"));
    cleanup.push(dir);
    const path = join(dir, "demo.lock");
    const other = { ...me, pid: 4_000_001 };
    const mine = acquireLock(path, me);
    expect(mine.held).toBe(true);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual(me);
    expect(acquireLock(path, other, () => true)).toEqual({ held: false, holder: me });
    if (mine.held) mine.release();
    expect(existsSync(path)).toBe(false);

    writeFileSync(path, JSON.stringify(other));
    const taken = acquireLock(path, me, (pid) => pid !== other.pid);
    expect(taken.held).toBe(true);
    writeFileSync(path, JSON.stringify(other));
    if (taken.held) taken.release();
    expect(existsSync(path)).toBe(true);
  });

  it("says who holds the state and how to run beside it", () => {
    const m = lockRefusal(".wrangler/demo", { ...me, pid: 1234 });
    expect(m).toContain("pid 1234");
    expect(m).toContain("--port 8788 --sim-port 9101 --llm-port 9201");
    expect(m).toContain(".wrangler/demo-8788");
  });

  it("npm start refuses a state a running instance holds, and deletes nothing of it", { timeout: 30_000 }, async () => {
    const [port, sim, llm] = await freePorts(3);
    const state = join(process.cwd(), stateDirFor(port!));
    cleanup.push(state, `${state}.lock`);
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, "kept.txt"), "the running instance's");
    // This test's own process stands in for the running instance: it is alive.
    writeFileSync(`${state}.lock`, JSON.stringify({ ...me, ports: { port: port!, simPort: sim!, llmPort: llm! } }));
    const e = failed(
      await run(TSX, ["scripts/start.ts", "--port", String(port), "--sim-port", String(sim), "--llm-port", String(llm)]).then(
        () => null,
        (x: unknown) => x,
      ),
    );
    expect(e?.code).toBe(1);
    expect(e.stderr).toContain(`another npm start (pid ${process.pid}`);
    expect(readFileSync(join(state, "kept.txt"), "utf8")).toBe("the running instance's");
    expect(JSON.parse(readFileSync(`${state}.lock`, "utf8")).pid).toBe(process.pid);
  });
});
