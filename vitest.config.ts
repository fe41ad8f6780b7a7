import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/**
 * Test runs use the default engine config except for wall-clock intervals, shortened so socket
 * health, reconnects and equity snapshots happen within a test's seconds, and a shorter time stop.
 */
const TEST_ENGINE_CONFIG = {
  account: { snapshotIntervalMs: 1_000 },
  // A time stop of 8 h lets a safety exit happen inside a replayed day (the default is 7 days).
  exits: { maxHoldMs: 8 * 3_600_000 },
  // The rule pipeline decides unless a test picks Claude for its portfolio; a Claude call times out in 1.5 s.
  llm: { decider: "rule", timeoutMs: 1_500 },
  ticker: { heartbeatMs: 500, silenceMs: 2_000, backoffBaseMs: 100, backoffMaxMs: 1_000, derivativesPollMs: 1_000 },
};

/** A project of tests in workerd running src/worker.ts, with the test bindings plus `extra`. */
function workersProject(name: string, include: string[], extra: Record<string, string>, migrations?: Awaited<ReturnType<typeof readD1Migrations>>) {
  return {
    // The ccxt classes of src/adapters/exchange/ccxt-binance.ts, as wrangler.toml's [alias] maps them.
    resolve: {
      alias: [
        { find: /^ccxt\/binance$/, replacement: fileURLToPath(new URL("./node_modules/ccxt/js/src/binance.js", import.meta.url)) },
        { find: /^ccxt\/binanceusdm$/, replacement: fileURLToPath(new URL("./node_modules/ccxt/js/src/binanceusdm.js", import.meta.url)) },
      ],
    },
    plugins: [
      cloudflareTest(({ inject }) => ({
        main: "src/worker.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations ?? [],
            API_TOKEN: "test-token",
            CLOCK_MODE: "feed",
            LOG_LEVEL: "warn",
            FEED_WS_URL: inject("simWsUrl"),
            EXCHANGE_REST_URL: inject("simUrl"),
            ANTHROPIC_API_KEY: "test-key",
            ANTHROPIC_BASE_URL: inject("llmUrl"),
            ENGINE_CONFIG: JSON.stringify(TEST_ENGINE_CONFIG),
            ...extra,
          },
        },
      })),
    ],
    test: {
      name,
      include,
      globalSetup: ["./test/global-setup.ts"],
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  };
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    test: {
      projects: [
        {
          test: {
            name: "unit",
            environment: "node",
            include: ["test/unit/**/*.test.ts"],
          },
        },
        workersProject("workers", ["test/workers/**/*.test.ts"], {}, migrations),
        // The same engine with the exchange broker: ccxt sends every order to the test's simulator session.
        workersProject("exchange", ["test/exchange/**/*.test.ts"], { EXECUTION_MODE: "testnet", BINANCE_API_KEY: "sim-key", BINANCE_API_SECRET: "sim-secret", BROKER_REST_URL: "exchange", ENGINE_CONFIG: JSON.stringify({ ...TEST_ENGINE_CONFIG, execution: { notFoundGraceMs: 3_000, reconcileEveryMs: 2_000 } }) }, migrations),
        // The fault harness (test/faults): the exchange broker under seeded faults; `npm run faults -- --runs N --seed S [--run K]` sets FAULT_*.
        workersProject("faults", ["test/faults/**/*.test.ts"], { EXECUTION_MODE: "testnet", BINANCE_API_KEY: "sim-key", BINANCE_API_SECRET: "sim-secret", BROKER_REST_URL: "exchange", ENGINE_CONFIG: JSON.stringify({ ...TEST_ENGINE_CONFIG, execution: { notFoundGraceMs: 2_000, pollMs: 300 } }), FAULT_SEED: process.env.FAULT_SEED ?? "1", FAULT_RUNS: process.env.FAULT_RUNS ?? "100", FAULT_RUN: process.env.FAULT_RUN ?? "", FAULT_FROM: process.env.FAULT_FROM ?? "0" }, migrations),
      ],
    },
  };
});
