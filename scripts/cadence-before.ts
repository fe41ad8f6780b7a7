/**
 * The cadence of the code before issue 12, measured as the backtester replays it: 1m candles, decisions on 4h (the live
 * default), Claude through the local Messages-API server. Prints per-day call counts and the review calls the live engine
 * of that time would have added (a Claude review per open position every 3 minutes of engine time).
 * Run it in a checkout of the old code (docs/RESULTS.md, "Claude's cadence on the 1m weeks"); on this code
 * `npm run backtest -- --timeframe 1m --decision-timeframe 4h --decider claude --llm-url sim --json` gives its figures.
 */
import { runBacktest } from "../src/lib/backtest/engine";
import { claudeDecider } from "../src/adapters/llm/backtest-deciders";
import { ClaudeClient } from "../src/adapters/llm/claude-client";
import { startLlmSim } from "../sim/llm/server";
import { shippedInput } from "../tools/backtest/prepare";
import { specFrom } from "../tools/backtest/args";

const [from, to, symbols] = process.argv.slice(2);
const spec = specFrom({ strategy: "pipeline", symbols, timeframe: "1m", from, to, cash: "10000", seed: "1", param: [] });
const input = shippedInput(spec, {});
const config = { ...input.config, gate: { ...input.config.gate, decisionTimeframe: "4h" as const } };
const sim = await startLlmSim({ port: 0 });
const client = new ClaudeClient({ apiKey: "local", baseURL: sim.url, timeoutMs: config.llm.timeoutMs });
const usages: { input: number; write: number; read: number }[] = [];
const send = client.send.bind(client);
client.send = async (req) => {
  const r = await send(req);
  const u = (r.raw as { usage?: Record<string, number> } | null)?.usage;
  if (u) usages.push({ input: u.input_tokens ?? 0, write: u.cache_creation_input_tokens ?? 0, read: u.cache_read_input_tokens ?? 0 });
  return r;
};
const result = await runBacktest({ ...input, config, decider: claudeDecider(client, config.llm) });
await sim.close();
const DAY = 86_400_000;
const days = (result.stats.to - result.stats.from) / DAY;
const perDay: Record<string, number> = {};
for (const d of result.decisions) perDay[new Date(d.at).toISOString().slice(0, 10)] = (perDay[new Date(d.at).toISOString().slice(0, 10)] ?? 0) + 1;
const byLayer: Record<string, number> = {};
for (const d of result.decisions) byLayer[d.layer] = (byLayer[d.layer] ?? 0) + 1;
// Reviews the live engine made then: one Claude call per open position every reviewIntervalMs of engine time.
let openMs = 0;
for (const t of result.trades) openMs += t.exitAt - t.entryAt;
for (const p of Object.values(result.book.positions)) if (p.status === "open" && p.openedAt !== null) openMs += result.stats.to - p.openedAt;
const reviewCalls = Math.floor(openMs / config.exits.reviewIntervalMs);
const sent = usages.reduce((a, u) => a + u.input + u.write + u.read, 0);
const read = usages.reduce((a, u) => a + u.read, 0);
console.log(
  JSON.stringify(
    {
      from,
      to,
      symbols,
      days,
      decisions: result.decisions.length,
      decisionsPerDay: result.decisions.length / days,
      byLayer,
      perDay,
      reviewCallsLive: reviewCalls,
      callsPerDayWithReviews: (result.decisions.length + reviewCalls) / days,
      cacheReadShare: sent ? read / sent : null,
      costUsd: result.llmCostUsd,
      costPerDayDecisions: result.llmCostUsd / days,
      trades: result.trades.length,
    },
    null,
    1,
  ),
);
