import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defaultStrategyConfigs, evaluateStrategies, getStrategy, parsedParams, resolveStrategies, STRATEGIES, StrategyConfigsSchema, strategyNames } from "../../../src/lib/strategy/index";
import type { Signal, Strategy, StrategyContext } from "../../../src/lib/strategy/strategy";
import { refRsi } from "./reference";
import { candles4h, ctxAtClose, fundingPoints, indicesBetween } from "./support";

const ALL = ["regime-blend", "rsi-mean-reversion", "funding-rate", "funding-arb", "funding-oi", "momentum-breakout"];
const DEFAULT_ON = ALL.filter((n) => n !== "funding-arb");

const btc = candles4h("BTCUSDT");
const i2025 = indicesBetween(btc, Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1));
const ctx = (i = i2025[0]!, over: Partial<StrategyContext> = {}) => ctxAtClose("BTC/USDT", btc, i, { funding: fundingPoints("BTCUSDT"), ...over });

/** A strategy that lives only in this test: one object, passed in as the registry extension. */
const Params = z.strictObject({ level: z.number().default(100) });
const echo: Strategy<typeof Params> = {
  name: "echo",
  description: "long when the last close is above `level`",
  assets: ["BTC/USDT"],
  timeframe: "4h",
  params: Params,
  evaluate(c, p): Signal {
    const close = c.candles["4h"]?.at(-1)?.c ?? 0;
    return { strategy: "echo", symbol: c.symbol, action: close > p.level ? "LONG" : "PASS", confidence: close > p.level ? 1 : 0, reason: `level ${p.level}`, metadata: { level: p.level }, at: c.now };
  },
};

