import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import type { Env } from "../../env";
import type { Principal } from "../scopes";
import { registerReadTools } from "./read-tools";
import { registerTradeTools } from "./trade-tools";

/**
 * The SDK's default validator (Ajv) checks a client's answers to elicitation requests, which this server never
 * sends; building it on every request would cost CPU and Ajv generates code with `new Function` (refused in workerd).
 */
const noElicitation: jsonSchemaValidator = {
  getValidator: () => () => ({ valid: false, data: undefined, errorMessage: "this server does not validate client answers (no elicitation)" }),
};

export const MCP_SERVER_INFO = { name: "edgetrader", version: "0.1.0" } as const;

/** A fresh MCP server for one request (stateless): the engine's read tools and, scope-checked, its trade tools. */
export function createMcpServer(env: Env, principal: Principal): McpServer {
  const server = new McpServer(MCP_SERVER_INFO, {
    capabilities: { tools: {} },
    jsonSchemaValidator: noElicitation,
    instructions:
      "Edgetrader, an autonomous trading engine. Read tools: status, positions, trades, decisions, why_not, regime, learner_weights, llm_usage, backtest_result. Trade-scope tools: run_backtest, and pause, resume, force_exit, each with a reason that is recorded. Times are epoch milliseconds; symbols look like BTC/USDT.",
  });
  registerReadTools(server, env, principal);
  registerTradeTools(server, env, principal);
  return server;
}
