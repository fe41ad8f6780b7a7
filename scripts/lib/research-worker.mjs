// A research pool's worker thread starts here: a worker thread does not inherit the tsx loader the command runs under,
// so this plain module loads the TypeScript worker through tsx's API (research-pool.ts).
import { tsImport } from "tsx/esm/api";

await tsImport("./research-worker.ts", import.meta.url);
