/** Views shared by panels: a decision (or a position review) with its reasoning, clamps and outcome. */
import { badge, fmt, h, kv } from "./dom.js";

function tradeDecision(td) {
  return h(
    "div",
    { class: "td" },
    h("div", null, badge(td.action), " ", h("strong", { text: td.ticker }), h("span", { class: "muted", text: ` confidence ${fmt.num(td.confidence, 2)} · size ${fmt.pct(td.position_pct, 1)}` })),
    h("p", { class: "reasoning", text: td.reasoning || "(no reasoning given)" }),
  );
}

function listOf(items, render) {
  if (!Array.isArray(items) || items.length === 0) return h("span", { class: "muted", text: "none" });
  return h("ul", { class: "rows" }, items.map((x) => h("li", null, render(x))));
}

const outcomeText = (o) => (o && typeof o === "object" && "ticker" in o ? `${o.ticker} ${o.action ?? ""}: ${o.accepted === false ? "refused" : "accepted"}${o.detail ? ` — ${o.detail}` : ""}` : fmt.json(o));

/**
 * One decision of GET /api/decisions (or /:id): trigger, decider, per-ticker action with its reasoning, the market
 * assessment, clamps, outcome and cost. With `symbol`, that ticker's decision comes first.
 */
export function decisionView(d, symbol = null) {
  const body = d.decision;
  const parts = [];
  if (body && Array.isArray(body.decisions)) {
    const tds = [...body.decisions].sort((a, b) => (a.ticker === symbol ? -1 : b.ticker === symbol ? 1 : 0));
    parts.push(tds.length ? tds.map(tradeDecision) : h("p", { class: "muted", text: "no ticker decisions" }));
    if (body.market_assessment) parts.push(h("p", null, h("span", { class: "muted", text: "Market: " }), body.market_assessment));
  } else if (body && typeof body === "object" && "action" in body) {
    parts.push(h("div", null, badge(String(body.action)), h("span", { class: "muted", text: ` review · confidence ${fmt.num(body.confidence, 2)}` })), h("p", { class: "reasoning", text: body.reasoning ?? body.reason ?? "" }));
  }
  if (d.error) parts.push(h("p", { class: "err", text: `failed: ${d.error}` }));
  const clamps = Array.isArray(d.clamps) ? d.clamps : d.clamps ? [d.clamps] : [];
  const outcome = Array.isArray(d.outcome) ? d.outcome : d.outcome ? [d.outcome] : [];
  parts.push(
    kv([
      ["Trigger", `${d.trigger_layer ?? "—"}: ${d.trigger_reason ?? ""}`],
      ["Decider", [d.decider, d.model ? ` · ${d.model}` : "", d.prompt_version ? ` · ${d.prompt_version}` : ""].join("")],
      ["Clamps", listOf(clamps, (c) => (typeof c === "string" ? c : fmt.json(c)))],
      ["Outcome", listOf(outcome, outcomeText)],
      ["Cost", d.cost_usd ? `${fmt.num(d.cost_usd, 4)} USD · ${d.input_tokens ?? 0} in / ${d.output_tokens ?? 0} out tokens${d.latency_ms ? ` · ${d.latency_ms} ms` : ""}` : null],
    ]),
  );
  return parts;
}

/** One-line summary of a decision's actions: "BUY BTC/USDT 20% · HOLD ETH/USDT". */
export function actionsLine(d) {
  const body = d.decision;
  if (body && Array.isArray(body.decisions)) return body.decisions.map((t) => `${t.action} ${t.ticker}${t.action === "BUY" ? ` ${fmt.pct(t.position_pct, 0)}` : ""}`).join(" · ") || "no action";
  if (body && typeof body === "object" && "action" in body) return `${body.action}`;
  return d.error ? "failed" : "—";
}
