import { Hono } from "hono";
import { actors, type AppEnv } from "../context";

/** Everything at a glance: account, feeds, gate, learner. */
export const statusRoutes = new Hono<AppEnv>().get("/status", async (c) => {
  const a = actors(c.env);
  const gate = await a.gate.status();
  const [account, learner, feeds] = await Promise.all([
    gate.configured ? a.account.summary() : Promise.resolve(null),
    a.learner.status(),
    Promise.all(gate.symbols.map((s) => a.ticker(s).status())),
  ]);
  return c.json({
    portfolio: a.portfolio,
    mode: "paper",
    clock: { mode: c.env.CLOCK_MODE === "feed" ? "feed" : "wall", now: gate.now },
    account,
    feeds: feeds.map((f) => ({ symbol: f.symbol, status: f.feed.status, lastPrice: f.last?.price ?? null, lastEventAt: f.feed.lastEventAt, framesOk: f.feed.framesOk, dropped: f.feed.dropped, disconnects: f.feed.disconnects, candlesBackfilled: f.feed.candlesBackfilled, lastError: f.feed.lastError })),
    gate: { decisions: gate.decisions, inFlight: gate.state.inFlight, nextCheckAt: gate.state.nextCheckAt, lastTickAgoMs: gate.lastTickAgoMs, counts: gate.counts },
    learner,
  });
});
