/** A named, append-only schema step of an actor's SQLite storage; never edit one that has shipped. */
export interface Migration {
  name: string;
  statements: string[];
}

/** Applies the migrations not yet recorded, in order. Synchronous: safe in an actor constructor. */
export function migrate(sql: SqlStorage, migrations: readonly Migration[]): void {
  sql.exec("CREATE TABLE IF NOT EXISTS _schema (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
  const applied = new Set(
    sql
      .exec<{ name: string }>("SELECT name FROM _schema")
      .toArray()
      .map((r) => r.name),
  );
  for (const m of migrations) {
    if (applied.has(m.name)) continue;
    for (const statement of m.statements) sql.exec(statement);
    sql.exec("INSERT INTO _schema (name, applied_at) VALUES (?, ?)", m.name, Date.now());
  }
}

export const KERNEL_MIGRATIONS: readonly Migration[] = [
  {
    name: "kernel-0001",
    statements: [
      "CREATE TABLE _timers (name TEXT PRIMARY KEY, due_at INTEGER NOT NULL, payload TEXT, attempts INTEGER NOT NULL DEFAULT 0)",
      "CREATE TABLE _outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, row TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_error TEXT)",
      "CREATE TABLE _mailbox (key TEXT PRIMARY KEY, binding TEXT NOT NULL, target TEXT NOT NULL, method TEXT NOT NULL, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_error TEXT)",
    ],
  },
  {
    // Every history row written asks MAX(next_at), every alarm MIN(next_at): without an index each is a
    // scan of the rows held, which grow during a D1 outage (and every row scanned is a row read).
    name: "kernel-0002",
    statements: ["CREATE INDEX _outbox_next_at ON _outbox (next_at)", "CREATE INDEX _mailbox_next_at ON _mailbox (next_at)"],
  },
  {
    // Work that exhausted its retries, and stored state that could not be read back: kept, counted, alerted.
    name: "kernel-0003",
    statements: [
      "CREATE TABLE _dead_letters (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, key TEXT NOT NULL, target TEXT NOT NULL, method TEXT NOT NULL, payload TEXT NOT NULL, attempts INTEGER NOT NULL, error TEXT NOT NULL, at INTEGER NOT NULL)",
      "ALTER TABLE _outbox ADD COLUMN refusals INTEGER NOT NULL DEFAULT 0",
      "CREATE INDEX _mailbox_receiver ON _mailbox (binding, target)",
      "CREATE TABLE _quarantine (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, value TEXT NOT NULL, error TEXT NOT NULL, at INTEGER NOT NULL)",
    ],
  },
];
