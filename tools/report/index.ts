export { renderChartHtml, writeChartHtml } from "./chart-html";
export { layoutChart, type ChartModel } from "./chart-layout";
export { renderChartPng, renderChartRaster, writeChartPng, type PngChartOptions } from "./chart-png";
export { renderChartSvg, type SvgChartOptions } from "./chart-svg";
export { equityToCsv, toCsv, tradesToCsv, writeEquityCsv, writeTradesCsv, type CsvValue } from "./csv";
export { downsampleMinMax } from "./downsample";
export { computeDrawdown } from "./drawdown";
export { createProgress, type Progress, type ProgressOptions, type ProgressStream } from "./progress";
export type { BenchmarkSeries, ChartInput, EquityPoint, EquityRecord, Metric, TradeRecord } from "./types";
