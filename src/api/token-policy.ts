/**
 * What a deployed worker accepts as its root API_TOKEN. No imports: `npm run setup:cloudflare` (Node) checks a
 * token with the same rule the worker applies before it serves a request.
 */

/** The token `npm start` and the README use locally. A worker without the local marker refuses it. */
export const DEV_TOKEN = "edgetrader-dev-token";

/** Shorter root tokens are refused outside local runs (32 random bytes as hex or base64url are 64 or 43). */
export const MIN_TOKEN_LENGTH = 32;

/** Why `token` may not guard a deployed worker, or null when it may. Never repeats the token. */
export function tokenWeakness(token: string): string | null {
  if (token === DEV_TOKEN) return "API_TOKEN is the local development token";
  if (token.length < MIN_TOKEN_LENGTH) return `API_TOKEN is shorter than ${MIN_TOKEN_LENGTH} characters`;
  return null;
}

/** The message of the 503 `insecure_token` answer: the weakness and how to fix it. */
export function insecureTokenMessage(weakness: string): string {
  return `${weakness}: set a real one with wrangler secret put API_TOKEN (npm run setup:cloudflare generates one)`;
}
