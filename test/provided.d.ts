import "vitest";

declare module "vitest" {
  /** Values the global setup provides to the workers tests (see test/global-setup.ts). */
  export interface ProvidedContext {
    simUrl: string;
    simWsUrl: string;
    llmUrl: string;
    /** sim/notify: fake Telegram Bot API, Discord webhook and signed-webhook sink (test/global-setup.ts). */
    notifyUrl: string;
    notifySecrets: { telegramToken: string; telegramChatIds: string; telegramWebhookSecret: string; webhookSecret: string };
    /** The e2e project (test/e2e/global-setup.ts): the worker under wrangler dev, its root token, the simulators. */
    e2eBaseUrl: string;
    e2eToken: string;
    e2eSimUrl: string;
    e2eSimWsUrl: string;
    e2eLlmUrl: string;
  }
}
