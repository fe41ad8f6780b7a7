import { createHash } from "node:crypto";
import type { AccountEvent } from "./account";
import { ApiError, errors, ok, str, type ApiRequest, type ApiResponse } from "./http-util";
import { verifyApiKey } from "./signing";
import type { StreamClient } from "./sockets";
import { accountPosition, executionReport, listenKeyExpired } from "./user-events";

export const LISTEN_KEY_TTL_MS = 60 * 60_000;

export interface UserStreamDeps {
  sessionId: string;
  apiKey: string;
  /** Every socket of the session; those subscribed to an active listenKey receive the user events. */
  clients: () => Iterable<StreamClient>;
  balance: (asset: string) => { free: number; locked: number };
  /** Wall-clock validity of a listenKey after POST/PUT (Binance: 60 minutes). */
  ttlMs?: number;
  /** The other subscribers of the account's events (WebSocket API subscriptions); answers how many it reached. */
  relay?: (payload: string) => number;
  wallNow?: () => number;
}

const missingKey = () => new ApiError(400, -1125, "This listenKey does not exist.");

/**
 * The legacy listenKey user-data stream: `POST|PUT|DELETE /api/v3/userDataStream` (API key, unsigned) and
 * `<wsBase>/ws/<listenKey>` (or the key as a stream of `/stream?streams=`). An account has one active key: POST
 * returns it again and extends it. Every account event goes to every socket subscribed to the active key.
 */
export class UserStreams {
  private readonly keys = new Map<string, number>();
  private created = 0;
  private executionId = 0;
  private duplicates = 0;
  eventsSent = 0;

  constructor(private readonly d: UserStreamDeps) {}

  private get ttl(): number {
    return this.d.ttlMs ?? LISTEN_KEY_TTL_MS;
  }

  private wall(): number {
    return (this.d.wallNow ?? Date.now)();
  }

  /** `userDataStream` REST calls; undefined for any other path. */
  handle(req: ApiRequest): ApiResponse | undefined {
    if (req.path !== "userDataStream" || !["POST", "PUT", "DELETE"].includes(req.method)) return undefined;
    verifyApiKey(req.headers, this.d.apiKey);
    if (req.method === "POST") {
      let key = [...this.keys.keys()][0];
      if (key === undefined) key = createHash("sha256").update(`${this.d.sessionId}:listenKey:${++this.created}`).digest("hex");
      this.keys.set(key, this.wall() + this.ttl);
      return ok({ listenKey: key });
    }
    const key = str(req.params, "listenKey");
    if (key === undefined) throw errors.mandatory("listenKey");
    if (!this.keys.has(key)) throw missingKey();
    if (req.method === "PUT") this.keys.set(key, this.wall() + this.ttl);
    else this.keys.delete(key);
    return ok({});
  }

  /** `duplicate_fill_report` fault: the next `count` TRADE executionReports are sent twice. */
  duplicateNext(count: number): void {
    this.duplicates += count;
  }

  clearFaults(): void {
    this.duplicates = 0;
  }

  /** Expires keys past their validity: their sockets get `listenKeyExpired` and nothing after it. */
  sweep(E: number): void {
    const now = this.wall();
    for (const [key, until] of this.keys) {
      if (until > now) continue;
      this.send(key, JSON.stringify(listenKeyExpired(E, key)));
      this.keys.delete(key);
    }
  }

  publish(e: AccountEvent): void {
    if (e.kind === "balances") {
      const payload = accountPosition(
        e.T,
        e.assets.map((asset) => ({ asset, ...this.d.balance(asset) })),
      );
      this.broadcast(JSON.stringify(payload));
      return;
    }
    const payload = JSON.stringify(executionReport(e.order, e.exec, e.T, ++this.executionId, e.trade, e.cancelClientId));
    this.broadcast(payload);
    if (e.exec === "TRADE" && this.duplicates > 0) {
      this.duplicates--;
      this.broadcast(payload);
    }
  }

  state(): { listenKeys: { listenKey: string; expiresAt: number }[]; sockets: number; eventsSent: number; duplicateFillReports: number } {
    const sockets = [...this.d.clients()].filter((c) => c.open && [...c.streams].some((s) => this.keys.has(s))).length;
    return {
      listenKeys: [...this.keys].map(([listenKey, expiresAt]) => ({ listenKey, expiresAt })),
      sockets,
      eventsSent: this.eventsSent,
      duplicateFillReports: this.duplicates,
    };
  }

  private broadcast(payload: string): void {
    for (const key of this.keys.keys()) this.send(key, payload);
    this.d.relay?.(payload);
  }

  private send(key: string, payload: string): void {
    for (const c of this.d.clients()) {
      if (c.streams.has(key) && c.sendFrame(key, payload)) this.eventsSent++;
    }
  }
}
