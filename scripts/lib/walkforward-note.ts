/**
 * What a chained walk-forward result is not: each out-of-sample window runs on a fresh account, so a drawdown
 * halt (which in one continuous run lasts until resumed by hand) is lifted at every window boundary, and the
 * compounded return is not the figure one run over the same span would give.
 */
export function freshAccountNote(haltedWindows: number, windows: number): string {
  const halted = haltedWindows > 0 ? `; the drawdown halt stopped trading in ${haltedWindows} of ${windows} out-of-sample windows and was lifted at the next` : "";
  return `each window starts with a fresh account: the drawdown halt resets per window${halted}; compounded return is not comparable with a single run`;
}
