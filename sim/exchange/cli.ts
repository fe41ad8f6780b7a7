/**
 * Runs the exchange simulator with one default session, e.g.
 *   tsx sim/exchange/cli.ts --port 9100 --start 2026-03-24T00:00:00Z --speed 1200 --partials 3 --mode realtime \
 *     --symbols BTCUSDT,ETHUSDT,SOLUSDT [--balances USDT=10000,BTC=0.5] [--fill-parts 3] [--host 127.0.0.1]
 */
import { parseOptionsOrExit } from "../shared/cli-options";
import type { SessionOptions } from "./options";
import { startExchangeSim } from "./server";
import { closeOnSignal } from "../shared/close-on-signal";

function parseBalances(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of text.split(",").filter(Boolean)) {
    const [asset, amount] = pair.split("=");
    if (!asset || amount === undefined || !Number.isFinite(Number(amount))) throw new Error(`bad --balances entry "${pair}" (want ASSET=amount)`);
    out[asset] = Number(amount);
  }
  return out;
}

const USAGE = `npm run sim -- [options]: the Binance-protocol exchange simulator with one default session

  --port <n>             port to listen on (0: any free port)                           [9100]
  --host <addr>          address to listen on                                      [127.0.0.1]
  --start <time>         replay start, ISO UTC or epoch ms                [2026-03-24T00:00:00Z]
  --speed <n>            realtime mode: market ms per wall ms                              [1]
  --partials <n>         partial kline updates per 1m candle before the closing one         [3]
  --mode <m>             realtime (the clock runs) or manual (POST /sim/advance)     [realtime]
  --symbols <list>       comma-separated                             [BTCUSDT,ETHUSDT,SOLUSDT]
  --balances <list>      starting balances, e.g. USDT=10000,BTC=0.5
  --fill-parts <n>       a MARKET order fills as this many trades                           [1]
  -h, --help             print this and exit`;

const OPTIONS = {
  port: { type: "string", default: "9100" },
  host: { type: "string", default: "127.0.0.1" },
  start: { type: "string", default: "2026-03-24T00:00:00Z" },
  speed: { type: "string" },
  partials: { type: "string" },
  mode: { type: "string", default: "realtime" },
  symbols: { type: "string" },
  balances: { type: "string" },
  "fill-parts": { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

async function main(): Promise<void> {
  const values = parseOptionsOrExit(OPTIONS, "npm run sim");
  if (values.help) return console.log(USAGE);
  const session: SessionOptions = {
    start: /^\d+$/.test(values.start) ? Number(values.start) : values.start,
    mode: values.mode === "manual" ? "manual" : "realtime",
    ...(values.speed !== undefined && { speed: Number(values.speed) }),
    ...(values.partials !== undefined && { partials: Number(values.partials) }),
    ...(values.symbols !== undefined && { symbols: values.symbols.split(",").filter(Boolean) }),
    ...(values.balances !== undefined && { balances: parseBalances(values.balances) }),
    ...(values["fill-parts"] !== undefined && { fillParts: Number(values["fill-parts"]) }),
  };
  if (values.mode !== "manual" && values.mode !== "realtime") throw new Error(`--mode must be realtime or manual, got ${values.mode}`);
  const sim = await startExchangeSim({ port: Number(values.port), host: values.host, defaultSession: session, log: (l) => console.log(l) });
  const s = sim.session("default")!;
  console.log(`exchange simulator listening
  REST       ${sim.url}/api/v3/   (also ${sim.url}/s/default/api/v3/)
  streams    ${sim.wsUrl}/ws/<stream>  ${sim.wsUrl}/stream?streams=a/b
  user data  POST ${sim.url}/api/v3/userDataStream (X-MBX-APIKEY) -> ${sim.wsUrl}/ws/<listenKey>
  control    ${sim.url}/sim/state  POST ${sim.url}/sim/sessions
  session    ${s.opts.mode}, start ${new Date(s.opts.start).toISOString()}, speed ${s.opts.speed}, partials ${s.opts.partials}, symbols ${s.opts.symbols.join(",")}
  api key    ${s.opts.apiKey} / ${s.opts.apiSecret}`);
  closeOnSignal("exchange simulator", () => sim.close());
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
