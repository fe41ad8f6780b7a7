export interface TimeTick {
  t: number;
  label: string;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

type Unit = { kind: "ms"; step: number } | { kind: "month"; step: number };

/** Candidate spacings, shortest first; months and years follow the calendar rather than a fixed length. */
const UNITS: Unit[] = [
  ...[1, 5, 15, 30].map((m) => ({ kind: "ms" as const, step: m * MIN })),
  ...[1, 2, 3, 6, 12].map((h) => ({ kind: "ms" as const, step: h * HOUR })),
  ...[1, 2, 7, 14].map((d) => ({ kind: "ms" as const, step: d * DAY })),
  ...[1, 2, 3, 6, 12, 24, 60, 120].map((m) => ({ kind: "month" as const, step: m })),
];

// Jan 1 1970 was a Thursday; weekly ticks fall on Mondays.
const WEEK_OFFSET = 4 * DAY;

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function label(t: number, unit: Unit): string {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  if (unit.kind === "month") return unit.step % 12 === 0 ? String(y) : `${MONTHS[mo]} ${y}`;
  const date = `${y}-${pad(mo + 1)}-${pad(d.getUTCDate())}`;
  return unit.step >= DAY ? date : `${pad(mo + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

function generate(t0: number, t1: number, unit: Unit): number[] {
  const out: number[] = [];
  if (unit.kind === "ms") {
    const offset = unit.step === 7 * DAY || unit.step === 14 * DAY ? WEEK_OFFSET : 0;
    for (let t = Math.ceil((t0 - offset) / unit.step) * unit.step + offset; t <= t1; t += unit.step) out.push(t);
    return out;
  }
  const start = new Date(t0);
  let m = start.getUTCFullYear() * 12 + start.getUTCMonth();
  m = Math.ceil(m / unit.step) * unit.step;
  for (; ; m += unit.step) {
    const t = Date.UTC(Math.floor(m / 12), m % 12, 1);
    if (t > t1) break;
    if (t >= t0) out.push(t);
  }
  return out;
}

/** UTC date ticks for [t0, t1], at most `maxTicks` of them, on round calendar boundaries. */
export function timeTicks(t0: number, t1: number, maxTicks: number): TimeTick[] {
  if (!(t1 > t0) || maxTicks < 1) return [];
  for (const unit of UNITS) {
    const approx = unit.kind === "ms" ? (t1 - t0) / unit.step : (t1 - t0) / (unit.step * 30.44 * DAY);
    if (approx > maxTicks + 1) continue;
    const ts = generate(t0, t1, unit);
    if (ts.length <= maxTicks) return ts.map((t) => ({ t, label: label(t, unit) }));
  }
  return [];
}
