import { describe, expect, it } from "vitest";
import { runFolder, specFrom } from "../../../tools/backtest/args";

const common = { strategy: "regime-blend", symbols: "BTC/USDT,ETH/USDT", timeframe: "1d", from: "2024-01-01", to: "2024-07-01", cash: "10000", seed: "1", param: [] as string[] };
const spec = (over: Partial<typeof common> = {}) => specFrom({ ...common, ...over });

describe("backtest and walk-forward output folders", () => {
  it("are named by the run and a short hash, the same for the same options", () => {
    const dir = runFolder("backtest", spec(), {});
    expect(dir).toMatch(/^out\/backtest\/regime-blend-1d-2024-01-01-2024-07-01-[0-9a-f]{8}$/);
    expect(runFolder("backtest", spec(), {})).toBe(dir);
  });

  it("differ when any option that changes the result differs", () => {
    const base = runFolder("backtest", spec(), {}, { decider: "rules" });
    const others = [
      runFolder("backtest", spec({ seed: "2" }), {}, { decider: "rules" }),
      runFolder("backtest", spec({ param: ["trendingEfficiency=0.3"] }), {}, { decider: "rules" }),
      runFolder("backtest", spec({ cash: "5000" }), {}, { decider: "rules" }),
      runFolder("backtest", spec({ symbols: "BTC/USDT" }), {}, { decider: "rules" }),
      runFolder("backtest", spec(), { risk: { maxDrawdownPct: 0.2 } }, { decider: "rules" }),
      runFolder("backtest", spec(), {}, { decider: "replay", replay: "answers.json" }),
      runFolder("walkforward", spec(), {}, { decider: "rules" }),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });

  it("do not depend on the order of keys in the --config file", () => {
    const a = runFolder("walkforward", spec(), { risk: { maxDrawdownPct: 0.2, dailyLossLimitPct: 0.05 }, exits: { hardStopPct: 0.1 } });
    const b = runFolder("walkforward", spec(), { exits: { hardStopPct: 0.1 }, risk: { dailyLossLimitPct: 0.05, maxDrawdownPct: 0.2 } });
    expect(a).toBe(b);
  });
});
