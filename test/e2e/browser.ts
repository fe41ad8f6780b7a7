import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/**
 * Headless Chromium for the e2e browser tests: Debian's `chromium` package (/usr/bin/chromium; `.ci/run` installs it)
 * or CHROMIUM_PATH, driven by playwright-core (which brings no browser of its own).
 */
// The page's globals, for the callbacks page.evaluate runs in the browser (the Node typecheck has no DOM lib).
declare const document: any;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's package (sudo apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
  // Chromium's sandbox refuses to start as root (containers, CI); elsewhere it stays on.
  const args = process.getuid?.() === 0 ? ["--no-sandbox"] : [];
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
}

export interface ConsoleProblem {
  kind: "console" | "pageerror";
  text: string;
  url: string;
}

/**
 * A page that records every console error and uncaught exception. `allow(pattern)` accepts the ones a test
 * provokes on purpose (Chromium logs every 4xx response as "Failed to load resource"); `problems()` lists the rest.
 */
export async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: () => ConsoleProblem[]; allow: (p: RegExp) => void }> {
  const page = await context.newPage();
  const seen: ConsoleProblem[] = [];
  const allowed: RegExp[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") seen.push({ kind: "console", text: m.text(), url: m.location().url });
  });
  page.on("pageerror", (e) => seen.push({ kind: "pageerror", text: `${e.message}\n${e.stack ?? ""}`, url: page.url() }));
  return {
    page,
    problems: () => seen.filter((p) => !allowed.some((a) => a.test(`${p.text} ${p.url}`))),
    allow: (p) => allowed.push(p),
  };
}

/** Pixels of each colour (±tolerance per channel) on the chart's pane canvases (the wide ones: not the axes). */
export async function canvasColorCounts<K extends string>(
  page: Page,
  container: string,
  colors: Record<K, [number, number, number]>,
  tolerance = 24,
): Promise<Record<K, number> & { canvases: number }> {
  return page.evaluate(
    ({ container, colors, tolerance }) => {
      const root = document.querySelector(container);
      if (!root) throw new Error(`no ${container}`);
      const width = root.getBoundingClientRect().width;
      const counts: Record<string, number> = Object.fromEntries(Object.keys(colors).map((k) => [k, 0]));
      let canvases = 0;
      for (const canvas of root.querySelectorAll("canvas")) {
        if (canvas.getBoundingClientRect().width < width * 0.5 || canvas.width === 0 || canvas.height === 0) continue;
        canvases++;
        const data: Uint8ClampedArray = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! < 128) continue;
          for (const [name, [r, g, b]] of Object.entries(colors)) {
            if (Math.abs(data[i]! - r) <= tolerance && Math.abs(data[i + 1]! - g) <= tolerance && Math.abs(data[i + 2]! - b) <= tolerance) counts[name]!++;
          }
        }
      }
      return { ...counts, canvases };
    },
    { container, colors: colors as Record<string, [number, number, number]>, tolerance },
  ) as Promise<Record<K, number> & { canvases: number }>;
}

/**
 * Where on the page a chart marker of `color` is (the tip of its arrow, in CSS pixels), found in the pixels of the
 * chart's pane canvas; null when no pixel has that colour.
 */
export async function markerPoint(page: Page, container: string, color: [number, number, number], tolerance = 16): Promise<{ x: number; y: number } | null> {
  return page.evaluate(
    ({ container, color, tolerance }) => {
      const root = document.querySelector(container);
      const width = root.getBoundingClientRect().width;
      for (const canvas of root.querySelectorAll("canvas")) {
        const r = canvas.getBoundingClientRect();
        if (r.width < width * 0.5 || canvas.width === 0) continue;
        const { data, width: cw, height: ch } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
        const hits: [number, number][] = [];
        for (let y = 0; y < ch; y++) {
          for (let x = 0; x < cw; x++) {
            const i = (y * cw + x) * 4;
            if (data[i + 3] > 128 && Math.abs(data[i] - color[0]) <= tolerance && Math.abs(data[i + 1] - color[1]) <= tolerance && Math.abs(data[i + 2] - color[2]) <= tolerance) hits.push([x, y]);
          }
        }
        if (!hits.length) continue;
        // The arrow sits above its text ("belowBar"): aim a few pixels under its top, at the middle of those rows.
        const top = Math.min(...hits.map(([, y]) => y));
        const row = hits.filter(([, y]) => y <= top + 5).map(([x]) => x);
        const x = (Math.min(...row) + Math.max(...row)) / 2;
        return { x: r.left + (x * r.width) / cw, y: r.top + ((top + 4) * r.height) / ch };
      }
      return null;
    },
    { container, color, tolerance },
  );
}
