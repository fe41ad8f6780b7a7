import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** `npm start`'s state folder for a worker port (relative to the repository): one per port, so instances on other ports never share it. */
export function stateDirFor(port: number): string {
  return port === 8787 ? ".wrangler/demo" : `.wrangler/demo-${port}`;
}

export interface LockHolder {
  pid: number;
  ports: { port: number; simPort: number; llmPort: number };
  startedAt: string;
}

export type LockResult = { held: true; release(): void } | { held: false; holder: LockHolder };

/** Whether a process with this id runs (EPERM: it runs as another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    return Number.isInteger(h.pid) && h.pid > 0 ? h : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock file at `path` for `me`, or answers who holds it. A lock whose process is gone (a crash, a
 * SIGKILL) is stale and taken over.
 */
export function acquireLock(path: string, me: LockHolder, alive: (pid: number) => boolean = pidAlive): LockResult {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify(me)}\n`, { flag: "wx" });
      return {
        held: true,
        release: () => {
          if (readHolder(path)?.pid !== me.pid) return;
          try {
            unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const holder = readHolder(path);
    if (holder && holder.pid !== me.pid && alive(holder.pid)) return { held: false, holder };
    try {
      unlinkSync(path);
    } catch {
      // another starter removed it first
    }
  }
  throw new Error(`could not take the lock ${path}`);
}

/** Why this start refuses, and what to do instead. */
export function lockRefusal(stateDir: string, holder: LockHolder): string {
  const p = holder.ports;
  return (
    `another npm start (pid ${holder.pid}, since ${holder.startedAt}, ports ${p.port}/${p.simPort}/${p.llmPort}) is using ${stateDir}: ` +
    `stop it first (Ctrl-C in its terminal, or kill ${holder.pid}), or run this one beside it on other ports, e.g. ` +
    `--port ${p.port + 1} --sim-port ${p.simPort + 1} --llm-port ${p.llmPort + 1} (its state goes to ${stateDirFor(p.port + 1)})`
  );
}
