import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { simPost, streamEvents, waitFor } from "../workers/support";
import { exchangeTruth, exchangePortfolio } from "./support";

describe("a venue that bans us", () => {
  it("a 418 on the entry raises one exchange_banned alert, nothing is placed during the ban, and the entry goes once it ends", async () => {
    const { session, account, position } = await exchangePortfolio("va1");
    await simPost(session, "fault", { type: "http", status: 418, count: 1, path: "POST order", retryAfterSec: 2 });
    const entry = await account.requestEntry({ decisionId: "va1-d1", at: Date.parse("2026-03-26T10:00:00Z"), symbol: "BTC/USDT", positionPct: 0.2, agent: "test", reason: "ban test" });
    expect(entry.accepted).toBe(true);
    const alerts = await waitFor(
      async () => {
        const found = (await streamEvents("va1")).filter((e) => e.type === "risk.alert" && e.data.reason === "exchange_banned");
        return found.length > 0 ? found : null;
      },
      "exchange_banned alert",
      10_000,
    );
    expect(alerts[0]!.data).toMatchObject({ source: "PositionActor", detail: { position: entry.positionId, detail: expect.stringMatching(/IP banned \(HTTP 418\) until 20\d\d-/) } });
    // The ban ends after its Retry-After: the intent is then placed, once.
    const open = await waitFor(
      async () => {
        const p = await position(entry.positionId!).status();
        return p?.status === "open" ? p : null;
      },
      "entry placed after the ban",
      15_000,
    );
    expect((await exchangeTruth(session)).ordersByClientId[`${open.id}-e`]).toBe(1);
    // One alert for the ban, though the position, the account's reconciliation and the ticker all met it.
    expect((await streamEvents("va1")).filter((e) => e.type === "risk.alert" && e.data.reason === "exchange_banned")).toHaveLength(1);
  }, 30_000);
});
