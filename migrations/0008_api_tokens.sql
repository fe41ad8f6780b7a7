-- API tokens beyond the root API_TOKEN secret (src/api/token-store.ts). Only the SHA-256 (base64url) of a token
-- is stored; its secret is answered once, by POST /api/tokens. Revoked rows stay, with when and by whom.
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('read', 'trade', 'admin')),
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at INTEGER,
  revoked_by TEXT,
  last_used_at INTEGER
);
