import { readFileSync } from "node:fs";
import { claudeDecider, parseRecording, recordingJson, replayDecider, type Recording } from "../../src/adapters/llm/backtest-deciders";
import { ClaudeClient } from "../../src/adapters/llm/claude-client";
import type { BacktestDecider } from "../../src/lib/backtest/types";
import type { EngineConfig } from "../../src/lib/config";
import { startLlmSim } from "../../sim/llm/server";
import { writeOutput } from "../report/write-output";
import { UsageError } from "./args";

export const DECIDER_OPTIONS = {
  decider: { type: "string", default: "rules" },
  "llm-url": { type: "string" },
  record: { type: "string" },
  replay: { type: "string" },
} as const;

export const DECIDER_HELP = `  --decider <d>          rules (the rule pipeline) | claude | replay                     [rules]
  --llm-url <url|sim>    claude: a Messages-API server; "sim" starts the local simulator in process;
                         without it the SDK calls Anthropic with ANTHROPIC_API_KEY (real money)
  --record <file.json>   claude: save every answer by snapshot hash, to replay the run later for free
  --replay <file.json>   replay: answers recorded by --record, or a GET /api/decisions response`;

export interface DeciderSetup {
  decider: BacktestDecider | undefined;
  /** Writes the recording when asked, stops the in-process simulator. */
  finish(): Promise<void>;
}

/** The external decider the options ask for (none for the rule pipeline). */
export async function deciderFrom(values: { decider?: unknown; "llm-url"?: unknown; record?: unknown; replay?: unknown }, cfg: EngineConfig): Promise<DeciderSetup> {
  const mode = String(values.decider ?? "rules");
  const url = typeof values["llm-url"] === "string" ? values["llm-url"] : undefined;
  const recordTo = typeof values.record === "string" ? values.record : undefined;
  const replayFrom = typeof values.replay === "string" ? values.replay : undefined;
  if (mode !== "claude" && (url || recordTo)) throw new UsageError("--llm-url and --record need --decider claude");
  if (mode !== "replay" && replayFrom) throw new UsageError("--replay needs --decider replay");
  if (mode === "rules") return { decider: undefined, finish: async () => {} };
  if (mode === "replay") {
    if (!replayFrom) throw new UsageError("--decider replay needs --replay <file.json>");
    let recording: Recording;
    try {
      recording = parseRecording(JSON.parse(readFileSync(replayFrom, "utf8")));
    } catch (e) {
      throw new UsageError(`--replay ${replayFrom}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return { decider: replayDecider(recording), finish: async () => {} };
  }
  if (mode !== "claude") throw new UsageError(`--decider must be rules, claude or replay, got "${mode}"`);
  const sim = url === "sim" ? await startLlmSim({ port: 0 }) : null;
  const apiKey = process.env.ANTHROPIC_API_KEY ?? (url ? "local" : undefined);
  if (!apiKey) throw new UsageError("--decider claude without --llm-url calls Anthropic: set ANTHROPIC_API_KEY (or use --llm-url sim)");
  const client = new ClaudeClient({ apiKey, baseURL: sim ? sim.url : url, timeoutMs: cfg.llm.timeoutMs });
  const recording: Recording = new Map();
  return {
    decider: claudeDecider(client, cfg.llm, recordTo ? recording : undefined),
    finish: async () => {
      if (recordTo) await writeOutput(recordTo, `${JSON.stringify(recordingJson(recording))}\n`);
      await sim?.close();
    },
  };
}
