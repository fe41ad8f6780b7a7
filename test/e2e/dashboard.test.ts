import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { canvasColorCounts, launchChromium, markerPoint, watchedPage, type ConsoleProblem } from "./browser";
import { api, baseUrl, createToken, json, rootToken } from "./support";

// The page's globals, for the callbacks page.evaluate runs in the browser (the Node typecheck has no DOM lib).
declare const document: any;
declare const window: any;
declare const sessionStorage: any;

/** Where the screenshots go (gitignored): the report's reviewer opens them. */
const ARTIFACTS = join(process.cwd(), "test-artifacts", "dashboard");
const SYMBOL = "BTC/USDT";
/** The dashboard's chart colours (dashboard/js/charts.js). */
const UP: [number, number, number] = [62, 207, 142];
const DOWN: [number, number, number] = [240, 97, 109];
const INFO: [number, number, number] = [90, 169, 255];
const OPEN: [number, number, number] = [192, 132, 252];

type Envelope = { seq: number; ts: number; type: string; data: any };
type Controls = { paused: { by: string; reason: string } | null; recentActions: { action: string; by: string; reason: string }[] };

const sim = (path: string, body: unknown) =>
  fetch(`${inject("e2eSimUrl")}/sim/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => {
    if (!r.ok) throw new Error(`sim ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  });
const llm = (path: string, body: unknown) =>
  fetch(`${inject("e2eLlmUrl")}/sim/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => {
    if (!r.ok) throw new Error(`llm sim ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  });

/** A stream client in Node (the Authorization header, which browsers cannot send): what the worker published, and when. */
async function observeStream(): Promise<{ events: (Envelope & { at: number })[]; close: () => void }> {
  const url = `${baseUrl().replace(/^http/, "ws")}/ws/stream`;
  const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${rootToken()}` } });
  const events: (Envelope & { at: number })[] = [];
  ws.on("message", (m) => events.push({ ...(JSON.parse(String(m)) as Envelope), at: Date.now() }));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return { events, close: () => ws.close() };
}

async function until<T>(probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, what: string, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${baseUrl()}/`);
  await page.fill("#token", token);
  await page.click("#signin-form button[type=submit]");
  await page.waitForSelector("#app:not([hidden])", { timeout: 10_000 });
}

const describeProblems = (ps: ConsoleProblem[]) => ps.map((p) => `${p.kind} at ${p.url}: ${p.text}`).join("\n");

/**
 * The dashboard (dashboard/, served as static assets by the worker under `wrangler dev`) in headless Chromium,
 * against the e2e world: signed in with a token, live through the stream, acting through the API. Every test fails
 * on a console error or an uncaught exception it did not provoke on purpose.
 */
