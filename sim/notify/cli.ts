/**
 * Runs the fake notification receivers, e.g. `tsx sim/notify/cli.ts --port 9300 --token T --secret S`.
 * Point the worker at it: TELEGRAM_API_URL=<url>/telegram, DISCORD_WEBHOOK_URL=<url>/discord/api/webhooks/1/x,
 * NOTIFY_WEBHOOK_URL=<url>/webhook/in with NOTIFY_WEBHOOK_SECRET=S.
 */
import { parseArgs } from "node:util";
import { closeOnSignal } from "../shared/close-on-signal";
import { startNotifySim } from "./server";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "9300" },
      host: { type: "string", default: "127.0.0.1" },
      token: { type: "string" },
      secret: { type: "string" },
      quiet: { type: "boolean", default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);
  const sim = await startNotifySim({ port, host: values.host, telegramToken: values.token, webhookSecret: values.secret, log: values.quiet ? undefined : (l) => console.log(l) });
  console.log(`notification receivers on ${sim.url}: /telegram/bot<token>/sendMessage, /discord/api/webhooks/<id>/<token>, /webhook/<path>; GET /sim/received, POST /sim/faults`);
  closeOnSignal("notification simulator", () => sim.close());
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
