import { describe, expect, it } from "vitest";
import { api, worker } from "./support";

/**
 * The two body limits that failed before the contract (07ac76f): JSON nested thousands deep reached zod and
 * the strategy's checks and overflowed the stack (500), and PUT /api/candles only looked at Content-Length,
 * which a chunked body does not send, so it read any size. Only ./support is imported: the file runs as is
 * on the old code.
 */
async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; details?: unknown } }).error;
}

/** A body stream of `total` bytes in 16 KiB chunks: sent chunked, with no Content-Length. */
function chunkedBody(total: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode(" ".repeat(16_384));
  let sent = 0;
  return new ReadableStream({
    pull(ctrl) {
      if (sent >= total) return ctrl.close();
      ctrl.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
}

/** `{"params":{"a":[[[…]]]}}`, arrays nested `depth` deep inside the strategy's params. */
function deepParams(depth: number): string {
  return `{"params":{"a":${"[".repeat(depth)}${"]".repeat(depth)}}}`;
}

describe("request body limits", () => {
  it("refuses JSON nested 5,000 deep with 400 before zod sees it (it answered 500: stack overflow)", async () => {
    const res = await api("/api/strategies/rsi-mean-reversion", { method: "PATCH", body: deepParams(5_000) });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toEqual({ code: "invalid_json", message: "request body nests arrays and objects more than 32 deep" });
    // Within the limit the same body reaches the strategy's own checks.
    const shallow = await api("/api/strategies/rsi-mean-reversion", { method: "PATCH", body: deepParams(3) });
    expect(shallow.status).toBe(400);
    expect((await errorOf(shallow)).code).toBe("invalid_params");
  });

  it("counts a chunked body with no Content-Length while reading it: 413 past the cap", async () => {
    // PUT /api/candles keeps its 2,000,000-byte cap; the old check read Content-Length, which a chunked body has not.
    const candles = await worker().fetch("http://edgetrader.test/api/candles", {
      method: "PUT",
      headers: { Authorization: "Bearer test-token", "content-type": "application/json" },
      body: chunkedBody(3_000_000),
    });
    expect(candles.status).toBe(413);
    expect(await errorOf(candles)).toEqual({ code: "payload_too_large", message: "request body larger than 2000000 bytes, the limit of PUT /api/candles", details: { limit: 2_000_000 } });
    // Every other write route: 64 KiB.
    const pause = await worker().fetch("http://edgetrader.test/api/controls/pause", {
      method: "POST",
      headers: { Authorization: "Bearer test-token", "content-type": "application/json" },
      body: chunkedBody(100_000),
    });
    expect(pause.status).toBe(413);
    expect((await errorOf(pause)).message).toBe("request body larger than 65536 bytes (64 KiB), the limit of POST /api/controls/pause");
    // A declared Content-Length over the cap is refused without reading.
    const declared = await api("/api/gate/wake", { method: "POST", body: JSON.stringify({ reason: "x".repeat(70_000) }) });
    expect(declared.status).toBe(413);
  });
});
