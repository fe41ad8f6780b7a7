import type { TestProject } from "vitest/node";
import { startExchangeSim } from "../sim/exchange/server";
import { startLlmSim } from "../sim/llm/server";

/**
 * One exchange simulator for the whole workers run, on a free port. Each test creates its own
 * session (its own replay clock, orders and sockets), so test files running in parallel never share
 * market state. The default session backs the worker's FEED_WS_URL/EXCHANGE_REST_URL bindings. The local
 * Messages-API server answers for Claude (ANTHROPIC_BASE_URL).
 */
export default async function setup(project: TestProject) {
  const sim = await startExchangeSim({ defaultSession: { start: "2026-03-26T00:00:00Z", mode: "manual", partials: 1 } });
  const llm = await startLlmSim();
  project.provide("simUrl", sim.url);
  project.provide("simWsUrl", sim.wsUrl);
  project.provide("llmUrl", llm.url);
  return async () => {
    await Promise.all([sim.close(), llm.close()]);
  };
}
