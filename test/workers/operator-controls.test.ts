import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ControlsView } from "../../src/actors/account-actor";
import { advance, api, createSession, migrateD1, openStream, startTicker, untilOpen, waitFor, TOKEN, type SimSession } from "./support";

/**
 * Operator controls through the API. The routes act on the configured portfolio "main": every test
 * here works on it, in order, on this file's own simulator session (storage is this file's own).
 */
const MIN = 60_000;
const START = Date.UTC(2026, 2, 27, 12);
const account = () => env.ACCOUNT.getByName("account:main");
const position = (id: string) => env.POSITION.getByName(`position:main:${id}`);

let session: SimSession;
let stream: Awaited<ReturnType<typeof openStream>>;
let decision = 0;

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

function post(path: string, body: unknown, operator?: string) {
  return api(path, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: operator === undefined ? {} : { "X-Operator": operator } });
}

async function controls(): Promise<ControlsView> {
  const res = await api("/api/controls");
  expect(res.status).toBe(200);
  return (await res.json()) as ControlsView;
}

function entry(symbol: string, at = START) {
  decision += 1;
  return account().requestEntry({ decisionId: `main-d${decision}`, at, symbol, positionPct: 0.2, agent: "test", reason: "operator-controls test" });
}

function untilStatus(id: string, status: string) {
  return waitFor(async () => {
    const p = await position(id).status();
    return p?.status === status ? p : null;
  }, `${id} ${status}`);
}

/** Opens a position and fills it at the feed's next price. */
async function openPosition(symbol: string): Promise<string> {
  const r = await entry(symbol);
  expect(r.accepted, r.detail).toBe(true);
  await untilStatus(r.positionId!, "pending_entry");
  await untilOpen(session, r.positionId!);
  await waitFor(async () => (await account().summary()).positions.find((p) => p.id === r.positionId)?.status === "open", "account booked the fill");
  return r.positionId!;
}

/** Advances the feed until the position's exit fills; returns the closed position. */
async function untilClosed(id: string) {
  return waitFor(
    async () => {
      const p = await position(id).status();
      if (p?.status === "closed") return p;
      await advance(session, 1);
      return null;
    },
    `${id} closed`,
    20_000,
    300,
  );
}

