import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toCsv, writeEquityCsv, writeTradesCsv } from "../../../tools/report/csv";
import type { TradeRecord } from "../../../tools/report/types";

/** Small RFC 4180 reader, to show that quoted output reads back to the same values. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  return rows;
}

const dir = await mkdtemp(join(tmpdir(), "report-csv-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("toCsv", () => {
  it("quotes fields holding commas, quotes or line breaks and doubles embedded quotes", () => {
    const csv = toCsv([{ a: "x,y", b: 'say "hi"', c: "two\nlines", d: "cr\r\nlf", e: "lone\rcr", f: "plain" }]);
    expect(csv).toBe('a,b,c,d,e,f\r\n"x,y","say ""hi""","two\nlines","cr\r\nlf","lone\rcr",plain\r\n');
  });

  it("reads back to the original strings with an RFC 4180 parser", () => {
    const tricky = ['"', '""', ",", 'a,"b"\r\nc', " lead", "trail ", "", "é€"];
    const rows = tricky.map((v, i) => ({ i, v }));
    expect(parseCsv(toCsv(rows))).toEqual([["i", "v"], ...tricky.map((v, i) => [String(i), v])]);
  });

  it("writes the columns in the order given, ignoring other keys and leaving missing ones empty", () => {
    const csv = toCsv([{ b: 2, a: 1, z: 9 }, { a: 3 }], ["a", "b"]);
    expect(csv).toBe("a,b\r\n1,2\r\n3,\r\n");
  });

  it("without columns uses every key in first-seen order", () => {
    expect(toCsv([{ b: 1 }, { a: 2, b: 3 }, { c: 4 }])).toBe("b,a,c\r\n1,,\r\n3,2,\r\n,,4\r\n");
  });

  it("writes numbers at full precision, null as empty and booleans as words", () => {
    const csv = toCsv([{ sum: 0.1 + 0.2, big: 1e21, tiny: 5e-7, neg: -0, n: null, yes: true, no: false }]);
    expect(csv.split("\r\n")[1]).toBe("0.30000000000000004,1e+21,5e-7,0,,true,false");
  });

  it("gives just the header for no rows", () => {
    expect(toCsv([], ["a", "b"])).toBe("a,b\r\n");
  });
});

describe("trade and equity files", () => {
  const trade: TradeRecord = {
    exitReason: "stop hit, -2R",
    symbol: "BTCUSDT",
    side: "long",
    entryAt: Date.UTC(2024, 2, 1, 12),
    exitAt: Date.UTC(2024, 2, 3, 8, 30),
    entryPrice: 61234.5,
    exitPrice: 60001.25,
    qty: 0.015,
    fees: 1.83,
    pnl: -20.33,
    pnlPct: -0.0201,
    exitKind: "stop",
    entryReason: null,
  };

  it("writes trades in the documented column order with ISO times", async () => {
    const path = join(dir, "nested", "trades.csv");
    await writeTradesCsv(path, [trade]);
    const rows = parseCsv(await readFile(path, "utf8"));
    expect(rows[0]).toEqual(["symbol", "side", "entryAt", "exitAt", "entryPrice", "exitPrice", "qty", "fees", "pnl", "pnlPct", "exitKind", "entryReason", "exitReason"]);
    expect(rows[1]).toEqual(["BTCUSDT", "long", "2024-03-01T12:00:00.000Z", "2024-03-03T08:30:00.000Z", "61234.5", "60001.25", "0.015", "1.83", "-20.33", "-0.0201", "stop", "", "stop hit, -2R"]);
  });

  it("writes equity points with ISO times and the drawdown fraction", async () => {
    const path = join(dir, "equity.csv");
    await writeEquityCsv(path, [
      { t: Date.UTC(2024, 0, 1), equity: 10_000, cash: 10_000, exposure: 0, drawdown: 0 },
      { t: Date.UTC(2024, 0, 2), equity: 9_500, cash: 4_000, exposure: 0.58, drawdown: -0.05 },
    ]);
    expect(await readFile(path, "utf8")).toBe("t,equity,cash,exposure,drawdown\r\n2024-01-01T00:00:00.000Z,10000,10000,0,0\r\n2024-01-02T00:00:00.000Z,9500,4000,0.58,-0.05\r\n");
  });

  it("derives the drawdown from the running peak when the points do not carry it", async () => {
    const path = join(dir, "equity-derived.csv");
    await writeEquityCsv(
      path,
      [100, 120, 90, 130].map((equity, i) => ({ t: Date.UTC(2024, 0, 1 + i), equity, cash: equity, exposure: 0 })),
    );
    const rows = parseCsv(await readFile(path, "utf8"));
    expect(rows.slice(1).map((r) => r[4])).toEqual(["0", "0", "-0.25", "0"]);
  });
});
