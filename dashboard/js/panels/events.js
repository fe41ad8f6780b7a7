/** The live event stream as it arrives (GET /ws/stream): a line per event, risk alerts also in a banner. */
import { $, badge, fmt, h, put } from "../dom.js";

const MAX = 150;

/** One line of text for an event's data. */
export function describeEvent(type, d) {
  switch (type) {
    case "feed.status":
      return `${d.symbol} ${d.event} (${d.status})${d.lastError ? ` — ${d.lastError}` : ""}`;
    case "gate.wake":
      return `${d.decisionId} opened by ${d.layer}: ${d.reason}`;
    case "decision.made":
      if (d.failed) return `${d.decisionId} by ${d.decider} failed: ${d.failed}`;
      return `${d.decisionId} by ${d.decider} (${d.trigger}): ${(d.decisions ?? []).map((t) => `${t.action} ${t.ticker}`).join(", ") || "no action"}`;
    case "order.filled":
      return `${d.symbol} ${d.side} ${fmt.qty(d.qty)} @ ${fmt.price(d.price)} (${d.clientOrderId})`;
    case "position.opened":
      return `${d.symbol} ${fmt.qty(d.qty)} @ ${fmt.price(d.entryPrice)} — ${d.reason ?? ""} (${d.positionId})`;
    case "position.closed":
      return `${d.symbol} ${d.exitKind} @ ${fmt.price(d.exitPrice)}: P&L ${fmt.signed(d.pnl)} (${fmt.signedPct(d.pnlPct)}) — ${d.exitReason}`;
    case "portfolio.update":
      return `${d.why}: equity ${fmt.num(d.equity)}, ${d.positions} open, ${d.tradingState}`;
    case "risk.alert":
      return `${d.kind ?? d.source ?? "alert"}${d.by ? ` by ${d.by}` : ""}: ${d.reason ?? ""}`;
    default:
      return fmt.json(d, 300);
  }
}

const TONE = { "position.opened": "good", "position.closed": "", "order.filled": "good", "risk.alert": "bad", "decision.made": "", "gate.wake": "warnb" };

export function eventsPanel() {
  const list = $("#events");
  const banner = $("#alert-banner");
  let empty = true;
  put(list, h("li", { class: "muted", text: "Waiting for events…" }));

  return {
    add(env) {
      // Marks arrive every few seconds: the equity chart and the header show them; the log keeps the rest.
      if (env.type === "portfolio.update" && env.data?.why === "periodic") return;
      if (empty) {
        list.replaceChildren();
        empty = false;
      }
      const text = describeEvent(env.type, env.data ?? {});
      list.prepend(h("li", { dataset: { type: env.type, seq: String(env.seq) } }, h("span", { class: "t", text: fmt.time(env.ts) }), badge(env.type, TONE[env.type] ?? ""), " ", text));
      while (list.childElementCount > MAX) list.lastElementChild.remove();
      if (env.type === "risk.alert") {
        put(banner, h("span", { class: "text", text: `${fmt.time(env.ts)} ${text}` }), h("button", { class: "btn small", type: "button", text: "Dismiss", on: { click: () => (banner.hidden = true) } }));
        banner.hidden = false;
      }
    },
  };
}
