import { describe, expect, it } from "vitest";
import { DEFAULT_NOTIFY_EVENTS, forwardedStreamTypes, NotificationsConfigSchema, wantedEvents } from "../../../src/lib/notify/config";
import { classifyEvent } from "../../../src/lib/notify/events";

const T = Date.UTC(2026, 2, 27, 12);
const ev = (type: string, data: unknown, seq = 7) => classifyEvent({ seq, ts: T, type, data });

describe("classifyEvent", () => {
  it("keys an event by its stream seq and keeps position events as they are", () => {
    expect(ev("position.opened", { symbol: "BTC/USDT" })).toEqual({ kind: "position.opened", key: "ev:7", ts: T, data: { symbol: "BTC/USDT" } });
    expect(ev("position.closed", { pnl: 1 })?.kind).toBe("position.closed");
  });

  it("tells no channel about other stream events", () => {
    for (const type of ["order.filled", "decision.made", "portfolio.update", "gate.wake", "feed.status"]) expect(ev(type, {})).toBeNull();
  });

  it("names the risk alerts: halt, kill, pause, resume, reducing", () => {
    expect(ev("risk.alert", { tradingState: "HALTED", reason: "daily loss limit" })?.kind).toBe("halt");
    expect(ev("risk.alert", { kind: "kill", by: "api", reason: "x", flatten: true, positions: [] })?.kind).toBe("kill");
    expect(ev("risk.alert", { kind: "pause" })?.kind).toBe("pause");
    expect(ev("risk.alert", { kind: "resume" })?.kind).toBe("resume");
    expect(ev("risk.alert", { kind: "reducing" })?.kind).toBe("reducing");
    // A state back to ACTIVE (the day rolled), a loss streak, an exchange ban: plain alerts.
    expect(ev("risk.alert", { tradingState: "ACTIVE", reason: null })?.kind).toBe("alert");
    expect(ev("risk.alert", { kind: "loss_streak_cooldown" })?.kind).toBe("alert");
    expect(ev("risk.alert", { source: "TickerActor", reason: "exchange_banned" })?.kind).toBe("alert");
  });

  it("tells the breaker from the budget, and the budget once per UTC day", () => {
    expect(ev("risk.alert", { source: "llm", kind: "breaker_opened", reason: "Claude breaker opened after 3 failures: timeout" })?.kind).toBe("breaker.opened");
    const budget = ev("risk.alert", { source: "llm", kind: "budget_spent", reason: "daily LLM budget spent: 5.0000 of 5 USD" });
    expect(budget).toMatchObject({ kind: "budget.spent", onceKey: "budget.spent:2026-03-27" });
    // Alerts from before the kind was sent are recognised by their reason.
    expect(ev("risk.alert", { source: "llm", reason: "daily LLM budget spent: 5.0000 of 5 USD" })?.kind).toBe("budget.spent");
  });

  it("reports a failed delivery on the other channels, and never a failed failure report", () => {
    const failed = ev("risk.alert", {
      source: "NotifierActor",
      reason: "dead_letter",
      detail: { kind: "notification", key: "ev:3", target: "telegram:1001", method: "position.opened", attempts: 5, error: "telegram: HTTP 502" },
    });
    expect(failed).toMatchObject({ kind: "delivery.failed", skipChannel: "telegram" });
    expect(ev("risk.alert", { source: "NotifierActor", reason: "dead_letter", detail: { kind: "notification", target: "discord", method: "delivery.failed" } })).toBeNull();
    // The notifier's other dead letters (mail, timers) are plain alerts.
    expect(ev("risk.alert", { source: "NotifierActor", reason: "dead_letter", detail: { kind: "timer", target: "NotifierActor" } })?.kind).toBe("alert");
  });
});

describe("notification config", () => {
  const cfg = NotificationsConfigSchema.parse({});
  const all = { telegram: true, discord: true, webhook: true };

  it("tells every configured channel the default events, none without its secrets", () => {
    const w = wantedEvents(cfg, { telegram: true, discord: false, webhook: true });
    expect([...w.telegram]).toEqual(DEFAULT_NOTIFY_EVENTS);
    expect(w.discord.size).toBe(0);
    expect(wantedEvents(NotificationsConfigSchema.parse({ webhook: { enabled: false } }), all).webhook.size).toBe(0);
  });

  it("forwards only the stream types some channel needs", () => {
    expect(forwardedStreamTypes(cfg, { telegram: false, discord: false, webhook: false })).toEqual(new Set());
    expect(forwardedStreamTypes(cfg, all)).toEqual(new Set(["position.opened", "position.closed", "risk.alert"]));
    const summaryOnly = NotificationsConfigSchema.parse({ telegram: { events: ["daily.summary"] }, discord: { events: [] }, webhook: { events: [] } });
    // The daily summary needs the day's closes.
    expect(forwardedStreamTypes(summaryOnly, all)).toEqual(new Set(["position.closed"]));
    const haltOnly = NotificationsConfigSchema.parse({ telegram: { events: ["halt"] }, discord: { events: [] }, webhook: { events: [] } });
    expect(forwardedStreamTypes(haltOnly, all)).toEqual(new Set(["risk.alert"]));
  });

  it("refuses unknown events and a bad chat id with the path", () => {
    expect(NotificationsConfigSchema.safeParse({ telegram: { events: ["trade.opened"] } }).success).toBe(false);
    const bad = NotificationsConfigSchema.safeParse({ telegram: { chatId: "@channel" } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["telegram", "chatId"]);
  });
});
