import { z } from "zod";
import type { Env } from "../env";
import { loadEngineConfig } from "../actors/config";
import { actorName } from "../actors/names";
import type { EngineConfig } from "../lib/config";
import { ApiError } from "./errors";
import type { Principal } from "./scopes";

export type AppEnv = { Bindings: Env; Variables: { principal?: Principal } };

export const VENUE = "binance";

export function engineConfig(env: Env): EngineConfig {
  return loadEngineConfig(env);
}

/** Stubs of a portfolio's singleton actors: `portfolio` (a route's resolved `?portfolio=`), else the configured one. */
export function actors(env: Env, portfolio: string = engineConfig(env).portfolio) {
  return {
    portfolio,
    gate: env.GATE.getByName(actorName.gate(portfolio)),
    account: env.ACCOUNT.getByName(actorName.account(portfolio)),
    learner: env.LEARNER.getByName(actorName.learner(portfolio)),
    stream: env.STREAM.getByName(actorName.stream(portfolio)),
    ticker: (symbol: string) => env.TICKER.getByName(actorName.ticker(VENUE, symbol)),
  };
}

/** A number from a query string: says "must be a number" for text, keeps zod's words for range errors. */
export function queryNumber(what = "a number") {
  return z.coerce.number({ error: (issue) => (issue.code === "invalid_type" ? `must be ${what}` : undefined) });
}

const epochMs = queryNumber("a number (epoch ms)").int("must be an integer (epoch ms)").nonnegative();

/** `limit` and `before` shared by list routes. */
export const pageQuery = {
  limit: queryNumber().int("must be an integer").min(1).max(1000).default(100),
  before: epochMs.optional(),
};

/** `from` and `to` (epoch ms) of a range read, and how many rows at most (1000 unless asked, at most `maxLimit`). */
export function rangeQuery(maxLimit: number) {
  return {
    from: epochMs.optional(),
    to: epochMs.optional(),
    limit: queryNumber().int("must be an integer").min(1).max(maxLimit).default(1000),
  };
}

/** A range read whose `to` is not after its `from` asks for nothing: a client fault. */
export function checkRange(q: { from?: number | undefined; to?: number | undefined }): void {
  if (q.from !== undefined && q.to !== undefined && q.from >= q.to) throw new ApiError(400, "invalid_query", "invalid query parameters: from must be before to");
}