describe("dashboard in Chromium", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: () => ConsoleProblem[];
  let allow: (p: RegExp) => void;
  /** A marker only this run's scripted decision carries, with markup that must stay text. */
  const nonce = randomBytes(4).toString("hex");
  const reasoning = `dashboard e2e ${nonce}: <img src=x onerror="window.__xss=1"><b>bold?</b> buy`;
  let positionId = "";

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // Claude decides here (the local Messages-API server, scripted below); BTC/USDT only, as the other e2e files start it.
    await json(api("/api/engine/start", { method: "POST", body: { symbols: [SYMBOL], initialCash: 10_000, decider: "claude" } }));
    // A few replayed minutes, in steps: candles reach D1 and equity snapshots get distinct engine times.
    for (let i = 0; i < 3; i++) {
      await sim("advance", { minutes: 5 });
      await new Promise((r) => setTimeout(r, 1_200));
    }
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    ({ page, problems, allow } = await watchedPage(context));
    await signIn(page, rootToken());
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("signs in with a token, connects the stream with a ticket and draws the candles", async () => {
    expect(await page.evaluate(() => sessionStorage.getItem("edgetrader.token"))).toBe(rootToken());
    await page.waitForSelector('#stream-state[data-state="live"]', { timeout: 10_000 });
    // The candles of the first symbol, both colours drawn on the chart's pane.
    const counts = await until(
      async () => {
        const c = await canvasColorCounts(page, "#candle-chart", { up: UP, down: DOWN });
        return c.up > 200 && c.down > 200 ? c : null;
      },
      "candles on the chart",
      20_000,
    );
    expect(counts.canvases).toBeGreaterThan(0);
    expect(await page.textContent("#symbol-tabs")).toContain(SYMBOL);
    // Every panel loaded: no error box shown.
    expect(await page.$$eval("section.panel > p.err:not([hidden])", (els) => els.map((e) => e.textContent))).toEqual([]);
    expect(await page.textContent("#summary")).toContain("PAPER");
    expect(describeProblems(problems())).toBe("");
  });

  it("shows a position opened on the stream within 5 s, with the decision behind it as text", async () => {
    const stream = await observeStream();
    try {
      // No decision of the replayed minutes still asking Claude: the scripted answer is the wake's.
      await until(async () => (await json<{ state: { inFlight: unknown } }>(api("/api/gate"))).state.inFlight === null, "no decision in flight", 15_000);
      await llm("script", {
        responses: [
          {
            decisions: [{ ticker: SYMBOL, action: "BUY", position_pct: 0.2, confidence: 0.8, reasoning, signal_weights: {} }],
            market_assessment: `scripted for ${nonce}`,
            next_check_seconds: 3600,
            wake_conditions: [],
            memory_update: null,
          },
        ],
      });
      await json(api("/api/gate/wake", { method: "POST", body: { reason: `dashboard e2e ${nonce}` } }));
      await until(() => stream.events.find((e) => e.type === "decision.made" && JSON.stringify(e.data).includes(nonce)), "the scripted decision", 15_000);
      // The entry fills at the next replayed price.
      await sim("advance", { minutes: 2 });
      const opened = await until(() => stream.events.find((e) => e.type === "position.opened" && String(e.data.reason).includes(nonce)), "position.opened on the stream", 15_000);
      positionId = opened.data.positionId;
      // On the page within 5 s of the stream carrying it: the live event and the open-positions panel.
      await page.waitForSelector(`#events li[data-type="position.opened"]`, { timeout: Math.max(1, opened.at + 5_000 - Date.now()) });
      await page.waitForSelector(`#positions li[data-position="${positionId}"]`, { timeout: Math.max(1, opened.at + 5_000 - Date.now()) });
      const row = await page.textContent(`#positions li[data-position="${positionId}"]`);
      expect(row).toContain(SYMBOL);
      expect(row).toMatch(/hard stop [\d,.]+/);
    } finally {
      stream.close();
    }

    // The decision behind it: hovering the position's marker on the chart shows its reason, a click the decision.
    const marker = await until(() => markerPoint(page, "#candle-chart", OPEN), "the open position's marker on the chart", 10_000);
    await page.mouse.move(marker.x, marker.y);
    await page.waitForSelector("#marker-tip:not([hidden])", { timeout: 5_000 });
    expect(await page.textContent("#marker-tip")).toContain(`Open ${SYMBOL}`);
    expect(await page.textContent("#marker-tip")).toContain(reasoning);
    await page.mouse.click(marker.x, marker.y);
    await page.waitForFunction((n) => document.querySelector("#decision-detail")?.textContent?.includes(`scripted for ${n}`), nonce, { timeout: 10_000 });
    const detail = (await page.textContent("#decision-detail"))!;
    expect(detail).toContain(reasoning);
    expect(await page.$$eval("#decision-detail img, #decision-detail b, #decisions img", (els) => els.length)).toBe(0);
    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
    // The decisions panel lists it too.
    await page.waitForSelector(`#decisions details[data-decision="${positionId.replace(/-[A-Z]+$/, "")}"]`, { timeout: 10_000 });
    // The equity curve (line and drawdown) is drawn.
    await until(async () => (await canvasColorCounts(page, "#equity-chart", { line: INFO })).line > 30, "the equity line", 15_000);
    expect(describeProblems(problems())).toBe("");
  });

  it("pauses through the operator controls (GET /api/controls shows it) and resumes", async () => {
    await page.fill("#control-reason", `dashboard e2e ${nonce}: pause`);
    await page.click('#controls-form button[data-action="pause"]');
    await page.waitForSelector("#p-controls > p.ok:not([hidden])", { timeout: 10_000 });
    const paused = await json<Controls>(api("/api/controls"));
    expect(paused.paused).toMatchObject({ by: "dashboard", reason: `dashboard e2e ${nonce}: pause` });
    expect(await page.textContent("#controls-state")).toContain("PAUSED");

    await page.fill("#control-reason", `dashboard e2e ${nonce}: resume`);
    await page.click('#controls-form button[data-action="resume"]');
    await until(async () => (await json<Controls>(api("/api/controls"))).paused === null, "resume", 10_000);
    await page.waitForFunction(() => !document.querySelector("#controls-state")?.textContent?.includes("PAUSED"), null, { timeout: 10_000 });
    expect(describeProblems(problems())).toBe("");
  });

  it("reconnects the stream with since=<last seq> and shows what it missed", async () => {
    const sockets: string[] = [];
    page.on("websocket", (ws) => sockets.push(ws.url()));
    // Hold the next ticket request: the stream stays down while the worker publishes.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let asked = false;
    let passed!: () => void;
    const through = new Promise<void>((r) => (passed = r));
    const hold = async (route: Route) => {
      asked = true;
      await held;
      await route.continue();
      passed();
    };
    await page.route("**/api/stream/ticket", hold);
    const lastSeq = await page.evaluate(() => window.edgetrader.stream.lastSeq as number);
    await page.evaluate(() => window.edgetrader.stream.drop());
    await until(() => asked, "the dashboard asking for a new ticket", 10_000);
    // Published while the dashboard is away: a pause and a resume (risk.alert events).
    await json(api("/api/controls/pause", { method: "POST", body: { reason: `while the stream is down ${nonce}` } }));
    await json(api("/api/controls/resume", { method: "POST", body: { reason: `back ${nonce}` } }));
    release();
    await through;
    await page.unroute("**/api/stream/ticket", hold);
    await page.waitForFunction((n) => [...document.querySelectorAll('#events li[data-type="risk.alert"]')].some((li: any) => li.textContent?.includes(`while the stream is down ${n}`)), nonce, {
      timeout: 10_000,
    });
    await page.waitForSelector('#stream-state[data-state="live"]', { timeout: 10_000 });
    const reconnect = sockets.find((u) => new URL(u).searchParams.has("since"));
    expect(reconnect, sockets.join(", ")).toBeDefined();
    expect(Number(new URL(reconnect!).searchParams.get("since"))).toBeGreaterThanOrEqual(lastSeq);
    expect(new URL(reconnect!).searchParams.get("ticket")).toBeTruthy();
    expect(new URL(reconnect!).searchParams.has("access_token")).toBe(false);
    expect(describeProblems(problems())).toBe("");
  });

  it("shows the API's 422 for a backtest range without candles, then runs one from the form and draws its equity", async () => {
    allow(/status of 422.*\/api\/backtests/);
    await page.selectOption('#backtest-form select[name="strategy"]', "regime-blend");
    await page.fill('#backtest-form input[name="symbols"]', SYMBOL);
    await page.selectOption('#backtest-form select[name="timeframe"]', "1d");
    await page.fill('#backtest-form input[name="from"]', "2012-01-01");
    await page.fill('#backtest-form input[name="to"]', "2012-02-01");
    await page.click('#backtest-form button[type="submit"]');
    const err = await page.waitForSelector("#p-backtest > p.err:not([hidden])", { timeout: 15_000 });
    expect(await err.textContent()).toMatch(/2012.*\(422 no_candles\)/s);

    await page.fill('#backtest-form input[name="from"]', "2024-01-01");
    await page.fill('#backtest-form input[name="to"]', "2025-01-01");
    await page.click('#backtest-form button[type="submit"]');
    await page.waitForSelector('#backtest-result [data-metric="totalReturn"]', { timeout: 30_000 });
    expect(await page.isHidden("#p-backtest > p.err")).toBe(true);
    expect(await page.textContent("#backtest-result")).toContain("regime-blend");
    await until(async () => (await canvasColorCounts(page, "#backtest-chart", { line: UP })).line > 30, "the backtest's equity line", 10_000);
    await page.waitForSelector("#backtest-runs li button", { timeout: 10_000 });
    expect(describeProblems(problems())).toBe("");
  });

  it("shows the API's 400 naming the field when a strategy parameter is refused", async () => {
    allow(/status of 400.*\/api\/strategies\/rsi-mean-reversion/);
    const card = '#strategies article[data-strategy="rsi-mean-reversion"]';
    await page.click(`${card} details.params-box > summary`);
    await page.fill(`${card} input[name="overbought"]`, "150");
    await page.click(`${card} button[type="submit"]`);
    const err = await page.waitForSelector(`${card} p.err:not([hidden])`, { timeout: 10_000 });
    expect(await err.textContent()).toMatch(/overbought.*\(400 invalid_params\)/s);
    // Nothing changed on the engine.
    const { strategies } = await json<{ strategies: { name: string; params: { overbought: number } }[] }>(api("/api/strategies"));
    expect(strategies.find((s) => s.name === "rsi-mean-reversion")!.params.overbought).toBe(75);
    expect(describeProblems(problems())).toBe("");
  });

  it("refuses a wrong token at sign-in, and shows a read token's 403 when it tries to act", async () => {
    const other = await watchedPage(context);
    try {
      other.allow(/status of 401/);
      other.allow(/status of 403.*\/api\/controls\/pause/);
      // The same context shares sessionStorage per tab only: a new page starts signed out.
      await other.page.goto(`${baseUrl()}/`);
      await other.page.waitForSelector("#signin:not([hidden])");
      await other.page.fill("#token", "not-a-token-of-this-worker-000000000000");
      await other.page.click("#signin-form button[type=submit]");
      const refused = await other.page.waitForSelector("#signin-error:not([hidden])", { timeout: 10_000 });
      expect(await refused.textContent()).toMatch(/invalid bearer token \(401 unauthorized\)/);

      const read = await createToken("read", `dashboard-e2e-${nonce}`);
      await signIn(other.page, read.token);
      await other.page.fill("#control-reason", "a read token may not pause");
      await other.page.click('#controls-form button[data-action="pause"]');
      const err = await other.page.waitForSelector("#p-controls > p.err:not([hidden])", { timeout: 10_000 });
      expect(await err.textContent()).toMatch(/trade.*\(403 forbidden\)/s);
      expect((await json<Controls>(api("/api/controls"))).paused).toBeNull();
      expect(describeProblems(other.problems())).toBe("");
    } finally {
      await other.page.close();
    }
  });

  it("fits a desktop window and a phone (390 px), and saves both screenshots", async () => {
    // The pointer off the charts (no crosshair in the pictures), at the top of the page.
    await page.mouse.move(1, 1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-1280x800.png") });
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-1280x800-full.png"), fullPage: true });

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    try {
      const p = await watchedPage(phone);
      await signIn(p.page, rootToken());
      await p.page.waitForSelector(`#positions li[data-position="${positionId}"]`, { timeout: 15_000 });
      await until(async () => (await canvasColorCounts(p.page, "#candle-chart", { up: UP })).up > 100, "candles on the phone", 20_000);
      // Nothing wider than the screen: the page never scrolls sideways.
      expect(await p.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await p.page.mouse.move(1, 1);
      await p.page.screenshot({ path: join(ARTIFACTS, "dashboard-390x844.png") });
      await p.page.screenshot({ path: join(ARTIFACTS, "dashboard-390x844-full.png"), fullPage: true });
      expect(describeProblems(p.problems())).toBe("");
    } finally {
      await phone.close();
    }
    expect(describeProblems(problems())).toBe("");
  });
});
