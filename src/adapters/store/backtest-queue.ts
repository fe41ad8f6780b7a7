/**
 * One backtest at a time per portfolio (POST /api/backtests, MCP run_backtest), first come first served, in D1's
 * `backtest_queue`: each request holds a row with a lease it renews while it waits and runs; the head of the
 * queue runs. A request that dies stops renewing and its row is swept when the lease runs out.
 */
export interface BacktestQueueOptions {
  /** Runs waiting or running per portfolio at most; one more is refused. */
  maxQueued: number;
  /** How long a row lives without renewal. */
  leaseMs: number;
  /** How long a request waits for its turn before giving up. */
  maxWaitMs: number;
  pollMs: number;
}

export const BACKTEST_QUEUE: BacktestQueueOptions = { maxQueued: 4, leaseMs: 120_000, maxWaitMs: 60_000, pollMs: 250 };

export type QueueTurn = { kind: "turn"; release: () => Promise<void>; renew: () => Promise<void> } | { kind: "full"; queued: number } | { kind: "timeout"; ahead: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Joins the portfolio's queue and waits for its turn; `release` must be called when the run ends. */
export async function waitForBacktestTurn(db: D1Database, portfolio: string, id: string, o: BacktestQueueOptions = BACKTEST_QUEUE, now: () => number = Date.now): Promise<QueueTurn> {
  const sweep = () => db.prepare("DELETE FROM backtest_queue WHERE portfolio = ? AND lease_until < ?").bind(portfolio, now()).run();
  await sweep();
  // Count and insert in one statement: two requests cannot both take the last place.
  const joined = await db
    .prepare("INSERT INTO backtest_queue (id, portfolio, enqueued_at, lease_until) SELECT ?, ?, ?, ? WHERE (SELECT COUNT(*) FROM backtest_queue WHERE portfolio = ?) < ?")
    .bind(id, portfolio, now(), now() + o.leaseMs, portfolio, o.maxQueued)
    .run();
  if (joined.meta.changes === 0) {
    const queued = (await db.prepare("SELECT COUNT(*) AS n FROM backtest_queue WHERE portfolio = ?").bind(portfolio).first<{ n: number }>())?.n ?? o.maxQueued;
    return { kind: "full", queued };
  }
  const renew = async () => {
    await db
      .prepare("UPDATE backtest_queue SET lease_until = ? WHERE id = ?")
      .bind(now() + o.leaseMs, id)
      .run();
  };
  const release = async () => {
    await db.prepare("DELETE FROM backtest_queue WHERE id = ?").bind(id).run();
  };
  const started = now();
  for (;;) {
    const ahead =
      (
        await db
          .prepare(
            "SELECT COUNT(*) AS n FROM backtest_queue WHERE portfolio = ? AND (enqueued_at < (SELECT enqueued_at FROM backtest_queue WHERE id = ?) OR (enqueued_at = (SELECT enqueued_at FROM backtest_queue WHERE id = ?) AND id < ?))",
          )
          .bind(portfolio, id, id, id)
          .first<{ n: number }>()
      )?.n ?? 0;
    if (ahead === 0) return { kind: "turn", release, renew };
    if (now() - started >= o.maxWaitMs) {
      await release();
      return { kind: "timeout", ahead };
    }
    await sleep(o.pollMs);
    await renew();
    await sweep();
  }
}
