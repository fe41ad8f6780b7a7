/** Closes a simulator once on Ctrl-C or SIGTERM, then exits. */
export function closeOnSignal(name: string, close: () => Promise<void>): void {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    console.log(`closing ${name}`);
    void close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
