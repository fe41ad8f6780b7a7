/**
 * Runs the fake Messages API, e.g. `tsx sim/llm/cli.ts --port 9200 [--host 127.0.0.1] [--quiet]`.
 * Point the SDK at it with `new Anthropic({ apiKey: "any", baseURL: <printed URL> })`.
 */
import { parseArgs } from "node:util";
import { startLlmSim } from "./server";
import { closeOnSignal } from "../shared/close-on-signal";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "9200" },
      host: { type: "string", default: "127.0.0.1" },
      quiet: { type: "boolean", default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);
  const sim = await startLlmSim({ port, host: values.host, log: values.quiet ? undefined : (l) => console.log(l) });
  console.log(sim.url);
  console.log(`LLM simulator listening: POST ${sim.url}/v1/messages (session "default"), POST ${sim.url}/sim/sessions for more`);
  closeOnSignal("LLM simulator", () => sim.close());
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
