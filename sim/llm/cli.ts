/**
 * Runs the fake Messages API, e.g. `tsx sim/llm/cli.ts --port 9200 [--host 127.0.0.1] [--quiet]`.
 * Point the SDK at it with `new Anthropic({ apiKey: "any", baseURL: <printed URL> })`.
 */
import { parseOptionsOrExit } from "../shared/cli-options";
import { startLlmSim } from "./server";
import { closeOnSignal } from "../shared/close-on-signal";

const USAGE = `npm run sim:llm -- [options]: the local Messages-API server (scripted Claude answers)

  --port <n>        port to listen on (0: any free port)         [9200]
  --host <addr>     address to listen on                    [127.0.0.1]
  --quiet           log no requests
  -h, --help        print this and exit`;

const OPTIONS = {
  port: { type: "string", default: "9200" },
  host: { type: "string", default: "127.0.0.1" },
  quiet: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

async function main(): Promise<void> {
  const values = parseOptionsOrExit(OPTIONS, "npm run sim:llm");
  if (values.help) return console.log(USAGE);
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
