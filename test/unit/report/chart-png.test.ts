import { describe, expect, it } from "vitest";
import { renderChartPng, renderChartRaster } from "../../../tools/report/chart-png";
import { crc32 } from "../../../tools/report/crc32";
import type { ChartInput } from "../../../tools/report/types";
import { crc32Bitwise, decodePng, pixelAt, type DecodedPng } from "./png-decode";
import { DAY, randomEquity, T0 } from "./fixtures";

const EQUITY_RGB = [0x25, 0x63, 0xeb];
const BACKGROUND = [255, 255, 255];
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A steady rise from 100 to 200 over a year with one dip: the upper-left of the panel stays empty. */
const rising: ChartInput = {
  title: "Rising",
  equity: Array.from({ length: 365 }, (_, i) => ({ t: T0 + i * DAY, equity: 100 + (100 * i) / 364 - (i >= 200 && i < 220 ? 30 : 0) })),
};

function neighbourhood(img: DecodedPng, x: number, y: number, r = 1): number[][] {
  const out: number[][] = [];
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) out.push(pixelAt(img, x + dx, y + dy));
  return out;
}

describe("PNG chart", () => {
  const png = renderChartPng(rising);
  const img = decodePng(png);
  const { model, raster } = renderChartRaster(rising);

  it("is a PNG: signature, IHDR first with 1200×700 8-bit RGB, IDAT, IEND last", () => {
    expect([...img.signature]).toEqual(SIGNATURE);
    expect(img.chunks[0]!.type).toBe("IHDR");
    expect(img.chunks.at(-1)!.type).toBe("IEND");
    expect(img.chunks.some((c) => c.type === "IDAT")).toBe(true);
    expect({ width: img.width, height: img.height, bitDepth: img.bitDepth, colorType: img.colorType }).toEqual({ width: 1200, height: 700, bitDepth: 8, colorType: 2 });
  });

  it("has a correct CRC on every chunk", () => {
    for (const c of img.chunks) expect(c.crc, c.type).toBe(c.expectedCrc);
  });

  it("computes the standard CRC-32 check value", () => {
    const bytes = new TextEncoder().encode("123456789");
    expect(crc32(bytes)).toBe(0xcbf43926);
    expect(crc32Bitwise(bytes)).toBe(0xcbf43926);
  });

  it("decodes to exactly the rasterised pixels", () => {
    const rgb = new Uint8Array(raster.width * raster.height * 3);
    for (let i = 0, j = 0; i < raster.data.length; i += 4, j += 3) rgb.set(raster.data.subarray(i, i + 3), j);
    expect(Buffer.from(img.pixels).equals(Buffer.from(rgb))).toBe(true);
  });

  it("paints the equity colour where the curve runs", () => {
    for (const i of [50, 150, 210, 300]) {
      const p = rising.equity[i]!;
      const x = Math.floor(model.x(p.t));
      const y = Math.floor(model.yEquity(p.equity));
      expect(neighbourhood(img, x, y), `day ${i}`).toContainEqual(EQUITY_RGB);
    }
  });

  it("leaves a pixel far from any line as background", () => {
    // Halfway between the first two vertical and the top two horizontal gridlines: the curve is still
    // near its start value of 100 there, far below.
    const [a, b] = model.xTicks;
    const x = Math.round((a!.pos + b!.pos) / 2);
    const y = Math.round((model.equityTicks.at(-1)!.pos + model.equityTicks.at(-2)!.pos) / 2);
    expect(model.yEquity(150)).toBeGreaterThan(y + 50);
    expect(model.x(rising.equity[182]!.t)).toBeGreaterThan(x);
    expect(neighbourhood(img, x, y, 3).every((p) => p.join() === BACKGROUND.join())).toBe(true);
  });

  it("fills the drawdown area with a red tint from the 0 % line down to the curve", () => {
    const peak = rising.equity[199]!.equity;
    const dip = rising.equity[215]!;
    const x = Math.floor(model.x(dip.t));
    const bottom = Math.floor(model.yDrawdown(dip.equity / peak - 1));
    const column = Array.from({ length: bottom - 2 - (model.drawdownBaseY + 2) }, (_, k) => pixelAt(img, x, model.drawdownBaseY + 2 + k));
    expect(column.length).toBeGreaterThan(20);
    for (const [r, g] of column) expect(r).toBeGreaterThan(g + 30);
    // #f87171 at 35 % over white, where no gridline lies underneath.
    expect(column).toContainEqual([253, 205, 205]);
    // Below the curve, and in the same rows where there is no drawdown, the panel stays white.
    expect(pixelAt(img, x, bottom + 4)).toEqual(BACKGROUND);
    expect(pixelAt(img, Math.floor(model.x(rising.equity[100]!.t)), bottom - 4)).toEqual(BACKGROUND);
  });

  it("is byte-for-byte identical for the same input", () => {
    expect(renderChartPng(rising).equals(png)).toBe(true);
  });

  it("draws a benchmark in its own colour", () => {
    const withBench: ChartInput = { ...rising, benchmarks: [{ label: "Buy & hold", points: rising.equity.map((p) => ({ t: p.t, value: 300 - p.equity })) }] };
    const { model: m } = renderChartRaster(withBench);
    const bench = decodePng(renderChartPng(withBench));
    const p = withBench.benchmarks![0]!.points[300]!;
    expect(neighbourhood(bench, Math.floor(m.x(p.t)), Math.floor(m.yEquity(p.value)))).toContainEqual([0xf5, 0x9e, 0x0b]);
  });

  it("honours a custom size and still renders an empty series", () => {
    const small = decodePng(renderChartPng({ title: "empty", equity: [] }, { width: 400, height: 300 }));
    expect([small.width, small.height]).toEqual([400, 300]);
    expect(small.chunks.every((c) => c.crc === c.expectedCrc)).toBe(true);
  });

  it("stays small for a 3-year daily curve with a benchmark and metrics", () => {
    const equity = randomEquity(3 * 365);
    const bytes = renderChartPng({
      title: "3y",
      equity,
      benchmarks: [{ label: "B&H", points: equity.map((p) => ({ t: p.t, value: p.equity * 0.8 })) }],
      metrics: [{ label: "Sharpe", value: "1.1" }],
    });
    expect(bytes.length).toBeLessThan(200_000);
  });
});
