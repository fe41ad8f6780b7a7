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
        {
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
                  TEST_MIGRATIONS: migrations,
                  API_TOKEN: "test-token",
                  CLOCK_MODE: "feed",
                  LOG_LEVEL: "warn",
                  FEED_WS_URL: inject("simWsUrl"),
                  EXCHANGE_REST_URL: inject("simUrl"),
                  ANTHROPIC_API_KEY: "test-key",
                  ANTHROPIC_BASE_URL: inject("llmUrl"),
                  ENGINE_CONFIG: JSON.stringify(TEST_ENGINE_CONFIG),
                },
              },
            })),
          ],
          test: {
            name: "workers",
            include: ["test/workers/**/*.test.ts"],
            globalSetup: ["./test/global-setup.ts"],
            testTimeout: 30_000,
            hookTimeout: 30_000,
          },
        },
      ],
    },
  };
});
