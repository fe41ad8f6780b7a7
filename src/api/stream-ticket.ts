import { z } from "zod";
import type { Principal } from "./scopes";
import { base64url, fromBase64url } from "./token-store";

/**
 * Short-lived tickets for the WebSocket stream, which browsers cannot open with an Authorization header.
 * `POST /api/stream/ticket` issues `<claims>.<signature>` (both base64url): claims `{v, sub, name, scope, exp,
 * nonce}`, signed with HMAC-SHA-256 under a key derived from API_TOKEN (so rotating the root token voids every
 * ticket). The worker checks signature and expiry; the StreamActor redeems the nonce once.
 */

export const TICKET_TTL_MS = 60_000;

const KEY_LABEL = "edgetrader/stream-ticket/v1";

const ClaimsSchema = z.strictObject({
  v: z.literal(1),
  sub: z.string().min(1).max(64),
  name: z.string().max(64),
  scope: z.enum(["read", "trade", "admin"]),
  exp: z.number().int().positive(),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
});

export type TicketClaims = z.infer<typeof ClaimsSchema>;

export type TicketCheck = { ok: true; claims: TicketClaims } | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

const encoder = new TextEncoder();

/** The signing key: HMAC-SHA-256(API_TOKEN, label), never the root token itself. */
async function ticketKey(rootToken: string): Promise<CryptoKey> {
  const root = await crypto.subtle.importKey("raw", encoder.encode(rootToken), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const derived = await crypto.subtle.sign("HMAC", root, encoder.encode(KEY_LABEL));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** A ticket for `principal`, valid for 60 s from `now`. */
export async function issueTicket(rootToken: string, principal: Principal, now: number): Promise<{ ticket: string; expiresAt: number }> {
  const claims: TicketClaims = { v: 1, sub: principal.id, name: principal.name, scope: principal.scope, exp: now + TICKET_TTL_MS, nonce: base64url(crypto.getRandomValues(new Uint8Array(16))) };
  const body = base64url(encoder.encode(JSON.stringify(claims)));
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", await ticketKey(rootToken), encoder.encode(body)));
  return { ticket: `${body}.${base64url(sig)}`, expiresAt: claims.exp };
}

/** Checks a ticket's form, signature (in constant time, by WebCrypto) and expiry. Single use is the caller's part. */
export async function verifyTicket(rootToken: string, ticket: string, now: number): Promise<TicketCheck> {
  const parts = ticket.split(".");
  if (parts.length !== 2 || ticket.length > 1024) return { ok: false, reason: "malformed" };
  const [body, sigText] = parts as [string, string];
  const sig = fromBase64url(sigText);
  const raw = fromBase64url(body);
  if (!sig || !raw) return { ok: false, reason: "malformed" };
  if (!(await crypto.subtle.verify("HMAC", await ticketKey(rootToken), sig, encoder.encode(body)))) return { ok: false, reason: "bad_signature" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const r = ClaimsSchema.safeParse(parsed);
  if (!r.success) return { ok: false, reason: "malformed" };
  if (r.data.exp <= now) return { ok: false, reason: "expired" };
  return { ok: true, claims: r.data };
}
