import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const GUARD = fileURLToPath(new URL("./group-guard.mjs", import.meta.url));
const running = new Set<ChildProcess>();

type Stdio = "ignore" | "inherit" | "pipe";

export interface GroupOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdin, stdout and stderr as for spawn; default: ignore stdin, pipe the others. */
  stdio?: [Stdio, Stdio, Stdio];
}

/**
 * Starts `command` in a process group of its own (detached), through scripts/lib/group-guard.mjs: the group, and
 * everything the command starts, ends when stopGroup/stopAllGroups asks, when the command exits, or when this
 * process dies in any way (the guard reads end of file on a pipe from us). The returned child is the guard: its
 * stdout/stderr are the command's, its exit code the command's.
 */
export function spawnGroup(command: string, args: readonly string[], opts: GroupOptions = {}): ChildProcess {
  const [stdin, stdout, stderr] = opts.stdio ?? ["ignore", "pipe", "pipe"];
  const child = spawn(process.execPath, [GUARD, command, ...args], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: [stdin, stdout, stderr, "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  child.once("error", () => running.delete(child));
  return child;
}

/** Asks one group to end (the guard escalates to SIGKILL after its grace); resolves when it has. */
export function stopGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

/** Ends every group started here; resolves when all have ended. */
export function stopAllGroups(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  return Promise.all([...running].map((c) => stopGroup(c, signal))).then(() => undefined);
}

/** Synchronous, for process.on("exit"): tells every guard to end its group; they finish on their own. */
export function signalAllGroups(signal: NodeJS.Signals = "SIGTERM"): void {
  for (const c of running) c.kill(signal);
}

/** Runs a command to its end in its own group; its output, collected. */
export function runGroup(command: string, args: readonly string[], opts: Omit<GroupOptions, "stdio"> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnGroup(command, args, opts);
    let output = "";
    child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, output }));
  });
}
