import Anthropic from "@anthropic-ai/sdk";
import { errorMessage } from "../log";
import type { MessagesRequest } from "../../lib/decide/prompt";

export interface LlmCall {
  /** The answer as received (the SDK's parsed JSON), or null when the call failed. */
  raw: unknown;
  error: string | null;
  status: number | null;
  latencyMs: number;
}

export interface ClaudeClientOptions {
  apiKey: string;
  /** Any Messages-API-compatible server; Anthropic's when absent. */
  baseURL?: string | undefined;
  timeoutMs: number;
}

/** The Messages API through the official SDK; no retries here: failures go to the circuit breaker. */
export class ClaudeClient {
  private readonly client: Anthropic;

  constructor(opts: ClaudeClientOptions) {
    this.client = new Anthropic({ apiKey: opts.apiKey, ...(opts.baseURL ? { baseURL: opts.baseURL } : {}), timeout: opts.timeoutMs, maxRetries: 0 });
  }

  async send(request: MessagesRequest): Promise<LlmCall> {
    const started = Date.now();
    try {
      const raw: unknown = await this.client.messages.create(request as unknown as Anthropic.MessageCreateParamsNonStreaming);
      return { raw, error: null, status: 200, latencyMs: Date.now() - started };
    } catch (err) {
      const status = err instanceof Anthropic.APIError && typeof err.status === "number" ? err.status : null;
      const kind = err instanceof Anthropic.APIConnectionTimeoutError ? "timeout" : err instanceof Anthropic.APIConnectionError ? "connection failed" : status ? `HTTP ${status}` : "error";
      return { raw: null, error: `${kind}: ${errorMessage(err).slice(0, 300)}`, status, latencyMs: Date.now() - started };
    }
  }
}
