const DAY = 86_400_000;

/**
 * Claude's calls and spend over a governor's kept days (UTC, wall clock), and the spend per day over the span from
 * the first kept day to today (days without a call count as days): what portfolios are compared by.
 */
export function llmFigures(days: readonly { day: number; calls: number; costUsd: number }[], today: { day: number }) {
  const calls = days.reduce((a, d) => a + d.calls, 0);
  const costUsd = days.reduce((a, d) => a + d.costUsd, 0);
  const first = days.reduce((a, d) => Math.min(a, d.day), today.day);
  const span = Math.max(1, Math.round((today.day - first) / DAY) + 1);
  return { calls, costUsd, days: span, costUsdPerDay: costUsd / span };
}
