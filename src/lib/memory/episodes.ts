import { tickerEntryContext } from "../decide/entry-context";
import type { TickerSnapshot } from "../decide/snapshot-schema";
import type { EntryContext, PositionState } from "../execution/position";
import type { Timeframe } from "../market/timeframe";
import type { Episode, EpisodeOutcome, RecalledEpisode } from "./episode-schema";

export type { Episode, EpisodeOutcome, RecalledEpisode } from "./episode-schema";

const HOUR = 3_600_000;
/** The entry's reasoning is kept to this many characters; a snapshot's recalled block truncates further. */
export const REASONING_MAX_CHARS = 280;
/** Below this |pnlPct| a trade counts as flat in its reflection. */
const FLAT_PCT = 0.005;

/**
 * The features similarity compares: the decision timeframe's ATR % (how violent the market was; in percent,
 * 100 · ATR / close) and momentum14 (where it was heading; a fraction, close / close 14 candles ago − 1). Both are known for the ticker now and were stored at every entry
 * (the EntryContext), so a query and a past episode share them. The agents' signals are stored with the
 * episode but not compared: the snapshot is built before any agent scores, so a query has none.
 */
export const SIMILARITY_FEATURES = ["atrPct", "momentum"] as const;
/**
 * Each feature is standardized by its spread (population standard deviation) among the episodes that may
 * be recalled, so a unit of ATR % and a unit of momentum weigh the same; the floor keeps a pool of
 * near-identical values from turning noise into large distances (0.2 points of ATR %, 1 % of momentum).
 */
const SCALE_FLOOR: Record<(typeof SIMILARITY_FEATURES)[number], number> = { atrPct: 0.2, momentum: 0.01 };
/** A feature missing on either side counts as this many standard deviations apart. */
const MISSING_Z = 2;
/**
 * Fewer episodes with readable texts rather than many cut to stubs: while the texts of each recalled
 * episode would get fewer characters than this, the least similar is left out.
 */
const MIN_TEXT_CHARS = 160;

export interface EpisodeQuery {
  symbol: string;
  regimeKey: string | null;
  features: Record<string, number>;
}

export interface RecallOptions {
  /** At most this many episodes per query. */
  k: number;
  /** The recalled block, as JSON, is at most this many characters. */
  maxChars: number;
}

/** 4 significant digits: enough to compare, short in JSON, and the same on every run. */
const sig = (x: number): number => Number(x.toPrecision(4));
const finite = (x: number | null | undefined): x is number => typeof x === "number" && Number.isFinite(x);

/** `text` cut to at most `max` characters, ending in "…" when cut (never inside a surrogate pair). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…`;
}

/** The numeric features of an entry context that episodes keep and compare. */
export function episodeFeatures(ctx: EntryContext | null | undefined): Record<string, number> {
  const f: Record<string, number> = {};
  const atrPct = ctx?.atrPct;
  const momentum = ctx?.momentum;
  if (finite(atrPct)) f.atrPct = sig(atrPct);
  if (finite(momentum)) f.momentum = sig(momentum);
  return f;
}

/**
 * The episode of a position: null before its entry filled; open while it is open or exiting; closed, with
 * its outcome and a deterministic reflection, once it closed. The same position gives the same episode.
 */
