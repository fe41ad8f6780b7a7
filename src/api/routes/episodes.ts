import { z } from "zod";
import { listEpisodes } from "../../adapters/store/episodes";
import { MarketSymbolSchema } from "../../lib/config";
import { EpisodeSchema } from "../../lib/memory/episode-schema";
import { routes } from "../contract";
import { actors, pageQuery } from "../context";

const EpisodesQuery = z.strictObject({
  status: z.enum(["open", "closed", "all"]).default("all"),
  symbol: MarketSymbolSchema.optional(),
  ...pageQuery,
});

/** Episodic memory: one episode per trade (what was seen at entry, the reasoning, the outcome and a reflection). */
export const episodeRoutes = routes("/api/episodes", "episodes", "Episodic memory: one episode per trade").get(
  {
    path: "/",
    scope: "read",
    portfolio: true,
    summary: "Episodes, newest entry first",
    description:
      "One per position that opened: regime key, trend and features at entry, the agents' signals, the entry's reasoning; once closed, the outcome (`pnlPct`, `exitKind`, `heldHours`) and a reflection. Closed episodes are what decisions recall into their snapshot (`episodes`). Page with `before=<openedAt of the last row>`.",
    query: EpisodesQuery,
    response: z.object({ episodes: z.array(EpisodeSchema) }),
  },
  async (c, { query: q, portfolio }) =>
    c.json({ episodes: await listEpisodes(c.env.DB, { portfolio: actors(c.env, portfolio).portfolio, limit: q.limit, before: q.before, symbol: q.symbol, status: q.status }) }),
);
