import { z } from "zod";
import { routes } from "../contract";
import { actors } from "../context";
import { issueTicket, TICKET_TTL_MS } from "../stream-ticket";

const TicketResponse = z.object({
  ticket: z.string(),
  expiresAt: z.number().describe("epoch ms"),
  url: z.string().describe("path of the stream with the ticket"),
});

/**
 * `POST /api/stream/ticket` (read): a single-use ticket, valid 60 s and bound to the caller's token and scope,
 * for `GET /ws/stream?ticket=<ticket>` (browsers cannot send an Authorization header on a WebSocket).
 */
export const streamTicketRoutes = routes("/api/stream", "stream", "The WebSocket stream's tickets and status")
  .get(
    {
      path: "/status",
      scope: "read",
      portfolio: true,
      summary: "Connected clients, their topics, the newest sequence number and the kept log",
      description: "A `since` older than `oldestKept - 1` cannot be replayed in full (the hello says which events are missed).",
      response: z.object({ clients: z.number(), seq: z.number(), oldestKept: z.number().nullable(), keep: z.number(), maxTopicsPerClient: z.number(), topics: z.record(z.string(), z.number()) }),
    },
    async (c, { portfolio }) => c.json(await actors(c.env, portfolio).stream.status()),
  )
  .post(
    {
      path: "/ticket",
      scope: "read",
      summary: "A ticket for the stream",
      description: `Single use, valid ${TICKET_TTL_MS / 1000} s, bound to the caller's token and scope: connect with GET /ws/stream?ticket=<ticket>.`,
      response: TicketResponse,
    },
    async (c) => {
      const { ticket, expiresAt } = await issueTicket(c.env.API_TOKEN!, c.get("principal")!, Date.now());
      return c.json({ ticket, expiresAt, url: `/ws/stream?ticket=${encodeURIComponent(ticket)}` });
    },
  );
