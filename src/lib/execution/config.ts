import { z } from "zod";

/** How orders reach an exchange (the exchange broker); the paper broker reads none of it. */
export const ExecutionConfigSchema = z
  .object({
    /** A sent order the exchange does not know after this long never reached it: at least recvWindowMs + 1 s. */
    notFoundGraceMs: z.number().int().positive().default(15_000),
    /** The venue refuses a signed request that reaches it later than this after it was signed (Binance: -1021). */
    recvWindowMs: z.number().int().min(100).max(60_000).default(5_000),
    /** What a sell leaves below this notional (quote) is dust, not a position. */
    dustNotional: z.number().min(0).default(5),
    /** Wall time between queries of a working market order (with the user-data stream, a second path for fills). */
    pollMs: z.number().int().positive().default(1_000),
    /** Wall time between queries of a resting protective stop. */
    stopPollMs: z.number().int().positive().default(5_000),
    protection: z
      .object({
        enabled: z.boolean().default(true),
        limitOffsetPct: z.number().min(0).max(0.1).default(0.005),
        replaceStepPct: z.number().min(0).max(0.2).default(0.005),
        retryAfterRejectMs: z.number().int().min(0).default(60_000),
      })
      .default({ enabled: true, limitOffsetPct: 0.005, replaceStepPct: 0.005, retryAfterRejectMs: 60_000 }),
    /** Wall time between two reconciliations of the book with the exchange. */
    reconcileEveryMs: z.number().int().positive().default(30_000),
    /** Fills also come by the venue's user-data stream (WebSocket API), besides polling: either path alone is enough. */
    userStream: z.boolean().default(true),
    /** Wall time between the stream's pings; one unanswered by the next means the socket is dead and is replaced. */
    userStreamPingMs: z.number().int().positive().default(20_000),
  })
  .refine((c) => c.notFoundGraceMs >= c.recvWindowMs + 1_000, {
    message: "notFoundGraceMs must be at least recvWindowMs + 1000: an order signed within the window can still reach the venue until then",
    path: ["notFoundGraceMs"],
  });
export type ExecutionConfig = z.infer<typeof ExecutionConfigSchema>;
