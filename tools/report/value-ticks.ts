export interface ValueTick {
  value: number;
  label: string;
}

/** The 1-2-5 step that gives closest to `target` intervals over `span`. */
function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  // Thresholds at the geometric midpoints between 1, 2, 5 and 10 pick the closest step.
  return (f < Math.SQRT2 ? 1 : f < Math.sqrt(10) ? 2 : f < Math.sqrt(50) ? 5 : 10) * mag;
}

function decimalsFor(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/**
 * Round-valued ticks inside [min, max]. `format` "compact" writes 12.5k / 1.2M, "percent" takes fractions
 * (−0.1 → "-10%"). Decimals follow the step so neighbouring labels never read the same.
 */
export function valueTicks(min: number, max: number, target: number, format: "compact" | "percent"): ValueTick[] {
  if (!(max > min)) return [];
  const step = niceStep(max - min, target);
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const ticks: ValueTick[] = [];
  for (let i = first; i <= last; i++) {
    // i * step rather than repeated addition keeps 0.1-steps free of drift.
    const value = i * step;
    ticks.push({ value, label: format === "percent" ? formatPercent(value, step) : formatCompact(value, step, Math.max(Math.abs(min), Math.abs(max))) });
  }
  return ticks;
}

function formatPercent(value: number, step: number): string {
  const v = value * 100;
  return `${fixed(v, decimalsFor(step * 100))}%`;
}

function formatCompact(value: number, step: number, scale: number): string {
  const [div, suffix] = scale >= 1e9 ? [1e9, "B"] : scale >= 1e6 ? [1e6, "M"] : scale >= 1e4 ? [1e3, "k"] : [1, ""];
  return `${fixed(value / div, decimalsFor(step / div))}${suffix}`;
}

function fixed(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}
