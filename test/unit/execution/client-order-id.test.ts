import { describe, expect, it } from "vitest";
import { CLIENT_ORDER_ID_PATTERN, clientOrderId } from "../../../src/lib/execution/order";

const longPortfolio = "a-portfolio-name-of-32-chars-xyz";

describe("client order ids", () => {
  it("keeps short ids readable: <position>-e and <position>-x", () => {
    expect(clientOrderId("main-d7-BTC", "entry")).toBe("main-d7-BTC-e");
    expect(clientOrderId("main-d7-BTC", "exit")).toBe("main-d7-BTC-x");
  });

  it("gives a long position's entry and exit different ids within Binance's 36 characters and alphabet", () => {
    const position = `${longPortfolio}-d123-DOGE`;
    const entry = clientOrderId(position, "entry");
    const exit = clientOrderId(position, "exit");
    expect(entry).not.toBe(exit);
    for (const id of [entry, exit]) {
      expect(id.length).toBeLessThanOrEqual(36);
      expect(id).toMatch(CLIENT_ORDER_ID_PATTERN);
    }
  });

  it("never gives two positions the same id, however long, and is stable", () => {
    const seen = new Map<string, string>();
    for (let d = 1; d <= 3000; d++) {
      for (const base of ["BTC", "ETH", "SOL", "DOGE"]) {
        const position = `${longPortfolio}-d${d}-${base}`;
        for (const purpose of ["entry", "exit", "s1", "s2"]) {
          const id = clientOrderId(position, purpose);
          const key = `${position}/${purpose}`;
          expect(seen.has(id), `${id} for ${key} and ${seen.get(id)}`).toBe(false);
          seen.set(id, key);
          expect(clientOrderId(position, purpose)).toBe(id);
        }
      }
    }
  });
});
