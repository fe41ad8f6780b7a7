import { runBacktest } from "../src/lib/backtest/engine";
import { EngineConfigSchema } from "../src/lib/config";
import { loadCandles, loadFunding } from "../sim/data/candles";
const SYMS = ["BTC", "ETH", "SOL"];
const from = Date.UTC(2024, 0, 1), to = Date.UTC(2025, 0, 1);
const mode = process.argv[2] ?? "strategy";
const tf = (process.argv[3] ?? "4h") as "4h" | "15m" | "1d" | "1m";
const cfg = EngineConfigSchema.parse({ rules: mode === "strategy" ? { decider: "single-strategy", strategy: "regime-blend" } : {}, quant: { enabled: process.argv[4] === "quant" }, regime: { hmm: process.argv[5] === "hmm" } });
const candles: Record<string, any> = {}, history: Record<string, any> = {}, funding: Record<string, any> = {};
for (const s of SYMS) {
  const sym = `${s}/USDT`;
  candles[sym] = loadCandles(`${s}USDT`, tf).filter((c) => c.t >= from && c.t < to);
  history[sym] = { "1d": loadCandles(`${s}USDT`, "1d").filter((c) => c.t < from), "4h": loadCandles(`${s}USDT`, "4h").filter((c) => c.t < from) };
  funding[sym] = loadFunding(`${s}USDT`).map((p) => ({ at: p.t, value: p.rate }));
}
const t0 = performance.now();
const r = await runBacktest({ candles, baseTimeframe: tf, history, funding, config: cfg, initialCash: 10000, seed: 1 });
const ms = performance.now() - t0;
const layers: Record<string, number> = {}; for (const d of r.decisions) layers[d.layer] = (layers[d.layer] ?? 0) + 1; console.log(layers, r.decisions.slice(0,4).map(d=>[new Date(d.at).toISOString(), d.layer, d.reason.slice(0,80)]));
console.log(JSON.stringify({ ms: Math.round(ms), candlesPerSec: Math.round(r.stats.baseCandles / (ms / 1000)), stats: r.stats, trades: r.trades.length, decisions: r.decisions.length, finalEquity: r.equity.at(-1), firstTrades: r.trades.slice(0, 3).map((t) => [t.symbol, new Date(t.entryAt).toISOString(), t.exitKind, t.pnlPct.toFixed(4)]) }, null, 1));
