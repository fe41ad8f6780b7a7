import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { outcomeFor } from "./faults";
import { apiError, hasCredentials, header, type Reply } from "./http";
import { buildMessage, outputTokensOf, simId } from "./message";
import type { LlmMode } from "./modes";
import { decide, evaluate } from "./policy";
import { InvalidRequest, parseMessagesRequest } from "./request";
import { taskOf } from "./task";
import { measureUsage, type Usage } from "./usage";

/** One call as `GET <base>/sim/requests` reports it. */
export interface RecordedRequest {
  seq: number;
  requestId: string;
  path: string;
  /** The SDK's `x-stainless-retry-count` header (0 on the first attempt), null when absent. */
  retryCount: number | null;
  /** The `anthropic-version` header, null when absent. */
  anthropicVersion: string | null;
  /** The parsed JSON body, or the raw text when it did not parse. */
  body: unknown;
  /** Null while held open (timeout mode) or when the client gave up first. */
  status: number | null;
  /** The mode that answered; null when the request was rejected before one applied. */
  mode: LlmMode | null;
  /** True when the answer came from the `/sim/script` queue. */
  scripted: boolean;
  usage: Usage | null;
  /** The error message sent, or what happened to a held call. */
  error: string | null;
}

export interface IncomingCall {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

const MISSING_KEY = "missing API key: send an x-api-key header or Authorization: Bearer <key>";

function looseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One isolated fake model: its own mode, script queue, prompt cache, id counters and request log. */
export class LlmSession {
  private mode: LlmMode = "policy";
  /** Calls left in `mode`; null = until changed. */
  private remaining: number | null = null;
  private readonly queue: Record<string, unknown>[] = [];
  private readonly log: RecordedRequest[] = [];
  private readonly cache = new Set<string>();
  private readonly held = new Set<ServerResponse>();
  private counters = { req: 0, msg: 0, toolu: 0 };

  constructor(
    readonly id: string,
    readonly baseURL: string,
    private readonly logLine: (line: string) => void = () => {},
  ) {}

  /** The next `count` calls (all calls when omitted) answer in `mode`, then back to "policy". */
  setMode(mode: LlmMode, count?: number): void {
    this.mode = mode;
    this.remaining = mode === "policy" ? null : (count ?? null);
  }

  /** Queues exact tool inputs answered (as the forced tool's tool_use) by the next policy-mode calls. */
  script(inputs: readonly Record<string, unknown>[]): void {
    this.queue.push(...inputs.map((i) => structuredClone(i)));
  }

  requests(): RecordedRequest[] {
    return structuredClone(this.log);
  }

  state(): { id: string; baseURL: string; mode: LlmMode; remaining: number | null; scripted: number; requests: number; held: number } {
    return { id: this.id, baseURL: this.baseURL, mode: this.mode, remaining: this.remaining, scripted: this.queue.length, requests: this.log.length, held: this.held.size };
  }

  /** Back to a fresh session: policy mode, empty script, log and prompt cache, counters at 0, held calls dropped. */
  reset(): void {
    this.setMode("policy");
    this.queue.length = 0;
    this.log.length = 0;
    this.cache.clear();
    this.counters = { req: 0, msg: 0, toolu: 0 };
    this.close();
  }

  /** Drops every held (timeout-mode) connection. */
  close(): void {
    for (const res of this.held) res.destroy();
    this.held.clear();
  }

  /** Answers `POST /v1/messages`. */
  handle(call: IncomingCall): Reply {
    const retry = header(call.headers, "x-stainless-retry-count");
    const record: RecordedRequest = {
      seq: ++this.counters.req,
      requestId: simId("req", this.counters.req),
      path: call.path,
      retryCount: retry === undefined ? null : Number(retry),
      anthropicVersion: header(call.headers, "anthropic-version") ?? null,
      body: looseJson(call.rawBody),
      status: null,
      mode: null,
      scripted: false,
      usage: null,
      error: null,
    };
    this.log.push(record);
    const reply = this.answer(call, record);
    if ("status" in reply) record.status = reply.status;
    this.logLine(`llm ${this.id} #${record.seq} ${record.mode ?? "-"}${record.scripted ? " (scripted)" : ""} → ${record.status ?? "held"}`);
    return reply;
  }

  /** Keeps a timeout-mode response open until the client or `close()`/`reset()` ends it. */
  private hold(record: RecordedRequest, res: ServerResponse): void {
    this.held.add(res);
    record.error = "held open (timeout mode)";
    res.on("close", () => {
      this.held.delete(res);
      record.error = "held open (timeout mode); connection closed without an answer";
    });
  }

  private fail(record: RecordedRequest, status: number, type: string, message: string): Reply {
    record.error = `${type}: ${message}`;
    return apiError(status, type, message, record.requestId);
  }

  private takeMode(): LlmMode {
    const mode = this.mode;
    if (this.remaining !== null && --this.remaining <= 0) this.setMode("policy");
    return mode;
  }

  private answer(call: IncomingCall, record: RecordedRequest): Reply {
    if (!hasCredentials(call.headers)) return this.fail(record, 401, "authentication_error", MISSING_KEY);
    let req, task;
    try {
      req = parseMessagesRequest(call.rawBody);
      task = taskOf(req);
    } catch (e) {
      if (e instanceof InvalidRequest) return this.fail(record, 400, "invalid_request_error", e.message);
      throw e;
    }
    const mode = (record.mode = this.takeMode());
    const scripted = mode === "policy" ? this.queue.shift() : undefined;
    record.scripted = scripted !== undefined;
    const policy = task.kind === "decision" ? decide(task.snapshot) : evaluate(task.review);
    const outcome = outcomeFor(mode, task, scripted ?? (policy as unknown as Record<string, unknown>), req);
    if (outcome.kind === "hold") return { hold: (res) => this.hold(record, res) };
    if (outcome.kind === "error") return this.fail(record, outcome.status, outcome.errorType, outcome.message);
    const content = outcome.kind === "message" ? outcome.content : [{ type: "tool_use" as const, name: task.tool, input: policy }];
    const stopReason = outcome.kind === "message" ? outcome.stopReason : "tool_use";
    const outputTokens = (outcome.kind === "message" ? outcome.outputTokens : undefined) ?? outputTokensOf(content);
    const usage = (record.usage = measureUsage(req, this.cache, outputTokens));
    const headers = { "request-id": record.requestId };
    const toolId = () => simId("toolu", ++this.counters.toolu);
    const message = buildMessage({ id: simId("msg", ++this.counters.msg), model: req.model, content, stopReason, usage, toolId });
    if (outcome.kind === "message") return { status: 200, headers, body: message };
    const text = JSON.stringify(message);
    return { status: 200, headers, contentType: "application/json", raw: text.slice(0, Math.floor(text.length / 2)) };
  }
}
