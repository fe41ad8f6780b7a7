import type { TestProject } from "vitest/node";
import { startLocalWorld } from "./local-world";

/**
 * The e2e project's world: one worker under `wrangler dev` with the exchange simulator and the local Claude
 * server (test/e2e/local-world.ts says how), shared by every e2e test file. Tests get its addresses with
 * `inject("e2eBaseUrl")`, `inject("e2eToken")` (the root admin token; make scoped ones with POST /api/tokens),
 * `inject("e2eSimUrl")`, `inject("e2eSimWsUrl")`, `inject("e2eLlmUrl")` (test/provided.d.ts declares them).
 *
 * The worker is one portfolio for all files: a test that changes shared state (engine start, pause, orders)
 * puts it back or asserts only what it did (e.g. the action it recorded). Browser tests (headless Chromium,
 * dashboard) belong in test/e2e too and open `inject("e2eBaseUrl")`. EDGETRADER_E2E_KEEP=1 keeps the temp
 * folder with wrangler.log after the run.
 */
export default async function setup(project: TestProject) {
  const world = await startLocalWorld();
  console.log(`e2e: worker at ${world.baseUrl} (D1 migrations ${(world.timings.migrationsMs / 1000).toFixed(1)} s, wrangler dev ${(world.timings.workerMs / 1000).toFixed(1)} s)`);
  project.provide("e2eBaseUrl", world.baseUrl);
  project.provide("e2eToken", world.token);
  project.provide("e2eSimUrl", world.simUrl);
  project.provide("e2eSimWsUrl", world.simWsUrl);
  project.provide("e2eLlmUrl", world.llmUrl);
  return async () => {
    await world.stop();
  };
}
