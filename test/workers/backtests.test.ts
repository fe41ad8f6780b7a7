import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { loadEngineConfig } from "../../src/actors/config";
import { BACKTEST_LIMITS, runStoredBacktest } from "../../src/api/use-cases/stored-backtest";
import { runBacktest } from "../../src/lib/backtest/engine";
import { backtestMetrics } from "../../src/lib/backtest/metrics";
import { BacktestSpecSchema, backtestConfig, backtestInput, type CandleData } from "../../src/lib/backtest/spec";
import { importShipped, importShippedFunding, shipped, shippedData, shippedDataWithFunding } from "./shipped-candles";
import { api, migrateD1 } from "./support";

const SYMBOLS = ["BTC/USDT", "ETH/USDT", "SOL/USDT"];
const YEAR_2023 = { strategy: "regime-blend", symbols: SYMBOLS, timeframe: "1d", from: "2023-01-01", to: "2024-01-01" };

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; details?: any } }).error;
}

function post(body: unknown, token?: string | null) {
  return api("/api/backtests", { method: "POST", body: JSON.stringify(body), token });
}

/** What the engine computes in-process for the same body, on every shipped candle (no warm-up cap). */
async function inProcess(body: unknown, data: CandleData = shippedData) {
  const spec = BacktestSpecSchema.parse(body);
  const input = backtestInput(spec, data, backtestConfig(spec, loadEngineConfig(env)));
  const result = await runBacktest(input);
  return { result, metrics: backtestMetrics(input, result) };
}

/** A value as it comes back from JSON (what D1 stores and the API answers). */
const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

beforeAll(async () => {
  await migrateD1();
  for (const s of SYMBOLS) await importShipped(s, "1d");
});

