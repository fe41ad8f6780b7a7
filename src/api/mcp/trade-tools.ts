import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Env } from "../../env";
import { MarketSymbolSchema } from "../../lib/config";
import { actors } from "../context";
import { hasScope, type Principal } from "../scopes";
import { controlAnswer, forceExitSymbol, PositionIdSchema, ReasonSchema } from "../use-cases/controls";
import { runTool, toolError } from "./tool-result";

const reason = ReasonSchema.describe("why (3–500 characters); recorded with the action");

/**
 * The trade tools (`trade` scope): the operator controls of POST /api/controls/* and /api/positions/:id/exit,
 * recorded by the AccountActor with who = `mcp:<token id>` and the reason. Listed for every token; a token
 * without the scope is refused with a tool error naming it, as the API answers 403.
 */
export function registerTradeTools(server: McpServer, env: Env, principal: Principal): void {
  const by = `mcp:${principal.id}`;
  const refused = (tool: string) => (hasScope(principal.scope, "trade") ? null : toolError(`${tool} needs the trade scope; this token (${principal.name}) has ${principal.scope}`));
  const TRADE = { readOnlyHint: false, openWorldHint: false } as const;

  server.registerTool(
    "pause",
    {
      title: "Pause entries",
      description: "Pauses new entries (exits, stops and reviews go on) until resume. Needs the trade scope.",
      inputSchema: z.strictObject({ reason }),
      annotations: { ...TRADE, destructiveHint: false, idempotentHint: true },
    },
    async (q) => refused("pause") ?? runTool("pause", async () => controlAnswer(await actors(env).account.pause({ by, reason: q.reason }))),
  );

  server.registerTool(
    "resume",
    {
      title: "Resume trading",
      description: "Clears a pause and the kill switch, leaves REDUCING and ends a daily-loss or drawdown halt. Needs the trade scope.",
      inputSchema: z.strictObject({ reason }),
      annotations: { ...TRADE, destructiveHint: false, idempotentHint: true },
    },
    async (q) => refused("resume") ?? runTool("resume", async () => controlAnswer(await actors(env).account.resume({ by, reason: q.reason }))),
  );

  server.registerTool(
    "force_exit",
    {
      title: "Force an exit",
      description:
        "Exits one position (`position_id`) or every position of a symbol (`symbol`) at the market, whatever the trading state; an entry still waiting for its fill is cancelled. Give exactly one of the two. Needs the trade scope.",
      inputSchema: z.strictObject({
        position_id: PositionIdSchema.optional().describe("a position id, e.g. main-d12-BTC"),
        symbol: MarketSymbolSchema.optional().describe("every position of this symbol, e.g. BTC/USDT"),
        reason,
      }),
      annotations: { ...TRADE, destructiveHint: true, idempotentHint: false },
    },
    async (q) => {
      const no = refused("force_exit");
      if (no) return no;
      if ((q.position_id === undefined) === (q.symbol === undefined)) return toolError("force_exit needs exactly one of position_id and symbol");
      return runTool("force_exit", async () =>
        q.position_id !== undefined
          ? controlAnswer(await actors(env).account.forceExit({ positionId: q.position_id, by, reason: q.reason }))
          : forceExitSymbol(env, { symbol: q.symbol!, by, reason: q.reason }),
      );
    },
  );
}
