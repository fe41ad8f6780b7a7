import { z } from "zod";
import { routes } from "../contract";
import { actors, queryNumber } from "../context";
import { ApiError } from "../errors";
import { STREAM_EVENTS } from "../stream-events";

const StreamQuery = z.strictObject({
  topics: z
    .string()
    .max(500)
    .regex(/^[a-z.*,_-]*$/, "topics is a comma list like position.*,order.filled")
    .optional(),
  since: queryNumber().int("must be an integer").nonnegative().optional(),
  ticket: z.string().max(1024).optional(),
});

/**
 * Authenticated by the /ws/* middleware (bearer header or a ticket), then handed whole to the StreamActor,
 * which accepts it as a hibernatable socket. Events: src/api/stream-events.ts (`x-events` in /openapi.json).
 */
export const streamRoutes = routes("/ws", "stream", "The WebSocket event stream").get(
  {
    path: "/stream",
    scope: "public",
    security: "stream",
    portfolio: true,
    summary: "Open the event stream (WebSocket upgrade)",
    description: `Envelopes \`{ seq, ts, type, data }\`; filter with \`topics\` (\`position.*,order.filled\`), replay with \`since=<seq>\`. Send \`{"subscribe":[…]}\`, \`{"unsubscribe":[…]}\` or \`{"ping":…}\`. Events: ${Object.keys(STREAM_EVENTS).join(", ")}.`,
    query: StreamQuery,
    status: 101,
    errors: { 426: "not a WebSocket upgrade (upgrade_required)" },
  },
  async (c, { portfolio }) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "upgrade_required", "GET /ws/stream needs a WebSocket upgrade");
    return actors(c.env, portfolio).stream.fetch(c.req.raw);
  },
);
