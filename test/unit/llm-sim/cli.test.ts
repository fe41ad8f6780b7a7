import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";

describe("sim/llm/cli.ts", () => {
  it("prints the base URL, answers there, and exits cleanly on SIGINT", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "sim/llm/cli.ts", "--port", "0", "--quiet"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      let out = "";
      child.stdout.setEncoding("utf8");
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d: string) => {
          out += d;
          const m = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once("exit", (code) => reject(new Error(`cli exited with ${code}: ${out}`)));
      });
      const sessions = (await (await fetch(`${url}/sim/sessions`)).json()) as { id: string; baseURL: string }[];
      expect(sessions).toEqual([{ id: "default", baseURL: url }]);
      const exited = once(child, "exit");
      child.kill("SIGINT");
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 15_000);
});
