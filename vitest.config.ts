import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import type { ProvidedContext } from "vitest";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const HOUR = 3_600_000;

/**
 * The projects whose files mostly wait (on sockets, timers and the actors' replies) start first, so the quick, busy unit
 * files fill the cores around them instead of leaving the longest replays (the parity days, Claude over a day) to run
 * alone at the end. Within a project, vitest's own order (failed first, then the longest last time, or the largest).
 */
const PROJECT_ORDER = ["parity", "workers", "faults", "exchange-stream", "exchange", "exchange-futures", "futures", "notify", "e2e", "deployed", "unit"];
class WaitingFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = PROJECT_ORDER.indexOf(f.project.name);
      return i < 0 ? PROJECT_ORDER.length : i;
    };
    const within = await super.sort(files);
    return within
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

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

/**
 * The parity test's engine (test/parity): decisions on 15m closes, entries easy enough that a replayed day has several,
 * a 2 h time stop (a safety exit inside the day), the quant ranker off (it trains on the learner's wall-clock schedule),
 * funding polled once at the start, and no watchdog or silence timeout while the test steps frame by frame.
 */
const PARITY_ENGINE_CONFIG = {
  llm: { decider: "rule", timeoutMs: 1_500 },
  quant: { enabled: false },
  gate: { decisionTimeframe: "15m", watchdogMs: 24 * HOUR },
  synthesizer: { buyThreshold: 0.15, minAgreeing: 1 },
  exits: { maxHoldMs: 2 * HOUR },
  ticker: { silenceMs: HOUR, heartbeatMs: 600_000, derivativesPollMs: 24 * HOUR },
};

/** The ccxt classes of src/adapters/exchange/ccxt-binance.ts, as wrangler.toml's [alias] maps them. */
const CCXT_RESOLVE = {
  alias: [
    { find: /^ccxt\/binance$/, replacement: fileURLToPath(new URL("./node_modules/ccxt/js/src/binance.js", import.meta.url)) },
    { find: /^ccxt\/binanceusdm$/, replacement: fileURLToPath(new URL("./node_modules/ccxt/js/src/binanceusdm.js", import.meta.url)) },
  ],
};

/** The fault harness's run selection (test/faults/suite.ts), from the environment `npm run faults` sets. */
const FAULT_VARS = {
  FAULT_SEED: process.env.FAULT_SEED ?? "1",
  FAULT_RUNS: process.env.FAULT_RUNS ?? "100",
  FAULT_RUN: process.env.FAULT_RUN ?? "",
  FAULT_FROM: process.env.FAULT_FROM ?? "0",
  FAULT_SPLIT: process.env.FAULT_SPLIT ?? "2",
};

/** The exchange broker on the local simulator: testnet mode, its placeholder keys, orders to the test's own session. */
const SIM_EXCHANGE_BROKER = { EXECUTION_MODE: "testnet", BINANCE_API_KEY: "sim-key", BINANCE_API_SECRET: "sim-secret", BROKER_REST_URL: "exchange" };
/** Orders polled and the account reconciled every 2 s, no user-data stream: the exchange projects that poll. */
const SIM_EXCHANGE_POLLING = { notFoundGraceMs: 3_000, recvWindowMs: 2_000, reconcileEveryMs: 2_000, userStream: false };

/** Bindings a project adds, or a function of the local servers' addresses that gives them. */
type ExtraBindings = Record<string, string> | ((local: { notifyUrl: string; notifySecrets: ProvidedContext["notifySecrets"] }) => Record<string, string>);