describe("operator controls (portfolio main, through /api)", () => {
  it("before the engine starts: 409 with the reason, nothing recorded", async () => {
    await migrateD1();
    const get = await api("/api/controls");
    expect(get.status).toBe(409);
    expect(await errorOf(get)).toEqual({ code: "not_started", message: "the account is not initialised: POST /api/engine/start first" });
    const kill = await post("/api/controls/kill", { reason: "too early" });
    expect(kill.status).toBe(409);
    expect((await errorOf(kill)).code).toBe("not_started");

    session = await createSession({ start: new Date(START).toISOString(), symbols: ["BTCUSDT", "ETHUSDT"] });
    await account().init({ portfolio: "main", venue: "binance", restUrl: session.restBase, symbols: ["BTC/USDT", "ETH/USDT"], initialCash: 10_000 });
    await startTicker(session, "BTC/USDT");
    await startTicker(session, "ETH/USDT");
    stream = await openStream();
    const c = await controls();
    expect(c).toMatchObject({ portfolio: "main", tradingState: "ACTIVE", entriesRefused: null, paused: null, kill: null, reducing: null, recentActions: [] });
    expect(c.protections).toEqual({ lossStreak: { losses: 0, cooldownMs: 0 }, stopCooldownMs: 0 });
  });

  it("bad requests are 400 naming the field (401 without the token, 404 for an unknown position), never 500, and record nothing", async () => {
    const cases: [string, unknown, RegExp, string?][] = [
      ["/api/controls/pause", {}, /^invalid request body: reason: is required: say why \(3–500 characters\)$/],
      ["/api/controls/pause", "", /reason: is required/],
      ["/api/controls/resume", { reason: "ok" }, /reason: must be 3–500 characters/],
      ["/api/controls/resume", { reason: "   ab   " }, /reason: must be 3–500 characters/],
      ["/api/controls/pause", { reason: "x".repeat(501) }, /reason: must be 3–500 characters/],
      ["/api/controls/pause", { reason: 42 }, /reason: must be a string/],
      ["/api/controls/kill", { reason: "valid reason", flatten: "yes" }, /flatten: must be true or false/],
      ["/api/controls/kill", { reason: "valid reason", flaten: true }, /Unrecognized key.*flaten/],
      ["/api/positions/exit-all", { why: "no reason field" }, /reason: is required/],
      ["/api/positions/main-d1-BTC/exit", {}, /reason: is required/],
      ["/api/controls/pause", "{not json", /request body is not valid JSON/],
      ["/api/controls/pause", { reason: "good reason" }, /invalid header X-Operator: must be 1–64 characters/, "bad name!"],
      ["/api/controls/pause", { reason: "good reason" }, /invalid header X-Operator/, "a".repeat(65)],
      ["/api/controls/pause", { reason: "good reason" }, /invalid header X-Operator/, ""],
      ["/api/positions/bad%20id/exit", { reason: "good reason" }, /invalid position id/],
    ];
    for (const [path, body, message, operator] of cases) {
      const res = await post(path, body, operator);
      const text = await res.text();
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect((JSON.parse(text) as { error: { message: string } }).error.message, path).toMatch(message);
      expect(text).not.toContain(TOKEN);
    }
    const unknown = await post("/api/positions/main-d999-BTC/exit", { reason: "no such position" });
    expect(unknown.status).toBe(404);
    expect(await errorOf(unknown)).toEqual({ code: "no_position", message: "no position main-d999-BTC in the book (pending or open)" });
    for (const path of ["/api/controls/pause", "/api/controls/kill", "/api/controls/resume", "/api/positions/exit-all"]) {
      expect((await api(path, { method: "POST", body: JSON.stringify({ reason: "no token" }), token: null })).status, path).toBe(401);
    }
    expect((await api("/api/controls", { token: null })).status).toBe(401);
    const c = await controls();
    expect(c.recentActions).toEqual([]);
    expect(c.paused).toBeNull();
  });

  it("pause refuses entries with who and why; resume allows them again", async () => {
    const paused = await post("/api/controls/pause", { reason: "  CPI print at 14:30  " }, "alice@desk");
    expect(paused.status).toBe(200);
    const body = (await paused.json()) as { action: any; controls: ControlsView };
    expect(body.action).toMatchObject({ id: "main:op1", action: "pause", by: "alice@desk", reason: "CPI print at 14:30" });
    expect(body.controls.paused).toMatchObject({ by: "alice@desk", reason: "CPI print at 14:30" });
    expect(body.controls.entriesRefused).toBe("entries paused by alice@desk: CPI print at 14:30");

    const refused = await entry("BTC/USDT");
    expect(refused).toEqual({ accepted: false, detail: "risk denied: entries paused by alice@desk: CPI print at 14:30" });
    expect((await account().summary()).positions).toEqual([]);

    const resumed = await post("/api/controls/resume", { reason: "print is out" });
    expect(resumed.status).toBe(200);
    const r = (await resumed.json()) as { action: any; controls: ControlsView };
    expect(r.action).toMatchObject({ action: "resume", by: "token:API_TOKEN", reason: "print is out", detail: { cleared: ["pause (alice@desk: CPI print at 14:30)"] } });
    expect(r.controls.paused).toBeNull();
    const accepted = await entry("BTC/USDT");
    expect(accepted).toMatchObject({ accepted: true, positionId: `main-d${decision}-BTC` });

    // That position is only here to show entries flow again: cancel it through the kill test below.
    await waitFor(async () => stream.events.some((e) => e.type === "risk.alert" && e.data.kind === "pause" && e.data.by === "alice@desk"), "pause alert on the stream", 5_000);
  });

  it("kill switch: cancels the waiting entry (cash released), refuses entries, survives eviction, cleared only by resume", async () => {
    const pendingId = `main-d${decision}-BTC`;
    await untilStatus(pendingId, "pending_entry");
    const before = await account().summary();
    expect(before.available).toBeCloseTo(before.cash - 2000, 6);

    const started = Date.now();
    const res = await post("/api/controls/kill", { reason: "exchange incident" }, "ops");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { action: any; positions: string[]; controls: ControlsView };
    expect(body.positions).toEqual([pendingId]);
    expect(body.action).toMatchObject({ action: "kill", by: "ops", reason: "exchange incident", detail: { flatten: false, positions: [pendingId] } });
    expect(body.controls.kill).toMatchObject({ by: "ops", reason: "exchange incident", flatten: false });

    // The entry waiting for its fill was cancelled within 3 s and the account released its cash.
    const failed = await untilStatus(pendingId, "failed");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(failed.orders[0]).toMatchObject({ clientOrderId: `${pendingId}-e`, status: "rejected" });
    expect(failed.orders[0]!.rejectReason).toBe("cancelled: exchange incident (operator ops)");
    await waitFor(async () => (await account().summary()).positions.length === 0, "reservation released");
    const after = await account().summary();
    expect(after.available).toBe(after.cash);
    expect(after.cash).toBe(10_000);
    // A price arriving now fills nothing.
    await advance(session, 1);
    expect((await position(pendingId).status())!.status).toBe("failed");

    const refused = await entry("ETH/USDT");
    expect(refused).toEqual({ accepted: false, detail: "risk denied: kill switch engaged by ops: exchange incident" });

    // Restart of the account and of the position: the switch is stored.
    await evictDurableObject(account());
    await evictDurableObject(position(pendingId));
    const c = await controls();
    expect(c.kill).toMatchObject({ by: "ops", reason: "exchange incident" });
    expect(c.entriesRefused).toBe("kill switch engaged by ops: exchange incident");
    expect((await position(pendingId).status())!.status).toBe("failed");

    // Neither time nor other controls clear it: a pause on top, REDUCING, an entry a day later.
    expect((await post("/api/controls/pause", { reason: "belt and braces" }, "ops")).status).toBe(200);
    expect((await entry("ETH/USDT", START + 86_400_000)).detail).toBe("risk denied: kill switch engaged by ops: exchange incident");
    expect((await controls()).kill).not.toBeNull();

    const resumed = await post("/api/controls/resume", { reason: "incident closed" }, "ops");
    expect(resumed.status).toBe(200);
    const r = (await resumed.json()) as { action: any; controls: ControlsView };
    expect(r.action.detail.cleared).toEqual(["kill switch (ops: exchange incident)", "pause (ops: belt and braces)"]);
    expect(r.controls).toMatchObject({ kill: null, paused: null, tradingState: "ACTIVE", entriesRefused: null });
    await waitFor(async () => stream.events.some((e) => e.type === "risk.alert" && e.data.kind === "kill" && e.data.positions?.[0] === pendingId), "kill alert on the stream", 5_000);
  });

  it("force exit closes one position at its next price; exit-all closes the rest", async () => {
    const btc = await openPosition("BTC/USDT");
    const eth = await openPosition("ETH/USDT");
    const res = await post(`/api/positions/${btc}/exit`, { reason: "operator takes profit" }, "bob");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { positions: string[] }).positions).toEqual([btc]);
    const exiting = await untilStatus(btc, "exiting");
    expect(exiting).toMatchObject({ exitKind: "operator", exitReason: "operator takes profit (operator bob)" });
    expect((await position(eth).status())!.status).toBe("open");
    const closed = await untilClosed(btc);
    expect(closed.closedAt!).toBeGreaterThan(exiting.lastPriceAt!);
    expect(closed.orders.map((o) => [o.purpose, o.status])).toEqual([
      ["entry", "filled"],
      ["exit", "filled"],
    ]);

    const all = await post("/api/positions/exit-all", { reason: "flat into the weekend" }, "bob");
    expect(all.status).toBe(200);
    expect(((await all.json()) as { positions: string[] }).positions).toEqual([eth]);
    await untilClosed(eth);
    await waitFor(async () => (await account().summary()).closedCount === 2, "account booked both closes");
    expect((await account().summary()).positions).toEqual([]);
    const trades = await waitFor(async () => {
      const rows = (await env.DB.prepare("SELECT id, exit_kind, exit_reason FROM trades ORDER BY id").all()).results;
      return rows.length === 2 ? rows : null;
    }, "trade rows");
    expect(trades).toEqual([
      { id: btc, exit_kind: "operator", exit_reason: "operator takes profit (operator bob)" },
      { id: eth, exit_kind: "operator", exit_reason: "flat into the weekend (operator bob)" },
    ]);
  });

  it("kill with flatten exits the open positions", async () => {
    const id = await openPosition("BTC/USDT");
    const res = await post("/api/controls/kill", { reason: "flatten everything", flatten: true }, "ops");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { controls: ControlsView }).controls.kill).toMatchObject({ flatten: true });
    expect(await untilStatus(id, "exiting")).toMatchObject({ exitKind: "operator" });
    await untilClosed(id);
    await waitFor(async () => (await account().summary()).positions.length === 0, "account booked the close");
    expect((await post("/api/controls/resume", { reason: "flat, resume" }, "ops")).status).toBe(200);
  });

  it("a kill without flatten keeps open positions open; the resume releases them", async () => {
    const id = await openPosition("BTC/USDT");
    const kill = (await (await post("/api/controls/kill", { reason: "stop new risk" }, "ops")).json()) as { positions: string[] };
    expect(kill.positions).toEqual([id]);
    await advance(session, 2);
    expect((await position(id).status())!.status).toBe("open");
    const res = await post("/api/controls/resume", { reason: "carry on" }, "ops");
    const body = (await res.json()) as { action: any; positions: string[] };
    expect(body.positions).toEqual([id]);
    expect(body.action.detail).toEqual({ cleared: ["kill switch (ops: stop new risk)"], released: [id] });
    expect((await position(id).status())!.status).toBe("open");
    expect((await post("/api/positions/exit-all", { reason: "clean up" }, "ops")).status).toBe(200);
    await untilClosed(id);
    await waitFor(async () => (await account().summary()).positions.length === 0, "account booked the close");
  });

  it("REDUCING refuses entries and allows exits; only an operator's resume leaves it", async () => {
    const id = await openPosition("BTC/USDT");
    const first = await account().enterReducing({ reason: "exchange reports 0 BTC, book holds some", detail: { symbol: "BTC/USDT", exchangeQty: 0 } });
    expect(first).toMatchObject({ ok: true, action: { action: "enter_reducing", by: "reconciliation" } });
    const again = await account().enterReducing({ reason: "still different" });
    expect(again).toMatchObject({ ok: true, action: null });
    const c = await controls();
    expect(c).toMatchObject({ tradingState: "REDUCING", reducing: { reason: "exchange reports 0 BTC, book holds some", detail: { symbol: "BTC/USDT", exchangeQty: 0 } } });
    const summary = await account().summary();
    expect(summary).toMatchObject({ state: "REDUCING", tradingState: "HALTED", haltReason: "REDUCING: exchange reports 0 BTC, book holds some" });

    expect(await entry("ETH/USDT")).toEqual({ accepted: false, detail: "risk denied: trading is REDUCING (exits only): exchange reports 0 BTC, book holds some" });
    const exit = await account().requestExit({ decisionId: `main-d${++decision}`, at: START, symbol: "BTC/USDT", reason: "reduce" });
    expect(exit).toMatchObject({ accepted: true, positionId: id });
    await untilClosed(id);
    await waitFor(async () => (await account().summary()).positions.length === 0, "account booked the close");
    // Closing everything does not leave REDUCING either.
    expect((await controls()).tradingState).toBe("REDUCING");
    await waitFor(async () => stream.events.some((e) => e.type === "risk.alert" && e.data.kind === "reducing"), "REDUCING alert on the stream", 5_000);

    const resumed = await post("/api/controls/resume", { reason: "reconciled by hand" }, "carol");
    expect(((await resumed.json()) as { action: any }).action.detail.cleared).toEqual(["REDUCING (exchange reports 0 BTC, book holds some)"]);
    expect(await controls()).toMatchObject({ tradingState: "ACTIVE", entriesRefused: null, reducing: null });
  });

  it("a drawdown halt is resumed through POST /api/controls/resume", async () => {
    // A position booked, then closed at a large loss on a later day than any the account has seen:
    // about 16% under the peak, and no daily loss (the new day starts after the close).
    const r = await entry("ETH/USDT");
    expect(r.accepted).toBe(true);
    const id = r.positionId!;
    const at = START + 10 * MIN;
    await account().onEntryFilled({ positionId: id, symbol: "ETH/USDT", qty: 1, price: 2000, fee: 0, at });
    const nextDay = START + 2 * 86_400_000;
    await account().onPositionClosed({
      positionId: id,
      symbol: "ETH/USDT",
      agent: "test",
      decisionId: `main-d${decision}`,
      qty: 1,
      entryPrice: 2000,
      exitPrice: 400,
      proceeds: 400,
      exitFee: 0,
      fees: 0,
      pnl: -1600,
      pnlPct: -0.8,
      openedAt: at,
      closedAt: nextDay,
      exitKind: "hard_stop",
      exitReason: "test loss",
      regimeKey: null,
      agentSignals: {},
    });
    const halted = await controls();
    expect(halted.tradingState).toBe("HALTED");
    expect(halted.haltReason).toMatch(/^drawdown 1\d\.\d\d% from peak >= limit 12\.00%$/);
    const refused = await entry("BTC/USDT", nextDay);
    expect(refused.accepted).toBe(false);
    expect(refused.detail).toMatch(/^risk denied: trading is HALTED: drawdown/);

    const res = await post("/api/controls/resume", { reason: "loss understood, resume" }, "dave");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { action: any; controls: ControlsView };
    expect(body.action.detail.cleared).toEqual([`HALTED (${halted.haltReason})`]);
    expect(body.controls).toMatchObject({ tradingState: "ACTIVE", haltReason: null, entriesRefused: null });
    const summary = await account().summary();
    expect(summary.peakEquity).toBeCloseTo(summary.equity, 6);
    expect((await entry("BTC/USDT", nextDay)).accepted).toBe(true);
  });

  it("every action reached D1 operator_actions with who and why", async () => {
    const rows = await waitFor(
      async () => {
        const r = (await env.DB.prepare("SELECT id, portfolio, at, action, by, reason, detail_json FROM operator_actions ORDER BY CAST(SUBSTR(id, 8) AS INTEGER)").all<Record<string, any>>()).results;
        return r.length >= 15 ? r : null;
      },
      "operator_actions rows",
      10_000,
    );
    expect(rows.map((r) => [r.action, r.by, r.reason])).toEqual([
      ["pause", "alice@desk", "CPI print at 14:30"],
      ["resume", "token:API_TOKEN", "print is out"],
      ["kill", "ops", "exchange incident"],
      ["pause", "ops", "belt and braces"],
      ["resume", "ops", "incident closed"],
      ["force_exit", "bob", "operator takes profit"],
      ["exit_all", "bob", "flat into the weekend"],
      ["kill", "ops", "flatten everything"],
      ["resume", "ops", "flat, resume"],
      ["kill", "ops", "stop new risk"],
      ["resume", "ops", "carry on"],
      ["exit_all", "ops", "clean up"],
      ["enter_reducing", "reconciliation", "exchange reports 0 BTC, book holds some"],
      ["resume", "carol", "reconciled by hand"],
      ["resume", "dave", "loss understood, resume"],
    ]);
    expect(rows.map((r) => r.id)).toEqual(rows.map((_, i) => `main:op${i + 1}`));
    // Engine time never runs backwards.
    expect(rows.map((r) => r.at)).toEqual(rows.map((r) => r.at).sort((a, b) => a - b));
    expect(rows.every((r) => r.portfolio === "main" && typeof r.at === "number")).toBe(true);
    expect(JSON.parse(rows[2]!.detail_json)).toMatchObject({ flatten: false, positions: [expect.stringMatching(/^main-d\d+-BTC$/)] });
    expect(JSON.parse(rows[7]!.detail_json)).toMatchObject({ flatten: true });
    expect(JSON.parse(rows[12]!.detail_json)).toEqual({ symbol: "BTC/USDT", exchangeQty: 0 });
    expect(JSON.stringify(rows)).not.toContain(TOKEN);
    stream.ws.close();
  });
});
