import type Anthropic from "@anthropic-ai/sdk";
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

/**
 * The Messages API through the official SDK; no retries here: failures go to the circuit breaker. The SDK is loaded
 * at the first call, so an isolate that never asks Claude never evaluates it.
 */
export class ClaudeClient {
  private sdk: Promise<{ client: Anthropic; Sdk: typeof Anthropic }> | null = null;

  constructor(private readonly opts: ClaudeClientOptions) {}

  private load() {
    return (this.sdk ??= import("@anthropic-ai/sdk").then(({ default: Sdk }) => ({
      Sdk,
      client: new Sdk({ apiKey: this.opts.apiKey, ...(this.opts.baseURL ? { baseURL: this.opts.baseURL } : {}), timeout: this.opts.timeoutMs, maxRetries: 0 }),
    })));
  }

  async send(request: MessagesRequest): Promise<LlmCall> {
    const started = Date.now();
    const { client, Sdk } = await this.load();
    try {
      const raw: unknown = await client.messages.create(request as unknown as Anthropic.MessageCreateParamsNonStreaming);
      return { raw, error: null, status: 200, latencyMs: Date.now() - started };
    } catch (err) {
      const status = err instanceof Sdk.APIError && typeof err.status === "number" ? err.status : null;
      const kind = err instanceof Sdk.APIConnectionTimeoutError ? "timeout" : err instanceof Sdk.APIConnectionError ? "connection failed" : status ? `HTTP ${status}` : "error";
      return { raw: null, error: `${kind}: ${errorMessage(err).slice(0, 300)}`, status, latencyMs: Date.now() - started };
    }
  }
}
