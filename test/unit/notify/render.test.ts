import { describe, expect, it } from "vitest";
import { parseCommand, matchSymbol, positionsReply, statusReply } from "../../../src/lib/notify/commands";
import { afterSend, backoffMs } from "../../../src/lib/notify/delivery";
import { classifyEvent } from "../../../src/lib/notify/events";
import { discordContent, discordEscape, money, pct, renderEvent, telegramText, webhookBody } from "../../../src/lib/notify/render";
import { signingInput, timestampFresh } from "../../../src/lib/notify/signing";
import { dailySummary, nextSummaryAt } from "../../../src/lib/notify/summary";
import { NotifyRetryConfigSchema } from "../../../src/lib/notify/config";

const T = Date.UTC(2026, 2, 27, 12);
const closed = {
  positionId: "main-d3-BTC",
  symbol: "BTC/USDT",
  qty: 0.05,
  entryPrice: 60_000,
  exitPrice: 61_200,
  pnl: 53.9,
  pnlPct: 0.01797,
  openedAt: T - 3 * 3_600_000 - 20 * 60_000,
  closedAt: T,
  exitKind: "trailing_stop",
  exitReason: "12% under the peak",
};

describe("rendering", () => {
  it("formats money, signs and percentages", () => {
    expect(money(1234.5)).toBe("1,234.50");
    expect(money(0.000123)).toBe("0.000123");
    expect(pct(0.0123)).toBe("+1.23%");
    expect(pct(-0.05)).toBe("−5.00%");
    expect(money("x")).toBe("?");
  });

  it("a close on Telegram: plain text with the portfolio, P&L, exit and holding time", () => {
    const ev = classifyEvent({ seq: 9, ts: T, type: "position.closed", data: closed })!;
    expect(telegramText(renderEvent(ev), "main")).toBe(
      ["Closed BTC/USDT +53.90 (+1.80%) [main]", "Sold 0.05 at 61,200.00, entry 60,000.00, held 3 h 20 min", "Exit: trailing_stop (12% under the peak)", "Position main-d3-BTC"].join("\n"),
    );
  });

  it("Discord: bold title, markdown in free text escaped, at most 2000 characters", () => {
    expect(discordEscape("a*b_c `d` > e")).toBe("a\\*b\\_c \\`d\\` \\> e");
    const ev = classifyEvent({ seq: 1, ts: T, type: "risk.alert", data: { kind: "pause", by: "ops_bot", reason: "**news** at 14:00" } })!;
    expect(discordContent(renderEvent(ev), "main")).toBe(["**Entries paused** [main]", "By ops\\_bot: \\*\\*news\\*\\* at 14:00", "Exits go on; /resume clears it."].join("\n"));
    const long = classifyEvent({ seq: 2, ts: T, type: "risk.alert", data: { tradingState: "HALTED", reason: "x".repeat(5000) } })!;
    expect(discordContent(renderEvent(long), "main").length).toBe(2000);
    expect(telegramText(renderEvent(long), "main").length).toBe(4096);
  });

  it("the webhook body carries a delivery id, the event's data and the text", () => {
    const ev = classifyEvent({ seq: 4, ts: T, type: "risk.alert", data: { kind: "kill", by: "telegram:1001", reason: "stop", flatten: false, positions: ["p1"] } })!;
    expect(webhookBody(ev, renderEvent(ev), "main")).toEqual({
      id: "main:ev:4",
      portfolio: "main",
      event: "kill",
      ts: T,
      title: "Kill switch engaged",
      text: "Kill switch engaged\nBy telegram:1001: stop\nOpen orders are cancelled; positions are held.\nPositions: p1",
      data: { kind: "kill", by: "telegram:1001", reason: "stop", flatten: false, positions: ["p1"] },
    });
  });

  it("the daily summary: equity, the day's P&L and its trades", () => {
    const s = dailySummary("2026-03-27", { cash: 9_000, equity: 10_150, dayStartEquity: 10_000, realizedPnl: 120, tradingState: "ACTIVE", positions: [{}] }, [
      { positionId: "b", symbol: "ETH/USDT", pnl: -10, pnlPct: -0.01, exitKind: "hard_stop", closedAt: T + 1 },
      { positionId: "a", symbol: "BTC/USDT", pnl: 53.9, pnlPct: 0.018, exitKind: "review", closedAt: T },
    ]);
    expect(s).toMatchObject({ dayPnl: 150, dayPnlPct: 0.015, wins: 1, losses: 1, openPositions: 1 });
    expect(s.tradesPnl).toBeCloseTo(43.9, 10);
    const text = telegramText(renderEvent({ kind: "daily.summary", key: "summary:2026-03-27", ts: T, data: s as never }), "main");
    expect(text).toBe(
      [
        "Daily summary 2026-03-27 [main]",
        "Equity 10,150.00 (day +150.00, +1.50%)",
        "Cash 9,000.00, 1 open position, state ACTIVE",
        "Trades closed: 2 (1 won, 1 lost), P&L +43.90",
        "  BTC/USDT +53.90 (+1.80%) review",
        "  ETH/USDT −10.00 (−1.00%) hard_stop",
      ].join("\n"),
    );
    // Without the account the trades still go out.
    expect(dailySummary("2026-03-27", null, []).equity).toBeNull();
  });

  it("the summary runs at the configured UTC hour, strictly after now", () => {
    expect(nextSummaryAt(Date.UTC(2026, 2, 27, 12), 0)).toBe(Date.UTC(2026, 2, 28, 0));
    expect(nextSummaryAt(Date.UTC(2026, 2, 27, 12), 20)).toBe(Date.UTC(2026, 2, 27, 20));
    expect(nextSummaryAt(Date.UTC(2026, 2, 27, 20), 20)).toBe(Date.UTC(2026, 2, 28, 20));
  });
});