describe("strategy registry", () => {
  it("lists every strategy once, each with a description and defaults that parse from {}", () => {
    expect(strategyNames()).toEqual(ALL);
    for (const s of STRATEGIES) {
      expect(getStrategy(s.name)).toBe(s);
      expect(s.description.length).toBeGreaterThan(20);
      expect(() => s.params.parse({})).not.toThrow();
    }
  });

  it("names the known strategies when asked for an unknown one", () => {
    expect(() => getStrategy("macd")).toThrow('unknown strategy "macd"; known: regime-blend, rsi-mean-reversion');
  });

  it("runs the default-enabled strategies in registry order when the config names none, PASS included", () => {
    const signals = evaluateStrategies(ctx(), {});
    expect(signals.map((s) => s.strategy)).toEqual(DEFAULT_ON);
    expect(signals.every((s) => s.symbol === "BTC/USDT" && s.at === ctx().now)).toBe(true);
    expect(signals.some((s) => s.action === "PASS")).toBe(true);
  });

  it("enables and disables strategies from the config", () => {
    const names = (configs: Parameters<typeof evaluateStrategies>[1]) => evaluateStrategies(ctx(), configs).map((s) => s.strategy);
    expect(names({ "funding-arb": { enabled: true } })).toEqual(ALL);
    expect(names({ "regime-blend": { enabled: false }, "funding-oi": { enabled: false } })).toEqual(["rsi-mean-reversion", "funding-rate", "momentum-breakout"]);
    expect(names(Object.fromEntries(ALL.map((n) => [n, { enabled: false }])))).toEqual([]);
  });

  it("passes configured params to the strategy, defaults for the rest", () => {
    const i = i2025.find((j) => {
      const r = refRsi(btc.slice(j - 119, j + 1).map((c) => c.c));
      return r > 25 && r < 30;
    })!;
    const rsiOf = (configs: Parameters<typeof evaluateStrategies>[1]) => evaluateStrategies(ctx(i), configs).find((s) => s.strategy === "rsi-mean-reversion")!;
    expect(rsiOf({}).action).toBe("PASS");
    const tuned = rsiOf({ "rsi-mean-reversion": { enabled: true, params: { oversold: 30 } } });
    expect(tuned.action).toBe("LONG");
    expect(tuned.metadata).toMatchObject({ oversold: 30, overbought: 75, exitLevel: 50 });
  });

  it("throws naming the strategy and the field on invalid params", () => {
    expect(() => evaluateStrategies(ctx(), { "rsi-mean-reversion": { enabled: true, params: { oversold: "low" } } })).toThrow(/^strategy "rsi-mean-reversion": invalid params: oversold: /);
    expect(() => evaluateStrategies(ctx(), { "funding-rate": { enabled: true, params: { threshold: -1 } } })).toThrow(/strategy "funding-rate": invalid params: threshold: /);
    expect(() => evaluateStrategies(ctx(), { "momentum-breakout": { enabled: true, params: { volumeSpik: 3 } } })).toThrow(
      'strategy "momentum-breakout": invalid params: Unrecognized key: "volumeSpik"',
    );
  });

  it("rejects invalid params of a disabled strategy too, and unknown strategy names", () => {
    expect(() => evaluateStrategies(ctx(), { "funding-arb": { enabled: false, params: { threshold: "x" } } })).toThrow(/funding-arb.*threshold/);
    expect(() => evaluateStrategies(ctx(), { "rsi-reversal": { enabled: true } })).toThrow('unknown strategy "rsi-reversal"');
  });

  it("runs a strategy only for the assets it lists", () => {
    const withEcho = [...STRATEGIES, echo];
    const forSymbol = (symbol: string) => evaluateStrategies({ ...ctx(), symbol }, {}, withEcho).map((s) => s.strategy);
    expect(forSymbol("BTC/USDT")).toContain("echo");
    expect(forSymbol("ETH/USDT")).not.toContain("echo");
    expect(forSymbol("ETH/USDT")).toEqual(DEFAULT_ON);
  });

  it("takes a new strategy as one object added to the list: defaults, params and validation all apply", () => {
    const withEcho = [...STRATEGIES, echo];
    const echoOf = (configs: Parameters<typeof evaluateStrategies>[1]) => evaluateStrategies(ctx(), configs, withEcho).find((s) => s.strategy === "echo");
    expect(echoOf({})).toMatchObject({ action: "LONG", metadata: { level: 100 } });
    expect(echoOf({ echo: { enabled: true, params: { level: 1e9 } } })).toMatchObject({ action: "PASS", metadata: { level: 1e9 } });
    expect(echoOf({ echo: { enabled: false } })).toBeUndefined();
    expect(() => echoOf({ echo: { enabled: true, params: { level: "high" } } })).toThrow(/strategy "echo": invalid params: level/);
    expect(defaultStrategyConfigs(withEcho).echo).toEqual({ enabled: true, params: { level: 100 } });
  });

  it("resolves one configs object once per strategy list, and a different object or list afresh", () => {
    const configs = { "rsi-mean-reversion": { enabled: true, params: { oversold: 30 } } };
    const first = resolveStrategies(configs, STRATEGIES);
    expect(resolveStrategies(configs, STRATEGIES)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const withEcho = resolveStrategies(configs, [...STRATEGIES, echo]);
    expect(withEcho.map((r) => r.strategy.name)).toEqual([...DEFAULT_ON, "echo"]);
    const other = resolveStrategies({ "rsi-mean-reversion": { enabled: false } }, STRATEGIES);
    expect(other.map((r) => r.strategy.name)).toEqual(DEFAULT_ON.filter((n) => n !== "rsi-mean-reversion"));
    expect(first.find((r) => r.strategy.name === "rsi-mean-reversion")!.params).toMatchObject({ oversold: 30 });
    const bad = { "rsi-mean-reversion": { enabled: true, params: { oversold: "low" } } };
    expect(() => resolveStrategies(bad, STRATEGIES)).toThrow(/oversold/);
    expect(() => resolveStrategies(bad, STRATEGIES)).toThrow(/oversold/);
  });

  it("parses one raw params object once per strategy, keeping the parsed object's identity", () => {
    const rsi = getStrategy("rsi-mean-reversion");
    const raw = { oversold: 30 };
    const parsed = parsedParams(rsi, raw);
    expect(parsed).toMatchObject({ oversold: 30, overbought: 75, exitLevel: 50 });
    expect(parsedParams(rsi, raw)).toBe(parsed);
    expect(parsedParams(rsi, { oversold: 30 })).not.toBe(parsed);
    const bad = { oversold: "low" };
    expect(() => parsedParams(rsi, bad)).toThrow(/oversold/);
    expect(() => parsedParams(rsi, bad)).toThrow(/oversold/);
  });

  it("refuses two strategies with the same name", () => {
    expect(() => evaluateStrategies(ctx(), {}, [...STRATEGIES, { ...echo, name: "funding-rate" }])).toThrow('two strategies are named "funding-rate"');
  });

  it("writes out every strategy's default enablement and params, which the config schema accepts", () => {
    const defaults = defaultStrategyConfigs();
    expect(Object.keys(defaults)).toEqual(ALL);
    expect(defaults["funding-arb"]!.enabled).toBe(false);
    expect(defaults["rsi-mean-reversion"]).toEqual({ enabled: true, params: { timeframe: "4h", period: 14, overbought: 75, oversold: 25, exitLevel: 50 } });
    expect(StrategyConfigsSchema.parse(defaults)).toEqual(defaults);
    expect(evaluateStrategies(ctx(), defaults)).toEqual(evaluateStrategies(ctx(), {}));
  });

  it("config schema reports the strategy and field of a bad param, unknown names and a missing enabled flag", () => {
    const paths = (configs: unknown) => StrategyConfigsSchema.safeParse(configs).error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths({ "funding-oi": { enabled: true, params: { oiRise: "10%" } } })).toEqual(["funding-oi.params.oiRise"]);
    expect(paths({ "funding-rate": { params: {} } })).toEqual(["funding-rate.enabled"]);
    expect(paths({ "momentum-breakout": { enabled: true, params: { volumeSpik: 3 } } })).toEqual(["momentum-breakout.params"]);
    expect(StrategyConfigsSchema.safeParse({ nope: { enabled: true } }).error!.issues.map((i) => i.path.join("."))).toEqual(["nope"]);
  });
});
