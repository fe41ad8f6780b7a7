import { createServer } from "node:net";

export interface NamedPort {
  /** The option that sets it, e.g. "--sim-port". */
  option: string;
  port: number;
}

/** Whether `port` can be listened on at `host` now (it is closed again at once). */
export function portFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The ports of `ports` something else listens on. */
export async function busyPorts(ports: readonly NamedPort[], host = "127.0.0.1"): Promise<NamedPort[]> {
  const free = await Promise.all(ports.map((p) => portFree(p.port, host)));
  return ports.filter((_, i) => !free[i]);
}

/** One line saying which ports are taken and how to pick others (every port option, not just one). */
export function busyPortsMessage(busy: readonly NamedPort[]): string {
  const list = busy.map((p) => `${p.port} (${p.option})`).join(", ");
  return (
    `${busy.length === 1 ? "port" : "ports"} ${list} ${busy.length === 1 ? "is" : "are"} in use (another npm start, or another program): ` +
    `stop it, or pick free ports with --port, --sim-port and --llm-port together (each --port keeps its own demo state)`
  );
}
