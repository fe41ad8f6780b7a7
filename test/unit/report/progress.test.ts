import { describe, expect, it } from "vitest";
import { createProgress, formatDuration } from "../../../tools/report/progress";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 120, write: (s: string) => writes.push(s) } };
}

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("progress without a TTY", () => {
  it("prints one line per 10 % step and nothing in between", () => {
    const { writes, stream } = fakeStream(false);
    const clock = fakeClock();
    const p = createProgress({ total: 1000, label: "backtest", stream, now: clock.now });
    for (let i = 1; i <= 1000; i++) {
      clock.advance(2);
      p.update(i);
    }
    expect(writes).toHaveLength(10);
    expect(writes.map((w) => /(\d+\.\d)%/.exec(w)?.[1])).toEqual(["10.0", "20.0", "30.0", "40.0", "50.0", "60.0", "70.0", "80.0", "90.0", "100.0"]);
    expect(writes.every((w) => w.startsWith("backtest ") && w.endsWith("\n") && !w.includes("\r"))).toBe(true);
    expect(writes.at(-1)).toBe("backtest 100.0% 1000/1000 500/s in 2s\n");
    p.done();
    expect(writes).toHaveLength(10);
  });

  it("prints a single line for a jump across several steps", () => {
    const { writes, stream } = fakeStream(false);
    const p = createProgress({ total: 100, label: "x", stream, now: fakeClock().now });
    p.update(5);
    p.update(37);
    p.update(39);
    p.update(40);
    expect(writes.map((w) => /([\d.]+)%/.exec(w)?.[1])).toEqual(["37.0", "40.0"]);
  });

  it("reports rate and ETA from the elapsed time", () => {
    const { writes, stream } = fakeStream(false);
    const clock = fakeClock();
    const p = createProgress({ total: 1000, label: "x", stream, now: clock.now });
    clock.advance(2_000);
    p.update(500);
    expect(writes[0]).toContain("500/1000 250/s ETA 2s");
  });

  it("on done before the end prints a closing line with the count and elapsed time", () => {
    const { writes, stream } = fakeStream(false);
    const clock = fakeClock();
    const p = createProgress({ total: 1000, label: "x", stream, now: clock.now });
    clock.advance(65_000);
    p.update(450);
    p.done();
    expect(writes.at(-1)).toBe("x 45.0% 450/1000 6.9/s in 1m05s\n");
    p.done();
    p.update(1000);
    expect(writes).toHaveLength(2);
  });
});

describe("progress on a TTY", () => {
  it("redraws at most every 100 ms however often it is updated", () => {
    const { writes, stream } = fakeStream(true);
    const clock = fakeClock();
    const p = createProgress({ total: 10_000, label: "x", stream, now: clock.now });
    for (let i = 1; i <= 10_000; i++) {
      if (i % 10 === 0) clock.advance(1);
      p.update(i);
    }
    // 1000 ms of updates: the first draw plus one per 100 ms.
    expect(writes.length).toBeGreaterThanOrEqual(10);
    expect(writes.length).toBeLessThanOrEqual(11);
  });

  it("does not redraw before 100 ms have passed, then does", () => {
    const { writes, stream } = fakeStream(true);
    const clock = fakeClock();
    const p = createProgress({ total: 100, label: "x", stream, now: clock.now });
    p.update(1);
    clock.advance(99);
    p.update(2);
    expect(writes).toHaveLength(1);
    clock.advance(1);
    p.update(3);
    expect(writes).toHaveLength(2);
  });

  it("redraws in place with a bar and ends the line on done", () => {
    const { writes, stream } = fakeStream(true);
    const clock = fakeClock();
    const p = createProgress({ total: 200, label: "sim", stream, now: clock.now });
    clock.advance(1_000);
    p.update(50);
    expect(writes[0]).toMatch(/^\rsim \[#{6}-{18}\]  25\.0% 50\/200 50\.0\/s ETA 3s\x1b\[K$/);
    clock.advance(3_000);
    p.update(200);
    p.done();
    expect(writes.at(-1)).toMatch(/^\rsim \[#{24}\] 100\.0% 200\/200 50\.0\/s in 4s\x1b\[K\n$/);
  });

  it("cuts the line to the terminal width", () => {
    const writes: string[] = [];
    const p = createProgress({ total: 10, label: "a-very-long-label", stream: { isTTY: true, columns: 30, write: (s) => writes.push(s) } });
    p.update(3);
    expect(writes[0]!.replace("\r", "").replace("\x1b[K", "")).toHaveLength(29);
  });
});

describe("formatDuration", () => {
  it("uses s, m+s and h+m", () => {
    expect([formatDuration(4_400), formatDuration(65_000), formatDuration(3_725_000), formatDuration(NaN)]).toEqual(["4s", "1m05s", "1h02m", "--"]);
  });
});
