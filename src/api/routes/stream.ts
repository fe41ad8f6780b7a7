import { Hono } from "hono";
import { z } from "zod";
import { actors, queryNumber, type AppEnv } from "../context";
import { ApiError } from "../errors";
import { parseQuery } from "../validate";

const StreamQuery = z.strictObject({
  topics: z.string().max(500).regex(/^[a-z.*,_-]*$/, "topics is a comma list like position.*,order.filled").optional(),
  since: queryNumber().int("must be an integer").nonnegative().optional(),
  access_token: z.string().optional(),
});

/** Authenticated here, then handed whole to the StreamActor, which accepts it as a hibernatable socket. */
export const streamRoutes = new Hono<AppEnv>().get("/stream", async (c) => {
  parseQuery(c, StreamQuery);
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "upgrade_required", "GET /ws/stream needs a WebSocket upgrade");
  return actors(c.env).stream.fetch(c.req.raw);
});
