import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { createLogger } from "../../adapters/log";
import { ApiError } from "../errors";

const log = createLogger("mcp");

/** A tool's answer: its value as one JSON text block. */
export function jsonResult(value: unknown): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value) }] };
}

/** A tool error the client (and the model behind it) reads: `isError` with a plain message, never a stack. */
export function toolError(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/**
 * Runs a tool's body: its value as JSON, an ApiError (a refusal the API answers 4xx, or a failed backtest)
 * as a tool error with its message, anything else logged and answered without internals, as the API's onError does.
 */
export async function runTool(name: string, body: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return jsonResult(await body());
  } catch (err) {
    if (err instanceof ApiError) return toolError(err.message);
    log.error("mcp.tool_failed", { tool: name, error: err instanceof Error ? err.message : String(err) });
    return toolError(`${name} failed: internal error; see the worker logs`);
  }
}
