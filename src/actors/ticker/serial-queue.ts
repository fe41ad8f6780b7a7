/** Work run strictly one after another, in the order pushed, even across its awaits; a failure goes to `failed` and the rest runs on. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly failed: (err: unknown) => void) {}

  push(work: () => Promise<void>): void {
    this.tail = this.tail.then(work).catch((err: unknown) => this.failed(err));
  }
}
