// `node group-guard.mjs <command> [args…]`, started by scripts/lib/process-group.ts: runs the command in a
// process group of its own (with everything it starts, e.g. wrangler's workerd) and ends that whole group
// when asked (SIGINT, SIGTERM, SIGHUP), when the command exits, or when the parent dies: fd 3 is a pipe
// from the parent, and its end of file means the parent is gone, however it ended (even SIGKILL).
// Plain JavaScript so it starts in plain Node, without tsx.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { Socket } from "node:net";
import { constants } from "node:os";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: node group-guard.mjs <command> [args…]");
  process.exit(2);
}
const graceMs = Number(process.env.GROUP_GUARD_GRACE_MS ?? 5000);
const child = spawn(command, args, { stdio: "inherit", detached: true });
const pgid = child.pid;
let exitCode = null;
let stopping = false;

/** Whether a live (not zombie) process is left in the group. */
function groupAlive() {
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    return e.code === "EPERM";
  }
  let entries;
  try {
    entries = readdirSync("/proc");
  } catch {
    return true; // no /proc: trust kill(0)
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") return true;
    } catch {
      // ended while we looked
    }
  }
  return false;
}

function signalGroup(signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is empty
  }
}

function stop(signal) {
  if (stopping) return;
  stopping = true;
  signalGroup(signal);
  const deadline = Date.now() + graceMs;
  let killed = false;
  setInterval(() => {
    if (!groupAlive()) return process.exit(exitCode ?? 0);
    if (Date.now() >= deadline && !killed) {
      killed = true;
      signalGroup("SIGKILL");
    }
    // Zombies that no one reaps must not keep us here.
    if (Date.now() >= deadline + 1000) process.exit(exitCode ?? 1);
  }, 50);
}

if (!pgid) {
  child.once("error", (e) => {
    console.error(`${command}: ${e.message}`);
    process.exit(127);
  });
} else {
  child.once("exit", (code, signal) => {
    exitCode = code ?? 128 + (constants.signals[signal] ?? 0);
    // Whatever it started and left behind goes with it.
    stop("SIGTERM");
  });
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => stop(s === "SIGHUP" ? "SIGTERM" : s));
  try {
    const lifeline = new Socket({ fd: 3, readable: true, writable: false });
    lifeline.on("data", () => {});
    lifeline.on("end", () => stop("SIGTERM"));
    lifeline.on("error", () => stop("SIGTERM"));
  } catch {
    // started without a lifeline: only signals and the command's exit end the group
  }
}
