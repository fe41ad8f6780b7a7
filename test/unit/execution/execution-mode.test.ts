import { describe, expect, it } from "vitest";
import { executionSettings } from "../../../src/lib/execution/mode";

const KEYS = { BINANCE_API_KEY: "k", BINANCE_API_SECRET: "s" };

describe("execution modes", () => {
  it("is paper unless told otherwise", () => {
    expect(executionSettings({})).toEqual({ mode: "paper", broker: "paper", target: null, error: null });
  });

  it("refuses live mode without LIVE_TRADING=true, even with keys", () => {
    const x = executionSettings({ EXECUTION_MODE: "live", ...KEYS });
    expect(x.mode).toBe("live");
    expect(x.error).toMatch(/LIVE_TRADING=true/);
    expect(executionSettings({ EXECUTION_MODE: "live", LIVE_TRADING: "yes", ...KEYS }).error).toMatch(/LIVE_TRADING=true/);
  });

  it("refuses live and testnet without both keys", () => {
    expect(executionSettings({ EXECUTION_MODE: "live", LIVE_TRADING: "true", BINANCE_API_KEY: "k" }).error).toMatch(/BINANCE_API_KEY and BINANCE_API_SECRET/);
    expect(executionSettings({ EXECUTION_MODE: "testnet" }).error).toMatch(/BINANCE_API_KEY and BINANCE_API_SECRET/);
  });

  it("runs live only against Binance, never a BROKER_REST_URL", () => {
    expect(executionSettings({ EXECUTION_MODE: "live", LIVE_TRADING: "true", ...KEYS })).toEqual({ mode: "live", broker: "exchange", target: "live", error: null });
    expect(executionSettings({ EXECUTION_MODE: "live", LIVE_TRADING: "true", BROKER_REST_URL: "http://127.0.0.1:9100", ...KEYS }).error).toMatch(/never live/);
  });

  it("sends testnet orders to Binance's testnet, or to a simulator given by BROKER_REST_URL", () => {
    expect(executionSettings({ EXECUTION_MODE: "testnet", ...KEYS }).target).toBe("testnet");
    expect(executionSettings({ EXECUTION_MODE: "testnet", BROKER_REST_URL: "exchange", ...KEYS }).target).toBe("sim");
  });

  it("refuses an unknown mode instead of guessing", () => {
    expect(executionSettings({ EXECUTION_MODE: "real" }).error).toMatch(/paper, testnet or live/);
  });
});
