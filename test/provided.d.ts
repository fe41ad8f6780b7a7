import "vitest";

declare module "vitest" {
  /** Values the global setup provides to the workers tests (see test/global-setup.ts). */
  export interface ProvidedContext {
    simUrl: string;
    simWsUrl: string;
    llmUrl: string;
  }
}
