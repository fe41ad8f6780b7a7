/**
 * Charts with TradingView's lightweight-charts (Apache-2.0), its standalone ES module build copied into
 * dashboard/vendor/ by `node scripts/build-dashboard.mjs` (wrangler's [build] command). Times are epoch ms in the
 * API and seconds in the charts.
 */
import { AreaSeries, CandlestickSeries, LineSeries, LineStyle, createChart, createSeriesMarkers } from "../vendor/lightweight-charts.standalone.production.mjs";

const COLORS = { up: "#3ecf8e", down: "#f0616d", warn: "#f2b84b", info: "#5aa9ff", open: "#c084fc", muted: "#8a96a6", grid: "#1c2530", text: "#9aa4b2" };

const BASE = {
  autoSize: true,
  // The attribution logo injects a <style> element, which the dashboard's CSP (dashboard/_headers: style-src 'self')
  // refuses; the page carries TradingView's attribution notice and link in its footer instead (index.html).
  layout: { background: { color: "transparent" }, textColor: COLORS.text, fontSize: 11, attributionLogo: false, panes: { separatorColor: "#232d3a" } },
  grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
  rightPriceScale: { borderColor: "#232d3a" },
  timeScale: { borderColor: "#232d3a", timeVisible: true, secondsVisible: false, rightOffset: 4 },
  crosshair: { mode: 0 },
};

export const sec = (ms) => Math.floor(ms / 1000);

/** Points with strictly increasing times (seconds), the last value of a second kept. */
function ascending(points) {
  const out = [];
  for (const p of points) {
    if (out.length && out[out.length - 1].time === p.time) out[out.length - 1] = p;
    else if (!out.length || out[out.length - 1].time < p.time) out.push(p);
  }
  return out;
}

/**
 * Candles of one symbol with entry/exit markers (ids are the caller's: hover and click report them) and price
 * lines (open positions' entry and stops).
 */
export function candleChart(container, { onHover, onClick }) {
  const chart = createChart(container, BASE);
  const series = chart.addSeries(CandlestickSeries, { upColor: COLORS.up, downColor: COLORS.down, wickUpColor: COLORS.up, wickDownColor: COLORS.down, borderVisible: false });
  const markers = createSeriesMarkers(series, []);
  let lines = [];
  let shown = "";
  chart.subscribeCrosshairMove((p) => onHover(typeof p.hoveredObjectId === "string" ? p.hoveredObjectId : null, p.point ?? null));
  chart.subscribeClick((p) => {
    if (typeof p.hoveredObjectId === "string") onClick(p.hoveredObjectId);
  });
  return {
    /** rows: [t, o, h, l, c, v] oldest first; `key` (symbol and timeframe) refits the view when it changes. */
    setCandles(rows, key) {
      series.setData(ascending(rows.map(([t, o, h, l, c]) => ({ time: sec(t), open: o, high: h, low: l, close: c }))));
      if (key !== shown) {
        shown = key;
        chart.timeScale().fitContent();
      }
    },
    /** The forming bar ({time (s), open, high, low, close}), newer than or the same as the last one drawn. */
    update(bar) {
      series.update(bar);
    },
    setMarkers(list) {
      markers.setMarkers([...list].sort((a, b) => a.time - b.time));
    },
    setPriceLines(list) {
      for (const l of lines) series.removePriceLine(l);
      lines = list.map((l) => series.createPriceLine({ lineWidth: 1, axisLabelVisible: true, ...l }));
    },
    colors: COLORS,
    lineStyle: LineStyle,
  };
}

/** Equity (line) over its drawdown from the running peak (area, second pane). */
export function equityChart(container) {
  const chart = createChart(container, { ...BASE, rightPriceScale: { ...BASE.rightPriceScale, scaleMargins: { top: 0.1, bottom: 0.1 } } });
  const equity = chart.addSeries(LineSeries, { color: COLORS.info, lineWidth: 2, priceLineVisible: false });
  const drawdown = chart.addSeries(AreaSeries, { lineColor: COLORS.down, topColor: "rgba(240,97,109,0.05)", bottomColor: "rgba(240,97,109,0.35)", lineWidth: 1, priceFormat: { type: "percent" }, priceLineVisible: false, invertFilledArea: true }, 1);
  let peak = 0;
  let last = 0;
  let loaded = 0;
  let added = 0;
  return {
    /** points: [{t (ms), equity}] oldest first. */
    setData(points) {
      const eq = ascending(points.map((p) => ({ time: sec(p.t), value: p.equity })));
      peak = 0;
      const dd = eq.map((p) => {
        peak = Math.max(peak, p.value);
        return { time: p.time, value: peak > 0 ? (p.value / peak - 1) * 100 : 0 };
      });
      equity.setData(eq);
      drawdown.setData(dd);
      // The drawdown pane takes a quarter of the height (set once the chart has its size).
      const panes = chart.panes();
      if (panes.length > 1 && container.clientHeight > 0) panes[1].setHeight(Math.round(container.clientHeight * 0.28));
      last = eq.length ? eq[eq.length - 1].time : 0;
      loaded = eq.length;
      added = 0;
      chart.timeScale().fitContent();
    },
    /** One live point (a portfolio.update); older than the last one drawn: ignored. */
    add(t, value) {
      const time = sec(t);
      if (time < last) return;
      last = time;
      peak = Math.max(peak, value);
      equity.update({ time, value });
      drawdown.update({ time, value: peak > 0 ? (value / peak - 1) * 100 : 0 });
      // A short curve is refitted as it grows; a long one keeps the view the user scrolled to.
      if (++added + loaded < 300) chart.timeScale().fitContent();
    },
  };
}

/** A backtest's equity curve. */
export function lineChart(container) {
  const chart = createChart(container, BASE);
  const line = chart.addSeries(LineSeries, { color: COLORS.up, lineWidth: 2, priceLineVisible: false });
  return {
    setData(points) {
      line.setData(ascending(points.map((p) => ({ time: sec(p.t), value: p.equity }))));
      chart.timeScale().fitContent();
    },
  };
}
