import type { z } from "zod";

/** zod issues as one readable line, `path: message; …` (the route builder's 400 messages, src/api/contract.ts). */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}
