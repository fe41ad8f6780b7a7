import { z } from "zod";
import { routes } from "../contract";
import { ApiError } from "../errors";

/** A JSON-RPC error without an id, as the Streamable HTTP transport answers outside a request. */
function rpcError(status: 405, message: string, headers: Record<string, string>): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }), { status, headers: { "content-type": "application/json", ...headers } });
}

const NOT_SERVED = "Method not allowed: this MCP server is stateless; POST JSON-RPC messages to /mcp";
const JsonRpcBody = z
  .union([z.looseObject({ jsonrpc: z.literal("2.0") }), z.array(z.looseObject({ jsonrpc: z.literal("2.0") })).max(32)])
  .describe("a JSON-RPC 2.0 message or batch (MCP Streamable HTTP)");

/**
 * `/mcp`: the Model Context Protocol over Streamable HTTP, behind the API's bearer auth (mounted in app.ts).
 * Stateless: each POST gets its own McpServer and transport (no session id, JSON answers rather than an SSE
 * stream), so any isolate serves any request and nothing outlives it. GET (a server-to-client stream) and
 * DELETE (ending a session) have nothing to serve: 405, as the transport spec allows.
 */
export const mcpRoutes = routes("/mcp", "mcp", "Model Context Protocol (Streamable HTTP, stateless)")
  .post(
    {
      path: "/",
      scope: "read",
      summary: "One MCP JSON-RPC exchange",
      description: "Tools over the same use cases as the routes; read tools need `read`, trade tools check the `trade` scope themselves. Send `Accept: application/json, text/event-stream`.",
      body: JsonRpcBody,
    },
    async (c, { body }) => {
      const principal = c.get("principal");
      if (!principal) throw new ApiError(401, "unauthorized", "missing bearer token (Authorization: Bearer <token>)");
      // The MCP SDK is loaded with the first MCP request: an isolate that serves none never evaluates it.
      const [{ createMcpServer }, { WebStandardStreamableHTTPServerTransport }] = await Promise.all([import("./server"), import("@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js")]);
      const server = createMcpServer(c.env, principal);
      const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      await server.connect(transport);
      try {
        // The contract read the body (with its byte cap); the transport gets it parsed.
        return await transport.handleRequest(c.req.raw, { parsedBody: body });
      } finally {
        await server.close();
      }
    },
  )
  .get({ path: "/", scope: "read", summary: "Not served (405): no server-to-client stream in a stateless server" }, () => rpcError(405, NOT_SERVED, { Allow: "POST" }))
  .delete({ path: "/", scope: "read", summary: "Not served (405): no sessions to end" }, () => rpcError(405, NOT_SERVED, { Allow: "POST" }));
