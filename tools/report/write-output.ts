import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** Writes a report file, creating its directory first. */
export async function writeOutput(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
}
