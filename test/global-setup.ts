import type { TestProject } from "vitest/node";
import { startExchangeSim } from "../sim/exchange/server";
import { startLlmSim } from "../sim/llm/server";
import { startNotifySim } from "../sim/notify/server";

/**
 * One exchange simulator for the whole workers run, on a free port. Each test creates its own
 * session (its own replay clock, orders and sockets), so test files running in parallel never share
 * market state. The default session backs the worker's FEED_WS_URL/EXCHANGE_REST_URL bindings. The local
 * Messages-API server answers for Claude (ANTHROPIC_BASE_URL); sim/notify receives notifications (the "notify" project).
 */
/** The "notify" project's worker secrets (vitest.config.ts binds them), which the local receivers check. */
const NOTIFY_SECRETS = {
  telegramToken: "123456:test-bot-token",
  /** Allowed chats; the first receives notifications. */
  telegramChatIds: "1001,1002",
  telegramWebhookSecret: "tg-webhook-secret",
  webhookSecret: "webhook-signing-secret",
};

export default async function setup(project: TestProject) {
  const sim = await startExchangeSim({ defaultSession: { start: "2026-03-26T00:00:00Z", mode: "manual", partials: 1 } });
  const llm = await startLlmSim();
  // The receivers of notifications (Telegram Bot API, a Discord webhook, the signed webhook sink), checking the test secrets.
  const notify = await startNotifySim({ telegramToken: NOTIFY_SECRETS.telegramToken, webhookSecret: NOTIFY_SECRETS.webhookSecret });
  project.provide("simUrl", sim.url);
  project.provide("simWsUrl", sim.wsUrl);
  project.provide("llmUrl", llm.url);
  project.provide("notifyUrl", notify.url);
  project.provide("notifySecrets", NOTIFY_SECRETS);
  return async () => {
    await Promise.all([sim.close(), llm.close(), notify.close()]);
  };
}