export function episodeOf(p: PositionState): Episode | null {
  if (p.openedAt === null) return null;
  const ctx = p.entryContext;
  const signals: Record<string, number> = {};
  for (const [agent, s] of Object.entries(ctx?.agentSignals ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (finite(s)) signals[agent] = sig(s);
  const seen = {
    id: p.id,
    portfolio: p.portfolio,
    symbol: p.symbol,
    agent: p.agent,
    decisionId: p.decisionId,
    openedAt: p.openedAt,
    regimeKey: ctx?.regimeKey ?? null,
    trend: ctx?.regime ?? null,
    features: episodeFeatures(ctx),
    signals,
    reasoning: truncate(p.entryReason.trim(), REASONING_MAX_CHARS),
    ...(p.side === "short" ? { side: "short" as const } : {}),
  };
  if (p.status !== "closed" || p.closedAt === null) return { ...seen, closedAt: null, outcome: null, reflection: null, reflectionSource: null };
  const cost = p.qty * p.entryPrice;
  const outcome: EpisodeOutcome = {
    pnlPct: sig(cost > 0 ? (p.pnl ?? 0) / (cost + p.entryFee) : 0),
    exitKind: p.exitKind ?? "unknown",
    heldHours: Math.round(((p.closedAt - p.openedAt) / HOUR) * 10) / 10,
  };
  return { ...seen, closedAt: p.closedAt, outcome, reflection: reflect(seen, outcome), reflectionSource: "deterministic" };
}

const signedPct = (x: number): string => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)}%`;
const atrOrNa = (x: number | undefined): string => (x === undefined ? "n/a" : `${x.toFixed(2)}%`);
const signedOrNa = (x: number | undefined): string => (x === undefined ? "n/a" : signedPct(x));

/**
 * Two sentences from the facts alone (no model, no randomness): what was seen at entry and what happened,
 * then a lesson-like reading of the two. Short, so a snapshot's recalled block keeps most of it.
 */
export function reflect(e: Pick<Episode, "symbol" | "regimeKey" | "features" | "side">, o: EpisodeOutcome): string {
  const seen = `${e.symbol} ${e.side === "short" ? "short" : "long"} in ${e.regimeKey ?? "an unknown regime"} (ATR ${atrOrNa(e.features.atrPct)}, momentum ${signedOrNa(e.features.momentum)}), closed by ${o.exitKind} after ${o.heldHours} h at ${signedPct(o.pnlPct)}.`;
  let lesson: string;
  if (Math.abs(o.pnlPct) < FLAT_PCT) lesson = "it went nowhere, too little move to pay for fees and time";
  else if (o.pnlPct > 0 && o.exitKind === "trailing_stop") lesson = "letting the winner run to the trailing stop paid";
  else if (o.pnlPct > 0) lesson = "the setup worked in this regime";
  else if (o.exitKind === "hard_stop") lesson = "it went straight against the entry; ask for more confirmation before repeating this setup";
  else if (o.exitKind === "time_stop") lesson = "no follow-through before the time stop; the setup lacked momentum";
  else lesson = "the setup did not hold in this regime";
  return `${seen} Lesson: ${lesson}.`;
}

/** A ticker of a snapshot as a recall query: its regime key and features, read as an entry would read them. */
export function episodeQuery(t: TickerSnapshot, tf: Timeframe): EpisodeQuery {
  const ctx = tickerEntryContext(t, tf, {});
  return { symbol: t.symbol, regimeKey: ctx.regimeKey ?? null, features: episodeFeatures(ctx) };
}

/** Only a closed episode, closed at or before `now`, may be recalled: nothing a decision at `now` could not have known. */
export function recallable(e: Episode, now: number): e is Episode & { closedAt: number; outcome: EpisodeOutcome; reflection: string } {
  return e.closedAt !== null && e.closedAt <= now && e.outcome !== null && e.reflection !== null;
}

function featureScales(pool: readonly Episode[]): Record<string, number> {
  const scales: Record<string, number> = {};
  for (const f of SIMILARITY_FEATURES) {
    const xs = pool.map((e) => e.features[f]).filter(finite);
    let sd = 0;
    if (xs.length >= 2) {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    }
    scales[f] = Math.max(sd, SCALE_FLOOR[f]);
  }
  return scales;
}

/** Root mean square of the standardized differences over SIMILARITY_FEATURES; a missing side counts MISSING_Z. */
function featureDistance(a: Record<string, number>, b: Record<string, number>, scales: Record<string, number>): number {
  let sum = 0;
  for (const f of SIMILARITY_FEATURES) {
    const x = a[f];
    const y = b[f];
    const z = finite(x) && finite(y) ? (x - y) / scales[f]! : MISSING_Z;
    sum += z * z;
  }
  return Math.sqrt(sum / SIMILARITY_FEATURES.length);
}

/** Texts of a recalled episode cut to `budget` characters together: half each, what one leaves to the other. */
function shortened(r: RecalledEpisode, budget: number): RecalledEpisode {
  const reflection = Math.min(r.reflection.length, Math.max(Math.floor(budget / 2), budget - r.reasoning.length));
  const reasoning = Math.min(r.reasoning.length, budget - reflection);
  return { ...r, reasoning: truncate(r.reasoning, reasoning), reflection: truncate(r.reflection, reflection) };
}

/**
 * The most similar first, as many as fit in `maxChars` of JSON: texts are shortened evenly until the block
 * fits; when even the episodes without text do not fit, or their texts would be cut below MIN_TEXT_CHARS,
 * the least similar are left out.
 */
function fitted(ranked: readonly RecalledEpisode[], maxChars: number): RecalledEpisode[] {
  for (let n = ranked.length; n > 0; n--) {
    const list = ranked.slice(0, n);
    const bare = JSON.stringify(list.map((r) => ({ ...r, reasoning: "", reflection: "" }))).length;
    if (bare > maxChars) continue;
    let per = Math.floor((maxChars - bare) / n);
    if (n > 1 && per < MIN_TEXT_CHARS && list.some((r) => r.reasoning.length + r.reflection.length > per)) continue;
    for (;;) {
      const out = list.map((r) => shortened(r, per));
      const over = JSON.stringify(out).length - maxChars;
      // JSON escapes can make a text longer than its characters: shrink until it fits (at 0 it is `bare`).
      if (over <= 0) return out;
      per = Math.max(0, per - Math.ceil(over / n));
    }
  }
  return [];
}

/**
 * The k past episodes most like `query`, point in time at `now` (an open episode, or one closed after
 * `now`, is never recalled). Ranking, in order:
 * 1. the same regime key first: the learner's posteriors and the strategies are conditioned on the regime
 *    (trending_up, ranging, …), so an episode from the same regime speaks to the same playbook; one from
 *    another regime is recalled only when fewer than k of the same exist;
 * 2. the distance of the standardized entry features (SIMILARITY_FEATURES), smallest first;
 * 3. then deterministically: the same symbol first, the most recent close first, the position id.
 * The result is at most `k` long and its JSON at most `maxChars` characters.
 */
export function recallEpisodes(candidates: readonly Episode[], query: EpisodeQuery, now: number, opts: RecallOptions): RecalledEpisode[] {
  if (opts.k <= 0) return [];
  const pool = candidates.filter((e) => recallable(e, now));
  if (pool.length === 0) return [];
  const scales = featureScales(pool);
  const scored = pool.map((e) => ({
    e,
    same: query.regimeKey !== null && e.regimeKey === query.regimeKey,
    distance: featureDistance(e.features, query.features, scales),
  }));
  scored.sort(
    (a, b) =>
      Number(b.same) - Number(a.same) ||
      a.distance - b.distance ||
      Number(b.e.symbol === query.symbol) - Number(a.e.symbol === query.symbol) ||
      b.e.closedAt! - a.e.closedAt! ||
      (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0),
  );
  const ranked = scored.slice(0, opts.k).map(({ e, same, distance }): RecalledEpisode => ({
    for: query.symbol,
    symbol: e.symbol,
    closedAt: e.closedAt!,
    regimeKey: e.regimeKey,
    sameRegime: same,
    distance: Math.round(distance * 1000) / 1000,
    features: e.features,
    outcome: e.outcome!,
    reasoning: e.reasoning,
    reflection: e.reflection!,
  }));
  return fitted(ranked, opts.maxChars);
}

/**
 * Recall for several tickers at once: each query gets an equal share of `maxChars`, so the whole block
 * (the concatenated lists) stays within `maxChars` characters of JSON; at most `k` per ticker.
 */
export function recallForTickers(candidates: readonly Episode[], queries: readonly EpisodeQuery[], now: number, opts: RecallOptions): RecalledEpisode[] {
  if (queries.length === 0) return [];
  const share = Math.floor(opts.maxChars / queries.length);
  return queries.flatMap((q) => recallEpisodes(candidates, q, now, { k: opts.k, maxChars: share }));
}

/** The recalled block of a snapshot: one query per ticker, read from the decision timeframe as an entry reads it. */
export function recallForSnapshot(tickers: readonly TickerSnapshot[], tf: Timeframe, candidates: readonly Episode[], now: number, opts: RecallOptions): RecalledEpisode[] {
  return recallForTickers(
    candidates,
    tickers.map((t) => episodeQuery(t, tf)),
    now,
    opts,
  );
}

/**
 * Keeps a run's recall candidates as the gate loads them from D1: the newest `max` closed episodes. A
 * backtest closes positions in time order, so appending and dropping the oldest is the same set.
 */
export function rememberEpisode(list: Episode[], e: Episode, max: number): void {
  if (e.closedAt === null) return;
  const at = list.findIndex((x) => x.id === e.id);
  if (at >= 0) list.splice(at, 1);
  list.push(e);
  while (list.length > max) list.shift();
}
