/**
 * Market: candles per symbol (GET /api/candles) with a live bar from the feed's last price (GET /api/status),
 * entry/exit markers of the closed trades (GET /api/trades?symbol=) and the open positions (the book), price lines
 * for open positions' entry and stops, and the decision behind each marker (GET /api/decisions/:id) on hover/click.
 */
import { describeError, withQuery } from "../api.js";
import { candleChart } from "../charts.js";
import { $, badge, fmt, h, put, tone } from "../dom.js";
import { decisionView } from "../views.js";

const TF_MS = { "1m": 60_000, "15m": 900_000, "1h": 3_600_000, "4h": 14_400_000, "1d": 86_400_000 };

export function marketPanel(ctx) {
  const p = ctx.panel("p-candles");
  const container = $("#candle-chart");
  const tip = $("#marker-tip");
  const detail = $("#decision-detail");
  const list = $("#marker-list");
  const tabs = $("#symbol-tabs");
  const tfSelect = $("#timeframe");
  /** marker id → what it stands for */
  let info = new Map();
  let symbol = null;
  let picked = false;
  let lastBar = null; // the newest stored candle { time (s), close }
  let live = null; // the forming bar drawn from the feed's price

  const chart = candleChart(container, {
    onHover(id, point) {
      const m = id ? info.get(id) : null;
      if (!m || !point) {
        tip.hidden = true;
        return;
      }
      put(tip, h("strong", { text: m.title }), h("div", { text: m.summary }), h("div", { class: "muted", text: "click: the decision behind it" }));
      tip.style.left = `${Math.max(0, Math.min(point.x + 14, container.clientWidth - 240))}px`;
      tip.style.top = `${Math.max(0, point.y + 14)}px`;
      tip.hidden = false;
    },
    onClick(id) {
      const m = info.get(id);
      if (m) void showDetail(m);
    },
  });

  tfSelect.addEventListener("change", () => ctx.soon("candles", 0));

  function renderTabs() {
    put(
      tabs,
      ctx.state.symbols.map((s) =>
        h("button", {
          class: "tab",
          type: "button",
          role: "tab",
          "aria-selected": String(s === symbol),
          text: s,
          on: {
            click: () => {
              symbol = s;
              picked = true;
              ctx.soon("candles", 0);
            },
          },
        }),
      ),
    );
  }

  /** Marker time: the open of the bar that holds `t`, never past the newest bar drawn. */
  function barTime(t, tfMs) {
    const open = Math.floor(t / tfMs) * tfMs / 1000;
    const newest = live?.time ?? lastBar?.time ?? open;
    return Math.min(open, newest);
  }

  async function showDetail(m) {
    put(detail, h("h4", { text: m.title }), h("p", { class: "muted", text: m.summary }), m.decisionId ? h("p", { class: "muted", text: `loading decision ${m.decisionId}…` }) : null);
    if (!m.decisionId) return;
    try {
      const { decision } = await ctx.api.get(`/api/decisions/${encodeURIComponent(m.decisionId)}`);
      put(
        detail,
        h("h4", null, `${m.title} · decision `, h("code", { text: decision.id }), " ", badge(decision.status, decision.status === "executed" ? "good" : "")),
        m.extra ?? null,
        h("p", { class: "muted", text: `${fmt.time(decision.at)} · ${decision.kind}` }),
        decisionView(decision, m.symbol),
      );
    } catch (err) {
      put(detail, h("h4", { text: m.title }), m.extra ?? null, h("p", { class: "err", text: `the decision could not be read: ${describeError(err)}` }));
    }
  }
  ctx.showDecision = (decisionId, title, sym = null) => showDetail({ decisionId, title, summary: "", symbol: sym });

  async function load() {
    const symbols = ctx.state.symbols;
    if (!symbols.length) {
      p.notice("No symbols yet: the engine is not started (POST /api/engine/start).");
      return;
    }
    // Until a tab is clicked: the first symbol with an open position, else the first one.
    if (!picked || !symbols.includes(symbol)) symbol = ctx.state.book.find((b) => symbols.includes(b.symbol))?.symbol ?? symbols[0];
    renderTabs();
    const tf = tfSelect.value;
    const tfMs = TF_MS[tf];
    const [candles, trades] = await Promise.all([ctx.api.get(withQuery("/api/candles", { symbol, timeframe: tf, limit: 400 })), ctx.api.get(withQuery("/api/trades", { symbol, limit: 100 }))]);
    p.clear();
    const rows = candles.candles;
    chart.setCandles(rows, `${symbol}|${tf}`);
    const newest = rows.at(-1);
    lastBar = newest ? { time: Math.floor(newest[0] / 1000), close: newest[4] } : null;
    live = null;
    updateLive();
    if (!rows.length) p.notice(`No ${tf} candles of ${symbol} stored yet.`);

    info = new Map();
    const markers = [];
    const items = [];
    const first = rows.length ? rows[0][0] : 0;
    for (const t of trades.trades) {
      const entry = {
        kind: "entry",
        symbol,
        decisionId: t.decision_id,
        title: `Entry ${t.symbol} ${fmt.time(t.entry_at)}`,
        summary: `${t.side === "short" ? "sold short" : "bought"} ${fmt.qty(t.qty)} @ ${fmt.price(t.entry_price)} — ${t.entry_reason ?? t.agent}`,
      };
      const exit = {
        kind: "exit",
        symbol,
        decisionId: t.decision_id,
        title: `Exit ${t.symbol} ${fmt.time(t.exit_at)} (${t.exit_kind})`,
        summary: `${t.side === "short" ? "covered" : "sold"} @ ${fmt.price(t.exit_price)}, P&L ${fmt.signed(t.pnl)} (${fmt.signedPct(t.pnl_pct)})${t.funding ? `, funding ${fmt.signed(t.funding)}` : ""} — ${t.exit_reason ?? t.exit_kind}`,
        extra: h("p", null, h("span", { class: "muted", text: "Exit: " }), `${t.exit_kind}: ${t.exit_reason ?? ""} · P&L `, h("span", { class: tone(t.pnl), text: `${fmt.signed(t.pnl)} (${fmt.signedPct(t.pnl_pct)})` }), h("span", { class: "muted", text: " · the position was opened by:" })),
      };
      info.set(`entry:${t.id}`, entry);
      info.set(`exit:${t.id}`, exit);
      const short = t.side === "short";
      if (t.entry_at >= first)
        markers.push({ id: `entry:${t.id}`, time: barTime(t.entry_at, tfMs), position: short ? "aboveBar" : "belowBar", shape: short ? "arrowDown" : "arrowUp", color: short ? chart.colors.down : chart.colors.up, text: short ? "S" : "B" });
      if (t.exit_at >= first) markers.push({ id: `exit:${t.id}`, time: barTime(t.exit_at, tfMs), position: "aboveBar", shape: "arrowDown", color: t.pnl >= 0 ? chart.colors.up : chart.colors.down, text: fmt.signedPct(t.pnl_pct, 1) });
      items.push(
        h(
          "li",
          { dataset: { trade: t.id } },
          h(
            "button",
            { class: "row", type: "button", on: { click: () => void showDetail(entry) } },
            h("span", { class: "up", text: "▲ " }),
            `${fmt.time(t.entry_at)} ${fmt.qty(t.qty)} @ ${fmt.price(t.entry_price)} `,
            h("span", { class: t.pnl >= 0 ? "up" : "down", text: "▼ " }),
            `${fmt.time(t.exit_at)} @ ${fmt.price(t.exit_price)} `,
            h("span", { class: tone(t.pnl), text: `${fmt.signed(t.pnl)} (${fmt.signedPct(t.pnl_pct)})` }),
            h("span", { class: "muted", text: ` ${t.exit_kind}` }),
          ),
        ),
      );
    }
    const lines = [];
    for (const pos of ctx.state.book.filter((b) => b.symbol === symbol)) {
      const m = {
        kind: "open",
        symbol,
        decisionId: pos.decisionId,
        title: `Open ${pos.symbol} since ${fmt.time(pos.openedAt)}`,
        summary: pos.status === "open" ? `holding ${pos.side === "short" ? "short " : ""}${fmt.qty(pos.qty)} @ ${fmt.price(pos.entryPrice)} — ${pos.entryReason ?? ""}` : `entry pending — ${pos.entryReason ?? ""}`,
      };
      info.set(`open:${pos.id}`, m);
      if (pos.status === "open" && pos.openedAt >= first) markers.push({ id: `open:${pos.id}`, time: barTime(pos.openedAt, tfMs), position: "belowBar", shape: "arrowUp", color: chart.colors.open, text: "B" });
      if (pos.status === "open") {
        lines.push({ price: pos.entryPrice, color: chart.colors.info, lineStyle: chart.lineStyle.Dashed, title: "entry" });
        if (pos.stops) {
          lines.push({ price: pos.stops.hardStop, color: chart.colors.down, lineStyle: chart.lineStyle.Dotted, title: "hard stop" });
          if (pos.stops.trailingStop !== null) lines.push({ price: pos.stops.trailingStop, color: chart.colors.warn, lineStyle: chart.lineStyle.Dotted, title: "trailing stop" });
        }
        if (typeof pos.liquidationPrice === "number") lines.push({ price: pos.liquidationPrice, color: chart.colors.down, lineStyle: chart.lineStyle.Dashed, title: "liquidation" });
        if (pos.protectiveStop?.stopPrice) lines.push({ price: pos.protectiveStop.stopPrice, color: chart.colors.muted, lineStyle: chart.lineStyle.Dotted, title: "exchange stop" });
      }
      items.unshift(
        h(
          "li",
          { dataset: { position: pos.id } },
          h("button", { class: "row", type: "button", on: { click: () => void showDetail(m) } }, h("span", { class: "badge", text: pos.status === "open" ? "open" : "pending" }), ` ${m.summary}`),
        ),
      );
    }
    chart.setMarkers(markers);
    chart.setPriceLines(lines);
    put(list, items.length ? items : h("li", { class: "muted", text: `No trades of ${symbol} yet.` }));
  }

  /** The forming bar, from the feed's last price at engine time (GET /api/status every few seconds). */
  function updateLive() {
    const feed = ctx.state.status?.feeds?.find((f) => f.symbol === symbol);
    const now = ctx.state.status?.clock?.now;
    if (!feed || typeof feed.lastPrice !== "number" || !lastBar || typeof now !== "number") return;
    const tfMs = TF_MS[tfSelect.value];
    const time = Math.floor(now / tfMs) * (tfMs / 1000);
    if (time <= lastBar.time) return;
    const price = feed.lastPrice;
    live = live && live.time === time ? { ...live, high: Math.max(live.high, price), low: Math.min(live.low, price), close: price } : { time, open: lastBar.close, high: Math.max(lastBar.close, price), low: Math.min(lastBar.close, price), close: price };
    chart.update(live);
  }

  return { load, onStatus: updateLive, current: () => symbol };
}

