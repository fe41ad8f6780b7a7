import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { describeLine, narrate, stripAnsi } from "../../../scripts/narrate";

const RED = "\u001b[31m";
const RESET = "\u001b[39m";

describe("narration of wrangler's output", () => {
  it("strips colour escapes", () => {
    expect(stripAnsi(`${RED}{"a":1}${RESET}`)).toBe('{"a":1}');
    expect(stripAnsi("\u001b[41;97mERROR\u001b[0m \u001b]8;;http://x\u0007link\u001b]8;;\u0007")).toBe("ERROR link");
  });

  it("reads an engine error line that wrangler coloured", () => {
    const line = `${RED}{"level":"error","scope":"TickerActor","event":"feed.failed","error":"socket hang up"}${RESET}`;
    expect(describeLine(line)).toBe("error   TickerActor feed.failed: socket hang up");
  });

  it("shows wrangler's and workerd's own error lines", () => {
    const line = "\u001b[31m✘ \u001b[41;31m[\u001b[41;97mERROR\u001b[41;31m]\u001b[0m \u001b[1mkj::getCaughtExceptionAsKj() = disconnected: Broken pipe\u001b[0m";
    expect(describeLine(line)).toBe("error   wrangler: kj::getCaughtExceptionAsKj() = disconnected: Broken pipe");
    expect(describeLine("[wrangler:error] Error: boom")).toBe("error   wrangler: Error: boom");
  });

  it("keeps quiet about everything else", () => {
    expect(describeLine("[wrangler:info] GET /health 200 OK (3ms)")).toBeNull();
    expect(describeLine('{"level":"info","scope":"GateActor","event":"gate.tick"}')).toBeNull();
  });

  it("follows stdout and stderr, where error-level lines go", () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const printed: string[] = [];
    narrate([out, err], (l) => printed.push(l));
    out.write('{"level":"info","scope":"AccountActor","event":"position.opened","position":"p1","qty":0.5,"symbol":"BTC/USDT","price":70000}\n');
    err.write(`${RED}{"level":"error","scope":"GateActor","event":"decide.failed","error":"timeout"}`);
    err.write(`${RESET}\n`);
    expect(printed).toEqual(["  open    p1: 0.500000 BTC/USDT at 70000.00", "  error   GateActor decide.failed: timeout"]);
  });
});