/** A project of tests in workerd running src/worker.ts, with the test bindings plus `extra`. */
function workersProject(name: string, include: string[], extra: ExtraBindings, migrations?: Awaited<ReturnType<typeof readD1Migrations>>) {
  return {
    resolve: CCXT_RESOLVE,
    plugins: [
      cloudflareTest(({ inject }) => ({
        main: "src/worker.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations ?? [],
            API_TOKEN: "test-token",
            // A local run: the short test token is accepted (a deployed worker refuses it, see the "deployed" project).
            EDGETRADER_LOCAL: "true",
            CLOCK_MODE: "feed",
            LOG_LEVEL: "warn",
            FEED_WS_URL: inject("simWsUrl"),
            EXCHANGE_REST_URL: inject("simUrl"),
            // wrangler.toml's vars are the deployed defaults (Binance); tests never leave the machine.
            FUTURES_REST_URL: inject("simUrl"),
            ANTHROPIC_API_KEY: "test-key",
            ANTHROPIC_BASE_URL: inject("llmUrl"),
            ENGINE_CONFIG: JSON.stringify(TEST_ENGINE_CONFIG),
            ...(typeof extra === "function" ? extra({ notifyUrl: inject("notifyUrl"), notifySecrets: inject("notifySecrets") }) : extra),
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

/**
 * The worker with wrangler.toml's top-level vars untouched (what `wrangler deploy` ships: Binance, no EDGETRADER_LOCAL)
 * and the local dev token as API_TOKEN: it must refuse to serve the API. Needs no simulator: nothing starts.
 */
function deployedProject() {
  return {
    resolve: CCXT_RESOLVE,
    plugins: [cloudflareTest({ main: "src/worker.ts", wrangler: { configPath: "./wrangler.toml" }, miniflare: { bindings: { API_TOKEN: "edgetrader-dev-token", LOG_LEVEL: "warn" } } })],
    test: { name: "deployed", include: ["test/deployed/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 30_000 },
  };
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    test: {
      // Two test files at once: most of a workerd test's time is waiting on sockets and timers, not the CPU (three let tickers of
      // several files starve one another of the simulator's connections).
      maxWorkers: 2,
      sequence: { sequencer: WaitingFirstSequencer },
      projects: [
        {
          test: {
            name: "unit",
            environment: "node",
            include: ["test/unit/**/*.test.ts"],
            isolate: false,
            // Some tests fit models over years of data (about 2 s alone); beside workerd projects on 2 cores they
            // take longer. Speed goals live in the benchmarks, not in timeouts.
            testTimeout: 20_000,
          },
        },
        // End to end over real HTTP: the worker under `wrangler dev` with the simulators, started once by
        // test/e2e/global-setup.ts (reusable: test/e2e/local-world.ts); MCP clients, browser tests.
        {
          test: {
            name: "e2e",
            environment: "node",
            include: ["test/e2e/**/*.test.ts"],
            globalSetup: ["./test/e2e/global-setup.ts"],
            testTimeout: 60_000,
            hookTimeout: 60_000,
            // One worker and one portfolio for every file: one file at a time, so a pause or a trade of one
            // (the dashboard's browser tests, MCP's controls) never lands in the middle of another's assertions.
            fileParallelism: false,
          },
        },
        // FUZZ_*: the API fuzz run's size and seed (test/workers/api-fuzz.test.ts; `npm run fuzz -- --requests N --seed S`).
        workersProject(
          "workers",
          ["test/workers/**/*.test.ts"],
          {
            FUZZ_REQUESTS: process.env.FUZZ_REQUESTS ?? "3000",
            FUZZ_SEED: process.env.FUZZ_SEED ?? "1",
            FUZZ_DEBUG: process.env.FUZZ_DEBUG ?? "",
            FUZZ_CONCURRENCY: process.env.FUZZ_CONCURRENCY ?? "8",
          },
          migrations,
        ),
        // The parity test: a replayed day through the actors and through the backtester, compared.
        // PARITY_MINUTES: a shorter replay, to look at a difference (the test's own length otherwise).
        workersProject("parity", ["test/parity/**/*.test.ts"], { ENGINE_CONFIG: JSON.stringify(PARITY_ENGINE_CONFIG), PARITY_MINUTES: process.env.PARITY_MINUTES ?? "" }, migrations),
        // Futures (test/futures): USD-M perpetuals on the paper broker, 2x by default and ETH at 50x with a 1.5 % hard stop (a
        // liquidation one replayed jump reaches), entries refused only when the liquidation is nearer than the stop; the
        // tickers poll the whole derivatives context (the simulator's synthetic statistics).
        workersProject(
          "futures",
          ["test/futures/**/*.test.ts"],
          {
            ENGINE_CONFIG: JSON.stringify({
              ...TEST_ENGINE_CONFIG,
              market: { type: "futures", leverage: 2, maxLeverage: 50, liquidationBuffer: 1, symbols: { "ETH/USDT": { leverage: 50 } } },
              ticker: { ...TEST_ENGINE_CONFIG.ticker, derivativesData: "all" },
              exits: { ...TEST_ENGINE_CONFIG.exits, hardStopPct: 0.015 },
            }),
          },
          migrations,
        ),
        // The worker as `wrangler deploy` configures it (wrangler.toml's vars, no local marker) with the dev token as its secret.
        deployedProject(),
        // The same engine with the exchange broker: ccxt sends every order to the test's simulator session. Fills come by polling alone here.
        workersProject(
          "exchange",
          ["test/exchange/**/*.test.ts"],
          {
            ...SIM_EXCHANGE_BROKER,
            ENGINE_CONFIG: JSON.stringify({ ...TEST_ENGINE_CONFIG, execution: SIM_EXCHANGE_POLLING }),
          },
          migrations,
        ),
        // USD-M futures through the exchange broker: ccxt's binanceusdm sends each perpetual order to the test's simulator session
        // (isolated margin at 2x, ETH at 50x, a 1.5 % protective stop-market that a replayed ETH jump reaches, and a liquidation
        // of a carry's unstopped 50x leg), spot legs through the spot API.
        workersProject(
          "exchange-futures",
          ["test/exchange-futures/**/*.test.ts"],
          {
            ...SIM_EXCHANGE_BROKER,
            ENGINE_CONFIG: JSON.stringify({
              ...TEST_ENGINE_CONFIG,
              market: { type: "futures", leverage: 2, maxLeverage: 50, liquidationBuffer: 1, symbols: { "ETH/USDT": { leverage: 50 } } },
              exits: { ...TEST_ENGINE_CONFIG.exits, hardStopPct: 0.015 },
              execution: SIM_EXCHANGE_POLLING,
            }),
          },
          migrations,
        ),
        // ... and by the user-data stream alone: no order is polled, reconciliation runs only when the stream (re)subscribes, and a
        // protective stop 0.4 % under the entry is one a replayed hour reaches.
        workersProject(
          "exchange-stream",
          ["test/exchange-stream/**/*.test.ts"],
          {
            ...SIM_EXCHANGE_BROKER,
            ENGINE_CONFIG: JSON.stringify({
              ...TEST_ENGINE_CONFIG,
              exits: { ...TEST_ENGINE_CONFIG.exits, hardStopPct: 0.004, safetyIntervalMs: HOUR },
              execution: { notFoundGraceMs: 3_000, recvWindowMs: 2_000, pollMs: HOUR, stopPollMs: HOUR, reconcileEveryMs: HOUR, userStream: true, userStreamPingMs: 1_000 },
            }),
          },
          migrations,
        ),
        // Notifications (test/notify): Telegram, Discord and the signed webhook, pointed at the local receivers (sim/notify), with fast retries.
        workersProject(
          "notify",
          ["test/notify/**/*.test.ts"],
          ({ notifyUrl, notifySecrets }) => ({
            TELEGRAM_BOT_TOKEN: notifySecrets.telegramToken,
            TELEGRAM_CHAT_IDS: notifySecrets.telegramChatIds,
            TELEGRAM_WEBHOOK_SECRET: notifySecrets.telegramWebhookSecret,
            TELEGRAM_API_URL: `${notifyUrl}/telegram`,
            DISCORD_WEBHOOK_URL: `${notifyUrl}/discord/api/webhooks/42/discord-webhook-token`,
            NOTIFY_WEBHOOK_URL: `${notifyUrl}/webhook/in`,
            NOTIFY_WEBHOOK_SECRET: notifySecrets.webhookSecret,
            ENGINE_CONFIG: JSON.stringify({
              ...TEST_ENGINE_CONFIG,
              notifications: {
                telegram: { events: ["position.opened", "position.closed", "halt", "kill", "pause", "breaker.opened", "budget.spent", "delivery.failed", "daily.summary"] },
                timeoutMs: 2_000,
                retry: { baseMs: 100, maxMs: 1_000, maxAttempts: 5 },
              },
            }),
          }),
          migrations,
        ),
        // The fault harness (test/faults): the exchange broker under seeded faults; `npm run faults -- --runs N --seed S [--run K]` sets FAULT_*.
        workersProject(
          "faults",
          ["test/faults/**/*.test.ts"],
          {
            ...SIM_EXCHANGE_BROKER,
            ENGINE_CONFIG: JSON.stringify({ ...TEST_ENGINE_CONFIG, execution: { notFoundGraceMs: 2_000, recvWindowMs: 1_000, pollMs: 300 } }),
            ...FAULT_VARS,
          },
          migrations,
        ),
        // The same schedules on the paper broker, reviews asking Claude (the local Messages-API server, which its faults hold open).
        // Only for `npm run faults -- --broker paper` (FAULT_BROKER=paper): at 2-3 s a run, npm test leaves it out.
        ...(process.env.FAULT_BROKER === "paper"
          ? [
              workersProject(
                "faults-paper",
                ["test/faults/**/*.test.ts"],
                {
                  EXECUTION_MODE: "paper",
                  FAULT_BROKER: "paper",
                  ENGINE_CONFIG: JSON.stringify({ ...TEST_ENGINE_CONFIG, llm: { ...TEST_ENGINE_CONFIG.llm, decider: "claude" } }),
                  ...FAULT_VARS,
                },
                migrations,
              ),
            ]
          : []),
      ],
    },
  };
});
