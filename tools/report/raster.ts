export type Rgb = readonly [number, number, number];

export function hexToRgb(hex: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

/** Opaque RGBA canvas with the few primitives the PNG chart needs. */
export class Raster {
  readonly data: Uint8Array;
  /** Per-pixel coverage of the stroke being drawn, so a polyline's overlapping segments do not darken their joints. */
  private mask: Float32Array | null = null;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.data = new Uint8Array(width * height * 4);
    for (let i = 0; i < this.data.length; i += 4) {
      this.data[i] = background[0];
      this.data[i + 1] = background[1];
      this.data[i + 2] = background[2];
      this.data[i + 3] = 255;
    }
  }

  /** Composites `color` at `alpha` (0–1) over pixel (x, y); pixels outside the canvas are ignored. */
  blend(x: number, y: number, color: Rgb, alpha = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return;
    const i = (y * this.width + x) * 4;
    const a = Math.min(1, alpha);
    const d = this.data;
    d[i] = Math.round(d[i]! + (color[0] - d[i]!) * a);
    d[i + 1] = Math.round(d[i + 1]! + (color[1] - d[i + 1]!) * a);
    d[i + 2] = Math.round(d[i + 2]! + (color[2] - d[i + 2]!) * a);
  }

  pixel(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 4;
    return [this.data[i]!, this.data[i + 1]!, this.data[i + 2]!];
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) for (let xx = Math.max(0, x); xx < Math.min(this.width, x + w); xx++) this.blend(xx, yy, color, alpha);
  }

  /** Bresenham line between integer pixels: crisp 1-px axes, gridlines and ticks. */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, alpha = 1): void {
    x0 = Math.round(x0);
    y0 = Math.round(y0);
    x1 = Math.round(x1);
    y1 = Math.round(y1);
    const dx = Math.abs(x1 - x0);
    const dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1;
    const sy = y0 < y1 ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      this.blend(x0, y0, color, alpha);
      if (x0 === x1 && y0 === y1) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y0 += sy;
      }
    }
  }

  /**
   * Anti-aliased polyline of the given width in pixel coordinates (pixel (i, j) covers [i, i+1) × [j, j+1)).
   * Coverage is 1 within width/2 of the centre line and falls off linearly over the next pixel; a pixel
   * takes its highest coverage over all segments, then the stroke is composited once.
   */
  polyline(points: readonly { x: number; y: number }[], color: Rgb, width = 1): void {
    if (points.length === 0) return;
    const mask = (this.mask ??= new Float32Array(this.width * this.height));
    const hw = width / 2;
    const reach = hw + 1;
    let minX = this.width;
    let maxX = -1;
    let minY = this.height;
    let maxY = -1;
    const segs = points.length === 1 ? [[points[0]!, points[0]!] as const] : points.slice(1).map((p, i) => [points[i]!, p] as const);
    for (const [a, b] of segs) {
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const len2 = dx * dx + dy * dy;
      const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - reach));
      const x1 = Math.min(this.width - 1, Math.ceil(Math.max(a.x, b.x) + reach));
      for (let px = x0; px <= x1; px++) {
        // Rows this column can reach: the segment's y over the columns within `reach`, widened by `reach`.
        let ya: number;
        let yb: number;
        if (dx === 0) {
          ya = a.y;
          yb = b.y;
        } else {
          const ta = Math.min(1, Math.max(0, (px + 0.5 - reach - a.x) / dx));
          const tb = Math.min(1, Math.max(0, (px + 0.5 + reach - a.x) / dx));
          ya = a.y + ta * dy;
          yb = a.y + tb * dy;
        }
        const y0 = Math.max(0, Math.floor(Math.min(ya, yb) - reach));
        const y1 = Math.min(this.height - 1, Math.ceil(Math.max(ya, yb) + reach));
        const cx = px + 0.5;
        for (let py = y0; py <= y1; py++) {
          const cy = py + 0.5;
          const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((cx - a.x) * dx + (cy - a.y) * dy) / len2));
          const ex = cx - (a.x + t * dx);
          const ey = cy - (a.y + t * dy);
          const cov = Math.min(1, hw + 0.5 - Math.sqrt(ex * ex + ey * ey));
          if (cov <= 0) continue;
          const k = py * this.width + px;
          if (cov > mask[k]!) mask[k] = cov;
          if (px < minX) minX = px;
          if (px > maxX) maxX = px;
          if (py < minY) minY = py;
          if (py > maxY) maxY = py;
        }
      }
    }
    for (let py = minY; py <= maxY; py++)
      for (let px = minX; px <= maxX; px++) {
        const k = py * this.width + px;
        const cov = mask[k]!;
        if (cov > 0) {
          this.blend(px, py, color, cov);
          mask[k] = 0;
        }
      }
  }

  /**
   * Fills from row `baseY` down to the curve: in each pixel column the fill reaches the lowest point the
   * polyline has in that column, so narrow spikes stay visible. The last row is partly covered.
   */
  fillDownTo(points: readonly { x: number; y: number }[], baseY: number, color: Rgb, alpha: number): void {
    const deepest = new Float64Array(this.width).fill(NaN);
    const note = (px: number, y: number) => {
      if (px >= 0 && px < this.width && !(y <= deepest[px]!)) deepest[px] = y;
    };
    for (let i = 0; i < points.length; i++) {
      const a = points[i]!;
      const b = points[i + 1] ?? a;
      const [l, r] = a.x <= b.x ? [a, b] : [b, a];
      for (let px = Math.floor(l.x); px <= Math.floor(r.x); px++) {
        // The segment's highest y (lowest on screen) within this column is at one of the clipped ends.
        const lo = Math.max(px, l.x);
        const hi = Math.min(px + 1, r.x);
        const yAt = (x: number) => (r.x === l.x ? Math.max(l.y, r.y) : l.y + ((x - l.x) / (r.x - l.x)) * (r.y - l.y));
        note(px, Math.max(yAt(lo), yAt(hi)));
      }
    }
    for (let px = 0; px < this.width; px++) {
      const y = deepest[px]!;
      if (Number.isNaN(y) || y <= baseY) continue;
      const full = Math.floor(y);
      for (let py = Math.ceil(baseY); py < full; py++) this.blend(px, py, color, alpha);
      this.blend(px, full, color, alpha * (y - full));
    }
  }
}
