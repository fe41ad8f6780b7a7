import type { IncomingMessage } from "node:http";

/** The request body as text; past `max` bytes it rejects with `tooLarge()`. */
export function readBody(req: IncomingMessage, max: number, tooLarge: () => Error = () => new Error("body too large")): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) reject(tooLarge());
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
