import { z } from "zod";

export const HOUR_MS = 3_600_000;

/** Fields every funding strategy shares; each strategy spreads them into its own strict schema. */
export const fundingParamFields = {
  /** Funding rate per interval (fraction) at which positioning counts as crowded: 0.0005 = 0.05 %. */
  threshold: z.number().positive().default(0.0005),
  /** A funding rate older than this is too stale to act on. */
  maxAgeMs: z
    .number()
    .int()
    .positive()
    .default(12 * HOUR_MS),
  /** |rate| at this multiple of the threshold gives confidence 1; at the threshold, 1/fullConfidenceAt. */
  fullConfidenceAt: z.number().min(1).default(2),
};
