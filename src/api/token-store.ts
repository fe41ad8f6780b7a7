import type { Scope } from "./scopes";

/**
 * API tokens beyond the root API_TOKEN, in D1 `api_tokens` (migrations/0008_api_tokens.sql). A token is
 * `etk_` + 32 random bytes (base64url); only its SHA-256 (base64url) is stored, so the table cannot be
 * replayed as credentials. Every request looks the hash up again: a revoked token is refused on the next
 * request, with no cache to outlive it.
 */

export const TOKEN_PREFIX = "etk_";

/** A token as listed: never its secret, never its hash. */
export interface TokenInfo {
  id: string;
  name: string;
  scope: Scope;
  createdAt: number;
  createdBy: string;
  revokedAt: number | null;
  revokedBy: string | null;
  lastUsedAt: number | null;
}

interface TokenRow {
  id: string;
  name: string;
  scope: Scope;
  created_at: number;
  created_by: string;
  revoked_at: number | null;
  revoked_by: string | null;
  last_used_at: number | null;
}

/** `last_used_at` is written at most once a minute per token, not on every request. */
const TOUCH_EVERY_MS = 60_000;

const INFO_COLUMNS = "id, name, scope, created_at, created_by, revoked_at, revoked_by, last_used_at";

export function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** SHA-256 of the whole presented token, base64url: what the table stores and looks up. */
export async function hashToken(token: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token))));
}

function toInfo(r: TokenRow): TokenInfo {
  return { id: r.id, name: r.name, scope: r.scope, createdAt: r.created_at, createdBy: r.created_by, revokedAt: r.revoked_at, revokedBy: r.revoked_by, lastUsedAt: r.last_used_at };
}

/** Creates a token and answers its secret, the only time it exists outside the client. */
export async function createToken(db: D1Database, o: { name: string; scope: Scope; createdBy: string; now: number }): Promise<{ token: string; info: TokenInfo }> {
  const token = TOKEN_PREFIX + base64url(randomBytes(32));
  const id = "tok_" + base64url(randomBytes(9));
  await db
    .prepare("INSERT INTO api_tokens (id, name, scope, hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(id, o.name, o.scope, await hashToken(token), o.now, o.createdBy)
    .run();
  return { token, info: { id, name: o.name, scope: o.scope, createdAt: o.now, createdBy: o.createdBy, revokedAt: null, revokedBy: null, lastUsedAt: null } };
}

/** Every token, newest first, revoked ones included (with when and by whom). */
export async function listTokens(db: D1Database): Promise<TokenInfo[]> {
  const { results } = await db.prepare(`SELECT ${INFO_COLUMNS} FROM api_tokens ORDER BY created_at DESC, id`).all<TokenRow>();
  return results.map(toInfo);
}

/** Revokes a token (idempotent: a second revoke keeps the first time); null when there is no such token. */
export async function revokeToken(db: D1Database, id: string, by: string, now: number): Promise<TokenInfo | null> {
  await db.prepare("UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL").bind(now, by, id).run();
  const row = await db.prepare(`SELECT ${INFO_COLUMNS} FROM api_tokens WHERE id = ?`).bind(id).first<TokenRow>();
  return row ? toInfo(row) : null;
}

/**
 * The live (not revoked) token a client presented, or null. Looked up by the hash of the presented token: the
 * lookup's timing can only tell an attacker about hashes of guesses, never about a stored token.
 */
export async function findActiveToken(db: D1Database, token: string): Promise<TokenInfo | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db
    .prepare(`SELECT ${INFO_COLUMNS} FROM api_tokens WHERE hash = ? AND revoked_at IS NULL`)
    .bind(await hashToken(token))
    .first<TokenRow>();
  return row ? toInfo(row) : null;
}

/** Whether the token with this id exists and is not revoked (a stream ticket's token, at redemption). */
export async function isTokenActive(db: D1Database, id: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS ok FROM api_tokens WHERE id = ? AND revoked_at IS NULL").bind(id).first()) !== null;
}

/** Records a use, at most once a minute per token. */
export async function touchToken(db: D1Database, id: string, now: number): Promise<void> {
  await db
    .prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")
    .bind(now, id, now - TOUCH_EVERY_MS)
    .run();
}
