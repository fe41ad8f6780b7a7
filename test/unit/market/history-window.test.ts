import { describe, expect, it } from "vitest";
import { bootstrapWindow, lastClosedMinute } from "../../../src/lib/market/history-window";

const DAY = Date.UTC(2026, 2, 26);
const MIN = 60_000;

describe("bootstrapWindow: the 1m history a ticker loads when it starts", () => {
  it("starts at the UTC day's start when the features' window fits inside the day", () => {
    const serverTime = DAY + 5 * 60 * MIN + 30_000;
    expect(bootstrapWindow(serverTime, 60)).toEqual({ dayStart: DAY, from: DAY });
  });

  it("reaches into the day before when the features' window (plus the close before its first return) needs it", () => {
    const serverTime = DAY + 10 * MIN;
    expect(bootstrapWindow(serverTime, 60)).toEqual({ dayStart: DAY, from: serverTime - 61 * MIN });
  });
});

describe("lastClosedMinute", () => {
  it("is the minute before the one in progress", () => {
    expect(lastClosedMinute(DAY + 10 * MIN + 59_999)).toBe(DAY + 9 * MIN);
    expect(lastClosedMinute(DAY + 10 * MIN)).toBe(DAY + 9 * MIN);
  });
});
