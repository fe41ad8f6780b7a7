import { z } from "zod";
import { routes } from "../contract";
import { ApiError } from "../errors";
import { createToken, listTokens, revokeToken } from "../token-store";

const ScopeSchema = z.enum(["read", "trade", "admin"], { error: "must be read, trade or admin" });

const CreateTokenBody = z.strictObject({
  name: z
    .string({ error: "is required: 1–64 characters of A-Z a-z 0-9 space _ . @ -" })
    .trim()
    .regex(/^[A-Za-z0-9 _.@-]{1,64}$/, "must be 1–64 characters of A-Z a-z 0-9 space _ . @ -"),
  scope: ScopeSchema,
});

const TokenInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: ScopeSchema,
  createdAt: z.number().describe("epoch ms"),
  createdBy: z.string().describe("id of the token that created it (root: the API_TOKEN secret)"),
  revokedAt: z.number().nullable(),
  revokedBy: z.string().nullable(),
  lastUsedAt: z.number().nullable().describe("epoch ms, updated at most once a minute"),
});

const CreatedToken = TokenInfoSchema.extend({ token: z.string().describe("the secret: shown once, never again"), note: z.string() });

const TokenIdParams = z.object({ id: z.string().regex(/^tok_[A-Za-z0-9_-]{1,32}$/, "token ids look like tok_AbC123") });

/**
 * API tokens beyond the root API_TOKEN (admin scope only): create (the secret is answered once and never
 * again; only its SHA-256 is stored), list (never a secret or a hash), revoke (refused from the next request on).
 */
export const tokenRoutes = routes("/api/tokens", "tokens", "API tokens and their scopes (read ⊂ trade ⊂ admin)")
  .post(
    { path: "/", scope: "admin", summary: "Create a token", description: "Answers the token once; only its hash is kept.", body: CreateTokenBody, status: 201, response: CreatedToken },
    async (c, { body }) => {
      const { token, info } = await createToken(c.env.DB, { name: body.name, scope: body.scope, createdBy: c.get("principal")!.id, now: Date.now() });
      return c.json({ token, ...info, note: "the token is shown once: store it now; only its hash is kept" }, 201);
    },
  )
  .get(
    { path: "/", scope: "admin", summary: "List tokens", description: "Every token, revoked ones included; never a secret or a hash.", response: z.object({ tokens: z.array(TokenInfoSchema) }) },
    async (c) => c.json({ tokens: await listTokens(c.env.DB) }),
  )
  .delete(
    {
      path: "/:id",
      scope: "admin",
      summary: "Revoke a token",
      description: "Refused from the next request on; revoking twice keeps the first time.",
      params: TokenIdParams,
      paramError: { code: "invalid_token_id", what: "token id" },
      response: z.object({ token: TokenInfoSchema }),
      errors: { 404: "no such token" },
    },
    async (c, { params }) => {
      const info = await revokeToken(c.env.DB, params.id, c.get("principal")!.id, Date.now());
      if (!info) throw new ApiError(404, "not_found", `no token ${params.id}`);
      return c.json({ token: info });
    },
  );
