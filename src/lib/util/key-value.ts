/** The part of an actor's synchronous storage (SyncKvStorage in workerd) the core's stateful helpers use. */
export interface KeyValue {
  get<T>(key: string): T | undefined;
  put<T>(key: string, value: T): void;
}

/** A KeyValue in memory, for a backtest's run: values are kept as given (the core never mutates what it stored). */
export class MemoryKeyValue implements KeyValue {
  private readonly map = new Map<string, unknown>();

  get<T>(key: string): T | undefined {
    return this.map.get(key) as T | undefined;
  }

  put<T>(key: string, value: T): void {
    this.map.set(key, value);
  }
}
