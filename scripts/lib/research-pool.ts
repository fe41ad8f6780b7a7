import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { UsageError } from "../../tools/backtest/args";
import { researchData, runResearchTask, type ResearchResult, type ResearchTask } from "./research-run";

export const WORKERS_OPTIONS = { workers: { type: "string" } } as const;

export const WORKERS_HELP = `  --workers <n>          runs side by side, one worker thread each; 1 runs them one after another in the
                         main thread. The results are the same for every n        [number of cores]`;

/** --workers, or the number of cores. */
export function workersFrom(values: { workers?: unknown }): number {
  if (values.workers === undefined) return availableParallelism();
  const n = Number(values.workers);
  if (!(Number.isInteger(n) && n >= 1 && n <= 256)) throw new UsageError(`--workers must be a whole number from 1 to 256, got ${String(values.workers)}`);
  return n;
}

/**
 * Runs a search's backtests. Ask for every run at once: the pool queues them and runs one at a time per
 * thread, in the order asked. Every run is independent (own input, own account, seeded), so which thread
 * runs it changes nothing in its result.
 */
export interface ResearchPool {
  /** Threads that run backtests (1: the main thread itself). */
  readonly workers: number;
  run(task: ResearchTask): Promise<ResearchResult>;
  /** Stops the worker threads (queued runs are refused). */
  close(): Promise<void>;
}

/** A pool of `workers` worker threads, or the main thread alone when `workers` is 1. */
export function researchPool(workers: number): ResearchPool {
  return workers <= 1 ? mainThreadPool() : threadPool(workers);
}

function mainThreadPool(): ResearchPool {
  const data = researchData();
  let tail: Promise<unknown> = Promise.resolve();
  return {
    workers: 1,
    run(task) {
      const next = tail.then(() => runResearchTask(data, task));
      tail = next.catch(() => undefined);
      return next;
    },
    close: async () => {},
  };
}

/** How an error crosses from a worker: its kind decides how the command reports it (usage errors exit 2). */
export interface ErrorData {
  kind: "usage" | "range" | "other";
  message: string;
  stack?: string;
}

export const errorData = (e: unknown): ErrorData => ({
  kind: e instanceof UsageError ? "usage" : e instanceof RangeError ? "range" : "other",
  message: e instanceof Error ? e.message : String(e),
  ...(e instanceof Error && e.stack ? { stack: e.stack } : {}),
});

function errorFrom(d: ErrorData): Error {
  if (d.kind === "usage") return new UsageError(d.message);
  if (d.kind === "range") return new RangeError(d.message);
  return Object.assign(new Error(d.message), d.stack ? { stack: d.stack } : {});
}

export type WorkerReply = { id: number; result: ResearchResult } | { id: number; error: ErrorData };

interface Job {
  id: number;
  task: ResearchTask;
  resolve: (r: ResearchResult) => void;
  reject: (e: Error) => void;
}

/** The worker entry: plain JavaScript that loads research-worker.ts through tsx (a worker has no loader of its own). */
const ENTRY = new URL("./research-worker.mjs", import.meta.url);

function threadPool(size: number): ResearchPool {
  const queue: Job[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Job>();
  const threads: Worker[] = [];
  let nextId = 0;
  let broken: Error | null = null;
  let closing = false;

  const fail = (e: Error) => {
    broken ??= e;
    for (const job of [...busy.values(), ...queue.splice(0)]) job.reject(e);
    busy.clear();
  };
  const dispatch = () => {
    while (queue.length > 0) {
      let w = idle.pop();
      if (!w && threads.length < size) w = spawn();
      if (!w) return;
      const job = queue.shift()!;
      busy.set(w, job);
      w.postMessage({ id: job.id, task: job.task });
    }
  };
  const spawn = (): Worker => {
    const w = new Worker(ENTRY, { execArgv: [] });
    threads.push(w);
    w.on("message", (m: WorkerReply) => {
      const job = busy.get(w);
      if (!job || job.id !== m.id) return fail(new Error(`research worker answered run ${m.id}, which it was not running`));
      busy.delete(w);
      if ("error" in m) job.reject(errorFrom(m.error));
      else job.resolve(m.result);
      idle.push(w);
      dispatch();
    });
    w.on("error", (e) => fail(e));
    w.on("exit", (code) => {
      if (busy.has(w) || (code !== 0 && !closing)) fail(new Error(`a research worker thread exited (code ${code})`));
    });
    return w;
  };
  return {
    workers: size,
    run(task) {
      if (broken) return Promise.reject(broken);
      return new Promise<ResearchResult>((resolve, reject) => {
        queue.push({ id: nextId++, task, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closing = true;
      fail(new Error("the research pool was closed"));
      await Promise.all(threads.map((w) => w.terminate()));
    },
  };
}
