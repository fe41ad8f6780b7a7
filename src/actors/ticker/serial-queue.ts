/** Work run strictly one after another, in the order pushed, even across its awaits; a failure goes to `failed` and the rest runs on. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly failed: (err: unknown) => void) {}

  /** Work pushed and not finished yet (the one running included). */
  get pending(): number {
    return this.waiting;
  }

  push(work: () => Promise<void>): void {
    this.waiting++;
    this.tail = this.tail
      .then(work)
      .catch((err: unknown) => this.failed(err))
      .finally(() => void this.waiting--);
  }
}
