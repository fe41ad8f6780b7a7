/** A research pool's worker thread: runs the tasks it is sent on the shipped data, read once (research-pool.ts). */
import { parentPort } from "node:worker_threads";
import { errorData, type WorkerReply } from "./research-pool";
import { researchData, runResearchTask, type ResearchTask } from "./research-run";

const port = parentPort;
if (!port) throw new Error("research-worker.ts runs as a worker thread of a research pool");
const data = researchData();
port.on("message", (m: { id: number; task: ResearchTask }) => {
  runResearchTask(data, m.task).then(
    (result) => port.postMessage({ id: m.id, result } satisfies WorkerReply),
    (e: unknown) => port.postMessage({ id: m.id, error: errorData(e) } satisfies WorkerReply),
  );
});
