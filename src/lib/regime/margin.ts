/** Clamps to [0, 1]: how far an input sits past its threshold, as a share of the room it had. */
export function clamp01(x: number): number {
  return x <= 0 || Number.isNaN(x) ? 0 : x >= 1 ? 1 : x;
}
