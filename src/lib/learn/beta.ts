import type { Rng } from "../util/rng";

/** Uniform in (0, 1]: never 0, so its logarithm is finite. */
function openUniform(rng: Rng): number {
  return 1 - rng.next();
}

/** A standard normal draw (Box–Muller, one of the pair). */
export function sampleNormal(rng: Rng): number {
  const u1 = openUniform(rng);
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * The logarithm of a Gamma(shape, 1) draw. Marsaglia–Tsang (2000) for shape ≥ 1; for shape < 1 the
 * boost Gamma(shape) = Gamma(shape + 1) · U^(1/shape), kept in log space so a tiny shape cannot
 * underflow to 0.
 */
export function sampleLogGamma(shape: number, rng: Rng): number {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gamma shape must be a positive number, got ${shape}`);
  if (shape < 1) return sampleLogGamma(shape + 1, rng) + Math.log(openUniform(rng)) / shape;
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = sampleNormal(rng);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = openUniform(rng);
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return Math.log(d * v);
  }
}

/** A Gamma(shape, 1) draw. */
export function sampleGamma(shape: number, rng: Rng): number {
  return Math.exp(sampleLogGamma(shape, rng));
}

/** A Beta(alpha, beta) draw as X / (X + Y), X ~ Gamma(alpha), Y ~ Gamma(beta), computed from the logs. */
export function sampleBeta(alpha: number, beta: number, rng: Rng): number {
  const lx = sampleLogGamma(alpha, rng);
  const ly = sampleLogGamma(beta, rng);
  return 1 / (1 + Math.exp(ly - lx));
}
