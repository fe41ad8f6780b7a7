import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isLauncher, launcherChain, ppidFromStat } from "../../../scripts/lib/parent-watch";
import { runGroup } from "../../../scripts/lib/process-group";

const TSX = join(process.cwd(), "node_modules/.bin/tsx");
const FIXTURE = join(process.cwd(), "test/unit/cli/fixtures/group-parent.ts");

/** Running and not a zombie (an orphan nobody reaped yet is as good as gone). */
function running(pid: number): boolean {
  if (existsSync("/proc")) {
    try {
      return ppidFromStat(readFileSync(`/proc/${pid}/stat`, "utf8")) !== null;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

interface Started {
  launcher: ChildProcess;
  pids: { parent: number; child: number; grandchild: number };
}

const started: Started[] = [];

/** tsx running the fixture (tsx is the launcher, as under npm start); resolves once the grandchild runs. */
function startFixture(): Promise<Started> {
  const launcher = spawn(TSX, [FIXTURE], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    launcher.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (!line) return;
      const s = { launcher, pids: JSON.parse(line) as Started["pids"] };
      started.push(s);
      resolve(s);
    });
    launcher.once("exit", (code) => reject(new Error(`the fixture exited (${code}) before it started its child`)));
  });
}

afterEach(() => {
  for (const s of started.splice(0)) for (const pid of [s.pids.grandchild, s.pids.child, s.pids.parent, s.launcher.pid!]) if (running(pid)) process.kill(pid, "SIGKILL");
});

describe("children in their own process group", () => {
  it("runs the command in a group of its own, not ours", async () => {
    if (!existsSync("/proc")) return;
    const { pids } = await startFixture();
    const pgid = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[3]);
    expect(pgid(pids.child)).toBe(pids.child);
    expect(pgid(pids.grandchild)).toBe(pids.child);
    expect(pgid(pids.parent)).not.toBe(pids.child);
  });

  it("ends child and grandchild when the launcher alone gets SIGTERM", async () => {
    const { launcher, pids } = await startFixture();
    launcher.kill("SIGTERM");
    expect(await until(() => !running(pids.child) && !running(pids.grandchild), 10_000)).toBe(true);
    expect(await until(() => !running(pids.parent), 5_000)).toBe(true);
  });

  it("ends them when the parent is killed outright (SIGKILL: no handler runs, the guard sees its pipe close)", async () => {
    const { pids } = await startFixture();
    process.kill(pids.parent, "SIGKILL");
    expect(await until(() => !running(pids.child) && !running(pids.grandchild), 10_000)).toBe(true);
  });

  it("ends them when the launcher dies of a signal it does not pass on (SIGHUP)", async () => {
    const { launcher, pids } = await startFixture();
    launcher.kill("SIGHUP");
    expect(await until(() => !running(pids.parent) && !running(pids.child) && !running(pids.grandchild), 10_000)).toBe(true);
  });

  it("runs a command to its end and returns its exit code and output", async () => {
    const r = await runGroup(process.execPath, ["-e", "console.log('out'); console.error('err'); process.exit(3)"]);
    expect(r.code).toBe(3);
    expect(r.output).toContain("out");
    expect(r.output).toContain("err");
  });
});

describe("the launcher watch", () => {
  it("reads the parent from /proc/<pid>/stat, names with spaces and parentheses included; a zombie has none", () => {
    expect(ppidFromStat("1234 (node (x) y) S 42 1234 1234 0 -1")).toBe(42);
    expect(ppidFromStat("1234 (npm) Z 42 1234 1234 0 -1")).toBeNull();
  });

  it("knows npm, npx, tsx and npm's sh -c as launchers, not a shell or an editor", () => {
    for (const c of ["npm start", "node /usr/lib/node_modules/npm/bin/npm-cli.js start", "node /work/main/node_modules/.bin/tsx scripts/start.ts", "sh -c tsx scripts/start.ts", "npx tsx x.ts"])
      expect(isLauncher(c), c).toBe(true);
    for (const c of ["bash", "-bash", "/usr/bin/zsh", "vim scripts/npm.ts", "node server.js"]) expect(isLauncher(c), c).toBe(false);
  });

  it("has no launchers above a process that is not one (a test worker)", () => {
    expect(launcherChain(process.pid)).toEqual([]);
  });
});