describe("the webhook signature", () => {
  it("signs `<timestamp>.<body>` and accepts a timestamp within the tolerance", () => {
    expect(signingInput(1774612800, '{"a":1}')).toBe('1774612800.{"a":1}');
    expect(timestampFresh(1000, 1300)).toBe(true);
    expect(timestampFresh(1000, 1301)).toBe(false);
    expect(timestampFresh(1.5, 1)).toBe(false);
  });
});

describe("delivery policy", () => {
  const cfg = NotifyRetryConfigSchema.parse({ baseMs: 100, maxMs: 1_000, maxAttempts: 4, maxRateLimited: 2 });

  it("backs off exponentially on 5xx up to the bound, then dead-letters", () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, cfg))).toEqual([100, 200, 400, 800, 1_000]);
    expect(afterSend({ kind: "retry", error: "HTTP 502" }, { attempts: 3, limited: 0 }, cfg, 0)).toEqual({ status: "pending", nextAt: 400, attempts: 3, limited: 0, error: "HTTP 502" });
    expect(afterSend({ kind: "retry", error: "HTTP 502" }, { attempts: 4, limited: 0 }, cfg, 0)).toEqual({ status: "dead", error: "HTTP 502 (4 attempts)" });
  });

  it("waits retry_after on 429 without spending an attempt, bounded on its own", () => {
    expect(afterSend({ kind: "rate_limited", retryAfterMs: 1_500, error: "429" }, { attempts: 2, limited: 0 }, cfg, 10)).toEqual({
      status: "pending",
      nextAt: 1_510,
      attempts: 1,
      limited: 1,
      error: "429",
    });
    expect(afterSend({ kind: "rate_limited", retryAfterMs: 1_500, error: "429" }, { attempts: 1, limited: 2 }, cfg, 0).status).toBe("dead");
  });

  it("a 4xx other than 429 is final; a 2xx is sent", () => {
    expect(afterSend({ kind: "failed", error: "HTTP 400 chat not found" }, { attempts: 1, limited: 0 }, cfg, 0)).toEqual({ status: "dead", error: "HTTP 400 chat not found" });
    expect(afterSend({ kind: "sent" }, { attempts: 1, limited: 0 }, cfg, 0)).toEqual({ status: "sent" });
  });
});

describe("Telegram commands", () => {
  it("parses /name@bot args; text that is no command is null; unknown ones get the help", () => {
    expect(parseCommand("/pause news at 14:00")).toEqual({ ok: true, name: "pause", args: "news at 14:00" });
    expect(parseCommand("/Status@edge_bot")).toEqual({ ok: true, name: "status", args: "" });
    expect(parseCommand("/start")).toEqual({ ok: true, name: "help", args: "" });
    expect(parseCommand("hello")).toBeNull();
    const unknown = parseCommand("/buy BTC");
    expect(unknown?.ok).toBe(false);
    expect(unknown && !unknown.ok && unknown.reply).toMatch(/^Unknown command \/buy\.\nCommands:/);
  });

  it("matches a symbol however it is spelled", () => {
    const book = ["BTC/USDT", "ETH/USDT"];
    expect(matchSymbol("btc", book)).toEqual(["BTC/USDT"]);
    expect(matchSymbol("ETHUSDT", book)).toEqual(["ETH/USDT"]);
    expect(matchSymbol("BTC/USDT", book)).toEqual(["BTC/USDT"]);
    expect(matchSymbol("SOL", book)).toEqual([]);
  });

  it("answers /status and /positions in a few lines", () => {
    expect(
      statusReply({
        portfolio: "main",
        tradingState: "ACTIVE",
        haltReason: null,
        entriesRefused: "paused by telegram:1001",
        equity: 10_100,
        cash: 7_000,
        exposure: 3_100,
        dayPnl: 100,
        dayPnlPct: 0.01,
        openPositions: 1,
        paused: { by: "telegram:1001", reason: "news" },
        kill: null,
      }),
    ).toBe(["Status [main]: ACTIVE", "Equity 10,100.00 (day +100.00, +1.00%), cash 7,000.00, exposure 3,100.00", "1 position in the book", "Paused by telegram:1001: news"].join("\n"));
    expect(positionsReply("main", [])).toBe("No open positions [main].");
    expect(positionsReply("main", [{ id: "p1", symbol: "BTC/USDT", status: "open", qty: 0.05, entryPrice: 60_000, lastPrice: 61_200 }])).toBe(
      "Positions [main]:\nBTC/USDT 0.05 @ 60,000.00 → 61,200.00 +60.00 (+2.00%) (p1)",
    );
  });
});
