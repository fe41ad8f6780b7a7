/** Numbers as the reasons print them: a fraction as a percentage, or a plain number. */
export const pct = (fraction: number, digits = 2): string => `${(fraction * 100).toFixed(digits)}%`;
export const num = (x: number, digits = 2): string => x.toFixed(digits);
