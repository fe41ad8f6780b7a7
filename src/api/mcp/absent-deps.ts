/**
 * Stands in for what the MCP SDK imports but this worker never runs (wrangler.toml's [alias] points them here):
 * - `ajv`, `ajv-formats`: the SDK's default JSON-Schema validator, used only to check a client's answers to
 *   elicitation requests, which this server never sends (server.ts passes a validator that refuses instead);
 * - `zod/v3`, `zod-to-json-schema`: the SDK's Zod 3 branch; every schema here is Zod 4, converted by zod itself.
 * About 0.1 MiB gzip of the bundle. Calling anything here is a bug: it throws and names itself.
 */
function absent(what: string): never {
  throw new Error(`${what} is not bundled in the worker (src/api/mcp/absent-deps.ts)`);
}

/** `ajv`'s default export. */
export default class AbsentAjv {
  constructor() {
    absent("ajv");
  }
}

/** `zod/v3`'s `object` (the SDK's Zod 3 branch). */
export const object = (): never => absent("zod/v3");

/** `zod-to-json-schema`. */
export const zodToJsonSchema = (): never => absent("zod-to-json-schema");