describe("POST /api/backtests on candles stored in D1", () => {
  it("runs regime-blend on BTC/ETH/SOL 1d over 2023 and stores exactly what the engine computes in-process", { timeout: 60_000 }, async () => {
    const res = await post(YEAR_2023);
    expect(res.status).toBe(201);
    const { backtest } = (await res.json()) as { backtest: any };
    expect(backtest.id).toMatch(/^bt-\d{13}-[0-9a-f]{8}$/);
    expect(res.headers.get("Location")).toBe(`/api/backtests/${backtest.id}`);
    expect(backtest).toMatchObject({ status: "done", error: null, candles: 3 * 365, equity_points: 365, equity_downsampled: false, notes: [] });
    expect(backtest.spec).toMatchObject({ ...YEAR_2023, from: "2023-01-01T00:00:00.000Z", to: "2024-01-01T00:00:00.000Z", initialCash: 10_000, seed: 1 });

    const expected = await inProcess(YEAR_2023);
    expect(expected.result.trades.length).toBeGreaterThan(5);
    expect(backtest.metrics).toEqual(json(expected.metrics));
    expect(backtest.stats).toEqual(json(expected.result.stats));
    expect(backtest.trade_count).toBe(expected.result.trades.length);

    const one = await api(`/api/backtests/${backtest.id}`);
    expect(one.status).toBe(200);
    const full = ((await one.json()) as { backtest: any }).backtest;
    expect(full.trades).toEqual(json(expected.result.trades));
    expect(full.equity).toEqual(json(expected.result.equity));
    expect(full.metrics).toEqual(backtest.metrics);
    expect(full.spec).toEqual(backtest.spec);

    // The stored spec can be posted again as it is, and gives the same run.
    const again = await post(full.spec);
    expect(again.status).toBe(201);
    expect(((await again.json()) as { backtest: any }).backtest.metrics).toEqual(backtest.metrics);

    const list = await api("/api/backtests");
    expect(list.status).toBe(200);
    const { backtests } = (await list.json()) as { backtests: any[] };
    const listed = backtests.find((b) => b.id === backtest.id);
    expect(listed).toMatchObject({ id: backtest.id, status: "done", created_at: backtest.created_at, spec: backtest.spec, trade_count: backtest.trade_count });
    expect(listed.metrics).toEqual({
      totalReturn: backtest.metrics.totalReturn,
      cagr: backtest.metrics.cagr,
      sharpe: backtest.metrics.sharpe,
      sortino: backtest.metrics.sortino,
      maxDrawdown: backtest.metrics.maxDrawdown,
      winRate: backtest.metrics.winRate,
      profitFactor: backtest.metrics.profitFactor,
      tradeCount: backtest.metrics.tradeCount,
      btcReturn: backtest.metrics.btcReturn,
      basketReturn: backtest.metrics.basketReturn,
      excessVsBtc: backtest.metrics.excessVsBtc,
      excessVsBasket: backtest.metrics.excessVsBasket,
    });
    expect(listed.trades).toBeUndefined();
  });

  it("runs the pipeline on the stored funding rates as the engine does in-process, and says when a symbol has none", { timeout: 90_000 }, async () => {
    const body = { ...YEAR_2023, strategy: "pipeline" };
    const without = await post(body);
    expect(without.status).toBe(201);
    const bare = ((await without.json()) as { backtest: any }).backtest;
    expect(bare.notes).toEqual([
      "no funding rates stored for BTC/USDT, ETH/USDT, SOL/USDT up to 2024-01-01: the funding strategies pass and the derivatives agent sits out for them (store rates with PUT /api/funding or npm run candles:import)",
    ]);
    const expectedBare = await inProcess(body);
    expect(bare.metrics).toEqual(json(expectedBare.metrics));

    for (const s of SYMBOLS) await importShippedFunding(s);
    const withFunding = await post(body);
    expect(withFunding.status).toBe(201);
    const run = ((await withFunding.json()) as { backtest: any }).backtest;
    expect(run.notes).toEqual([]);
    const expected = await inProcess(body, shippedDataWithFunding);
    expect(run.metrics).toEqual(json(expected.metrics));
    const full = ((await (await api(`/api/backtests/${run.id}`)).json()) as { backtest: any }).backtest;
    expect(full.trades).toEqual(json(expected.result.trades));
    expect(full.notes).toEqual([]);
    // The funding reached the decisions: the derivatives agent's votes change the run.
    expect(expected.result.trades).not.toEqual(expectedBare.result.trades);
  });

  it("lists runs newest first and pages with the cursor", { timeout: 60_000 }, async () => {
    const ids: string[] = [];
    for (const strategy of ["rsi-mean-reversion", "momentum-breakout", "regime-blend"]) {
      const res = await post({ ...YEAR_2023, strategy, symbols: ["BTC/USDT"], from: "2023-06-01", to: "2023-08-01" });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { backtest: any }).backtest.id);
    }
    const first = (await (await api("/api/backtests?limit=2")).json()) as { backtests: any[]; next_cursor: string | null };
    expect(first.backtests.map((b) => b.id)).toEqual([ids[2], ids[1]]);
    expect(first.next_cursor).toBe(ids[1]);
    const second = (await (await api(`/api/backtests?limit=2&cursor=${first.next_cursor}`)).json()) as { backtests: any[] };
    expect(second.backtests[0].id).toBe(ids[0]);
    expect(second.backtests[0].spec.strategy).toBe("rsi-mean-reversion");
  });

  it("stores a long equity curve downsampled to 5000 points, first and last kept, and says so", { timeout: 90_000 }, async () => {
    await importShipped("BTC/USDT", "4h");
    const body = { strategy: "regime-blend", symbols: ["BTC/USDT"], timeframe: "4h", from: "2021-01-01", to: "2024-01-01" };
    const res = await post(body);
    expect(res.status).toBe(201);
    const { backtest } = (await res.json()) as { backtest: any };
    const expected = await inProcess(body);
    expect(expected.result.equity.length).toBeGreaterThan(BACKTEST_LIMITS.maxEquityPoints);
    expect(backtest).toMatchObject({ equity_points: expected.result.equity.length, equity_downsampled: true });
    expect(backtest.notes).toEqual([`equity curve downsampled from ${expected.result.equity.length} to 5000 points (first and last kept)`]);
    expect(backtest.metrics).toEqual(json(expected.metrics));
    const full = ((await (await api(`/api/backtests/${backtest.id}`)).json()) as { backtest: any }).backtest;
    expect(full.equity).toHaveLength(5000);
    expect(full.equity[0]).toEqual(json(expected.result.equity[0]));
    expect(full.equity.at(-1)).toEqual(json(expected.result.equity.at(-1)));
    const times = new Set(expected.result.equity.map((p) => p.t));
    expect(full.equity.every((p: { t: number }, i: number) => times.has(p.t) && (i === 0 || p.t > full.equity[i - 1].t))).toBe(true);
    expect(full.trades).toEqual(json(expected.result.trades));
  });

  it("refuses bad specs with 400 and a readable reason", async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...YEAR_2023, to: "2023-01-01" }, /to: to must be after from/],
      [{ ...YEAR_2023, to: "2022-06-01" }, /to: to must be after from/],
      [{ ...YEAR_2023, strategy: "buy-the-dip" }, /strategy: unknown strategy; known: pipeline, regime-blend/],
      [{ ...YEAR_2023, params: { rsiPeriod: 1 } }, /params\.rsiPeriod: Too small/],
      [{ ...YEAR_2023, params: { rsiPeriodd: 14 } }, /params: Unrecognized key.*rsiPeriodd/],
      [{ ...YEAR_2023, strategy: "pipeline", params: { rsiPeriod: 10 } }, /params: params apply to one strategy, not to the pipeline/],
      [{ ...YEAR_2023, symbols: ["btcusdt"] }, /symbols\.0: symbols look like "BTC\/USDT"/],
      [{ ...YEAR_2023, timeframe: "2h" }, /timeframe: Invalid option/],
      [{ ...YEAR_2023, from: "yesterday" }, /from: expected a UTC date like 2024-01-31/],
      [{ ...YEAR_2023, symbols: Array.from({ length: 21 }, (_, i) => `C${i}/USDT`) }, /symbols: at most 20 symbols per run/],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await errorOf(res)).message, JSON.stringify(body)).toMatch(message);
    }
    const notJson = await api("/api/backtests", { method: "POST", body: "{strategy:" });
    expect(notJson.status).toBe(400);
    expect((await errorOf(notJson)).code).toBe("invalid_json");
  });

  it("answers 422 naming the symbol, timeframe and range when no candles are stored", async () => {
    const unknown = await post({ ...YEAR_2023, symbols: ["BTC/USDT", "DOGE/USDT"] });
    expect(unknown.status).toBe(422);
    const e1 = await errorOf(unknown);
    expect(e1.code).toBe("no_candles");
    expect(e1.message).toBe("no 1d candles for DOGE/USDT between 2023-01-01 and 2024-01-01; store them with PUT /api/candles");
    expect(e1.details.perSymbol).toEqual({ "BTC/USDT": 365, "DOGE/USDT": 0 });

    const before = await post({ ...YEAR_2023, from: "2015-01-01", to: "2016-01-01" });
    expect(before.status).toBe(422);
    expect((await errorOf(before)).message).toMatch(/^no 1d candles for BTC\/USDT, ETH\/USDT, SOL\/USDT between 2015-01-01 and 2016-01-01/);

    const otherTf = await post({ ...YEAR_2023, timeframe: "1h" });
    expect(otherTf.status).toBe(422);
    expect((await errorOf(otherTf)).message).toMatch(/^no 1h candles for BTC\/USDT, ETH\/USDT, SOL\/USDT between 2023-01-01 and 2024-01-01/);
  });

  it("refuses a run over 50,000 base candles with 422, the count and the limit, before running it", { timeout: 60_000 }, async () => {
    const MINUTE = 60_000;
    const start = Date.UTC(2024, 0, 1);
    const n = BACKTEST_LIMITS.maxCandles + 1;
    for (let i = 0; i < n; i += 5000) {
      const rows = Array.from({ length: Math.min(5000, n - i) }, (_, k) => {
        const p = 100 + ((i + k) % 50);
        return [start + (i + k) * MINUTE, p, p + 1, p - 1, p + 0.5, 10];
      });
      const res = await api("/api/candles", { method: "PUT", body: JSON.stringify({ symbol: "TEST/USDT", timeframe: "1m", candles: rows }) });
      expect(res.status).toBe(200);
    }
    const runsBefore = await env.DB.prepare("SELECT COUNT(*) AS n FROM backtests").first<{ n: number }>();
    const res = await post({ strategy: "rsi-mean-reversion", symbols: ["TEST/USDT"], timeframe: "1m", from: "2024-01-01", to: "2024-03-01" });
    expect(res.status).toBe(422);
    const e = await errorOf(res);
    expect(e.code).toBe("too_many_candles");
    expect(e.message).toBe(`the run would replay ${n} 1m candles; at most 50000 per run: narrow the range, drop symbols or use a coarser timeframe`);
    expect(e.details).toMatchObject({ candles: n, limit: 50_000 });
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM backtests").first<{ n: number }>()).toEqual(runsBefore);

    // One candle fewer is within the limit.
    const ok = await post({ strategy: "rsi-mean-reversion", symbols: ["TEST/USDT"], timeframe: "1m", from: "2024-01-01", to: new Date(start + (n - 1) * MINUTE).toISOString() });
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { backtest: any }).backtest).toMatchObject({ candles: 50_000, equity_points: 50_000, equity_downsampled: true });
  });

  it("bounds the model fits of a run (HMM refits, quant trainings) with 422 before running it, and runs one within the bounds", { timeout: 90_000 }, async () => {
    const runsBefore = await env.DB.prepare("SELECT COUNT(*) AS n FROM backtests").first<{ n: number }>();
    const hmmYear = await post({ ...YEAR_2023, strategy: "pipeline", hmm: true });
    expect(hmmYear.status).toBe(422);
    const e1 = await errorOf(hmmYear);
    expect(e1.code).toBe("too_much_model_work");
    expect(e1.message).toBe(
      "with hmm each symbol's regime model is refitted every day: this run would fit 1095 models (3 symbols × 365 days), at most 400 per run: narrow the range or drop symbols (the CLI, npm run backtest -- --hmm, has no such limit)",
    );
    expect(e1.details).toEqual({ hmmFits: 1095, quantSymbolTrainings: 0 });
    const quantYear = await post({ ...YEAR_2023, strategy: "pipeline", quant: true });
    expect(quantYear.status).toBe(422);
    expect((await errorOf(quantYear)).message).toMatch(/^with quant the ranker is retrained every 7 days on every symbol: this run would do 159 symbol-trainings, at most 15 per run/);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM backtests").first<{ n: number }>()).toEqual(runsBefore);

    // Within the bounds (funding stored, as the pipeline reads it): the run is the engine's in-process run.
    for (const symbol of SYMBOLS) await importShippedFunding(symbol);
    for (const [body, fitted] of [
      [{ ...YEAR_2023, strategy: "pipeline", symbols: ["BTC/USDT"], to: "2023-03-01", hmm: true }, "regimeFits"],
      [{ ...YEAR_2023, strategy: "pipeline", to: "2023-01-06", quant: true }, "quantTrainings"],
    ] as const) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(201);
      const { backtest } = (await res.json()) as { backtest: any };
      expect(backtest.notes).toEqual([]);
      const expected = await inProcess(body, shippedDataWithFunding);
      expect(backtest.stats).toEqual(json(expected.result.stats));
      expect(backtest.metrics).toEqual(json(expected.metrics));
      expect(backtest.stats[fitted], JSON.stringify(body)).toBeGreaterThan(0);
    }
  });

  it("runs one backtest at a time per portfolio, in arrival order, and serves other calls while one runs", { timeout: 90_000 }, async () => {
    for (const symbol of SYMBOLS) await importShippedFunding(symbol);
    const slow = { ...YEAR_2023, strategy: "pipeline", symbols: ["BTC/USDT"], to: "2023-03-01", hmm: true };
    let settled = false;
    const first = post(slow).finally(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    const second = post({ ...YEAR_2023, symbols: ["ETH/USDT"] });
    // Other calls go on while the first runs (it yields between decisions): it used to hold every call until it ended.
    let served = 0;
    while (!settled) {
      expect((await api("/health", { token: null })).status).toBe(200);
      if (!settled) served++;
    }
    expect(served).toBeGreaterThan(20);
    const [a, b] = await Promise.all([first, second]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const ra = ((await a.json()) as { backtest: any }).backtest;
    const rb = ((await b.json()) as { backtest: any }).backtest;
    // The second started when the first had finished.
    expect(rb.created_at).toBeGreaterThanOrEqual(ra.created_at + ra.duration_ms);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM backtest_queue").first<{ n: number }>()).toEqual({ n: 0 });
  });

  it("refuses a run when 4 are running or waiting (429 backtest_queue_full), and sweeps places whose lease ran out", async () => {
    const now = Date.now();
    for (let i = 0; i < 4; i++)
      await env.DB.prepare("INSERT INTO backtest_queue (id, portfolio, enqueued_at, lease_until) VALUES (?, 'main', ?, ?)")
        .bind(`held-${i}`, now - 10 + i, now + 60_000)
        .run();
    const full = await post({ ...YEAR_2023, symbols: ["BTC/USDT"] });
    expect(full.status).toBe(429);
    expect(await errorOf(full)).toMatchObject({ code: "backtest_queue_full", message: "4 backtests are running or waiting for this portfolio (at most 4): try again when one has finished" });
    // Requests that died: their leases run out and their places are swept.
    await env.DB.prepare("UPDATE backtest_queue SET lease_until = ?")
      .bind(now - 1)
      .run();
    expect((await post({ ...YEAR_2023, symbols: ["BTC/USDT"] })).status).toBe(201);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM backtest_queue").first<{ n: number }>()).toEqual({ n: 0 });
  });

  it("stores a run that throws as failed, with its error", async () => {
    const spec = BacktestSpecSchema.parse({ ...YEAR_2023, symbols: ["BTC/USDT"] });
    const out = await runStoredBacktest(env.DB, spec, loadEngineConfig(env), {
      run: async () => {
        throw new Error("engine exploded");
      },
    });
    expect(out).toMatchObject({ kind: "failed", inputFault: false, row: { status: "failed", error: "engine exploded", candles: 365 } });
    const id = (out as { row: { id: string } }).row.id;
    const res = await api(`/api/backtests/${id}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { backtest: any }).backtest).toMatchObject({ id, status: "failed", error: "engine exploded", metrics: null, trades: null, equity: null, trade_count: null });
    const listed = ((await (await api("/api/backtests?limit=100")).json()) as { backtests: any[] }).backtests.find((b) => b.id === id);
    expect(listed).toMatchObject({ status: "failed", error: "engine exploded", metrics: null });
  });

  it("answers 404 for an unknown id and 400 for a malformed one", async () => {
    const missing = await api("/api/backtests/bt-1700000000000-00000000");
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toMatchObject({ code: "not_found", message: "no backtest bt-1700000000000-00000000" });
    const bad = await api("/api/backtests/1%20OR%201");
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/invalid backtest id: backtest ids look like bt-/);
    const badCursor = await api("/api/backtests?cursor=x");
    expect(badCursor.status).toBe(400);
    const badLimit = await api("/api/backtests?limit=101");
    expect(badLimit.status).toBe(400);
  });

  it("needs the bearer token", async () => {
    const res = await post(YEAR_2023, null);
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toBe("missing bearer token (Authorization: Bearer <token>)");
    expect((await api("/api/backtests", { token: null })).status).toBe(401);
    expect((await api("/api/backtests/bt-1700000000000-00000000", { token: "wrong" })).status).toBe(401);
  });
});

describe("PUT and GET /api/candles", () => {
  it("upserts checked rows and serves them back oldest first", async () => {
    const btc = shipped("BTC/USDT", "1d").filter((c) => c.t >= Date.UTC(2024, 0, 1) && c.t < Date.UTC(2024, 0, 11));
    const rows = btc.map((c) => [c.t, c.o, c.h, c.l, c.c, c.v]);
    // Already imported in beforeAll: the same rows again are updates.
    const again = await api("/api/candles", { method: "PUT", body: JSON.stringify({ symbol: "BTC/USDT", timeframe: "1d", candles: rows }) });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ symbol: "BTC/USDT", timeframe: "1d", received: 10, inserted: 0, updated: 10, from: rows[0]![0], to: rows[9]![0] });

    const fresh = await api("/api/candles", { method: "PUT", body: JSON.stringify({ symbol: "XRP/USDT", timeframe: "1d", candles: rows.slice(0, 4) }) });
    expect(await fresh.json()).toMatchObject({ received: 4, inserted: 4, updated: 0 });
    const mixed = await api("/api/candles", { method: "PUT", body: JSON.stringify({ symbol: "XRP/USDT", timeframe: "1d", candles: rows.slice(2, 6) }) });
    expect(await mixed.json()).toMatchObject({ received: 4, inserted: 2, updated: 2 });

    const range = await api(`/api/candles?symbol=BTC/USDT&timeframe=1d&from=${rows[0]![0]}&to=${rows[9]![0]}`);
    expect(range.status).toBe(200);
    expect(await range.json()).toEqual({ symbol: "BTC/USDT", timeframe: "1d", count: 9, candles: rows.slice(0, 9) });
    const newest = (await (await api(`/api/candles?symbol=BTC/USDT&timeframe=1d&to=${rows[5]![0]}&limit=3`)).json()) as { candles: number[][] };
    expect(newest.candles).toEqual(rows.slice(2, 5));
    const firstThree = (await (await api(`/api/candles?symbol=XRP/USDT&timeframe=1d&from=0&limit=3`)).json()) as { candles: number[][] };
    expect(firstThree.candles).toEqual(rows.slice(0, 3));
  });

  it("refuses malformed candle rows with 400 naming the row and stores none of the request", async () => {
    const D = 86_400_000;
    const t0 = Date.UTC(2030, 0, 1);
    const good = (i: number) => [t0 + i * D, 100, 110, 90, 105, 1];
    const cases: [unknown, RegExp][] = [
      [[good(0), [t0 + D + 1, 100, 110, 90, 105, 1]], /candles\.1: t \d+ \(2030-01-02T00:00:00\.001Z\) is not aligned to 1d: open times are multiples of 86400000 ms/],
      [[good(0), [t0 + D, 100, 90, 110, 100, 1]], /candles\.1: high 90 is below low 110/],
      [[[t0, 100, 101, 90, 105, 1]], /candles\.0: high 101 is below max\(open, close\) 105/],
      [[[t0, 100, 110, 101, 105, 1]], /candles\.0: low 101 is above min\(open, close\) 100/],
      [[good(1), good(0)], /candles\.1: t \d+ is not after the previous row's \d+: rows go in ascending t, each t once/],
      [[good(0), good(0)], /candles\.1: t \d+ is not after the previous row's/],
      [[[t0, 100, 110, 90, 105, -1]], /candles\.0\.5: Too small: expected number to be >=0/],
      [[[t0, 0, 110, 90, 105, 1]], /candles\.0\.1: Too small: expected number to be >0/],
      [[[t0, 100, 110, 90, "105", 1]], /candles\.0\.4: Invalid input: expected number, received string/],
      [[[t0, 100, 110, 90, 105]], /candles\.0/],
      [[], /candles: Too small/],
    ];
    for (const [candles, message] of cases) {
      const res = await api("/api/candles", { method: "PUT", body: JSON.stringify({ symbol: "ADA/USDT", timeframe: "1d", candles }) });
      expect(res.status, JSON.stringify(candles)).toBe(400);
      expect((await errorOf(res)).message, JSON.stringify(candles)).toMatch(message);
    }
    // 1e999 is valid JSON that parses to Infinity.
    const inf = await api("/api/candles", { method: "PUT", body: `{"symbol":"ADA/USDT","timeframe":"1d","candles":[[${t0},100,1e999,90,105,1]]}` });
    expect(inf.status).toBe(400);
    expect((await errorOf(inf)).message).toMatch(/candles\.0\.2/);

    const many = Array.from({ length: 5001 }, (_, i) => good(i));
    const tooMany = await api("/api/candles", { method: "PUT", body: JSON.stringify({ symbol: "ADA/USDT", timeframe: "1d", candles: many }) });
    expect(tooMany.status).toBe(400);
    expect((await errorOf(tooMany)).message).toMatch(/candles: at most 5000 candles per request; send more in several/);

    const allBad = Array.from({ length: 30 }, (_, i) => [t0 + i * D + 1, 100, 110, 90, 105, 1]);
    const listed = await errorOf(await api("/api/candles", { method: "PUT", body: JSON.stringify({ symbol: "ADA/USDT", timeframe: "1d", candles: allBad }) }));
    expect(listed.details).toHaveLength(11);
    expect(listed.message).toMatch(/candles: 20 more rows with problems$/);

    for (const [body, message] of [
      [{ symbol: "ADAUSDT", timeframe: "1d", candles: [good(0)] }, /symbol: symbol must look like BTC\/USDT/],
      [{ symbol: "ADA/USDT", timeframe: "1w", candles: [good(0)] }, /timeframe: Invalid option/],
      [{ symbol: "ADA/USDT", timeframe: "1d", candles: [good(0)], extra: 1 }, /Unrecognized key.*extra/],
    ] as const) {
      const res = await api("/api/candles", { method: "PUT", body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).message).toMatch(message);
    }
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM candles WHERE symbol = 'ADA/USDT'").first()).toEqual({ n: 0 });
  });

  it("bounds and checks GET queries", async () => {
    for (const [path, message] of [
      ["/api/candles?timeframe=1d", /symbol: Invalid input/],
      ["/api/candles?symbol=BTC/USDT&timeframe=1d&limit=5001", /limit: Too big/],
      ["/api/candles?symbol=BTC/USDT&timeframe=1d&from=10&to=5", /from must be before to/],
      ["/api/candles?symbol=BTC/USDT&timeframe=1d&from=yesterday", /from: must be a number/],
    ] as const) {
      const res = await api(path);
      expect(res.status, path).toBe(400);
      expect((await errorOf(res)).message, path).toMatch(message);
    }
    const all = (await (await api("/api/candles?symbol=BTC/USDT&timeframe=1d")).json()) as { count: number };
    expect(all.count).toBe(1000);
  });

  it("needs the bearer token", async () => {
    expect((await api("/api/candles", { method: "PUT", body: "{}", token: null })).status).toBe(401);
    expect((await api("/api/candles?symbol=BTC/USDT&timeframe=1d", { token: null })).status).toBe(401);
  });
});
