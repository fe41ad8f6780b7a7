import { readFileSync } from "node:fs";

/** The parent pid in a /proc/<pid>/stat line (the command name in parentheses may hold spaces and parentheses). */
export function ppidFromStat(stat: string): number | null {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ppid = Number(fields[1]);
  return fields[0] !== "Z" && Number.isInteger(ppid) ? ppid : null;
}

/** The parent of a live process, or null when it is gone (a zombie counts as gone) or there is no /proc. */
function parentOf(pid: number): number | null {
  try {
    return ppidFromStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** npm, npx, tsx and the `sh -c` npm runs a script in: processes that only launch us and die with nothing else to do. */
export function isLauncher(cmdline: string): boolean {
  return /(^|[\s/])(npm|npx|tsx)(\s|$)|npm-cli\.js|npx-cli\.js|\/tsx\/dist\/cli\.m?js|^(\/bin\/)?sh -c /.test(cmdline);
}

/** The launchers we run under, nearest first: our parent if it is one, its parent if that is one too, and so on. */
export function launcherChain(from = process.ppid): number[] {
  const chain: number[] = [];
  for (let pid = from; chain.length < 6 && pid > 1 && isLauncher(commandOf(pid));) {
    chain.push(pid);
    const up = parentOf(pid);
    if (up === null) break;
    pid = up;
  }
  return chain;
}

/**
 * Calls `onGone` once when our parent or a launcher above it (npm, tsx) ends: `npm start` killed with a signal
 * npm or tsx does not pass on (SIGHUP, SIGKILL) must not leave us and our children running. Without /proc only
 * our own parent is watched. Returns a function that stops watching.
 */
export function watchLaunchers(onGone: (why: string) => void, everyMs = 1000): () => void {
  const parent = process.ppid;
  const chain = launcherChain(parent);
  const timer = setInterval(() => {
    const ended = process.ppid !== parent ? parent : chain.find((pid) => parentOf(pid) === null);
    if (ended === undefined) return;
    clearInterval(timer);
    onGone(`${chain.includes(ended) ? "the launcher (npm, sh or tsx)" : "the parent process"} ${ended} ended`);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
