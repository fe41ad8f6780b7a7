/** The positions (of any portfolio: their names carry it) that watch a market's prices (kv `watchers`). */
export class Watchers {
  private list: string[];

  constructor(private readonly kv: SyncKvStorage) {
    this.list = kv.get<string[]>("watchers") ?? [];
  }

  get names(): readonly string[] {
    return this.list;
  }

  add(position: string): void {
    if (this.list.includes(position)) return;
    this.list = [...this.list, position];
    this.kv.put("watchers", this.list);
  }

  remove(position: string): void {
    if (!this.list.includes(position)) return;
    this.list = this.list.filter((w) => w !== position);
    this.kv.put("watchers", this.list);
  }
}
