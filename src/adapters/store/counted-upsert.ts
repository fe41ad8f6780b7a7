/**
 * Runs `upserts` in one D1 batch (one transaction) between two runs of `count`, a count of the rows the
 * upserts can touch: the difference is how many of the `rows` were new, the rest were updated.
 */
export async function countedUpsert(db: D1Database, count: () => D1PreparedStatement, upserts: readonly D1PreparedStatement[], rows: number): Promise<{ inserted: number; updated: number }> {
  const results = await db.batch<{ n: number }>([count(), ...upserts, count()]);
  const before = results[0]!.results[0]!.n;
  const after = results[results.length - 1]!.results[0]!.n;
  return { inserted: after - before, updated: rows - (after - before) };
}
