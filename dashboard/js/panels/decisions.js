/**
 * Decisions (GET /api/decisions?kind=…): trigger, decider, each ticker's action with its reasoning, clamps,
 * outcome and cost; and the gate's "why not" (GET /api/gate): verdict counts by reason, the recent verdicts, its
 * state, and why the account refuses entries now.
 */
import { withQuery } from "../api.js";
import { $, bar, badge, fmt, h, kv, put } from "../dom.js";
import { actionsLine, decisionView } from "../views.js";

export function decisionsPanel(ctx) {
  const p = ctx.panel("p-decisions");
  const body = $("#decisions");
  const kind = $("#decision-kind");
  const open = new Set();
  kind.addEventListener("change", () => ctx.soon("decisions", 0));

  async function load() {
    const { decisions } = await ctx.api.get(withQuery("/api/decisions", { kind: kind.value, limit: 25 }));
    p.clear();
    ctx.state.decisions = decisions;
    if (!decisions.length) {
      put(body, h("p", { class: "notice", text: "No decisions yet: the gate has not opened." }));
      return;
    }
    put(
      body,
      decisions.map((d) => {
        const el = h(
          "details",
          { class: "decision", open: open.has(d.id), dataset: { decision: d.id } },
          h(
            "summary",
            null,
            h("span", { class: "muted", text: fmt.time(d.at) }),
            h("code", { text: d.id }),
            badge(d.kind === "review" ? "review" : d.trigger_layer),
            h("span", { text: actionsLine(d) }),
            badge(d.status, d.status === "executed" ? "good" : d.status === "failed" ? "bad" : ""),
            h("span", { class: "muted", text: d.decider }),
          ),
          decisionView(d),
        );
        el.addEventListener("toggle", () => (el.open ? open.add(d.id) : open.delete(d.id)));
        return el;
      }),
    );
  }

  return { load };
}

const TONE = { open: "good", held: "warnb", skip: "" };

export function gatePanel(ctx) {
  const p = ctx.panel("p-gate");
  const body = $("#gate");

  async function load() {
    const g = await ctx.api.get(withQuery("/api/gate", { opened: "true", limit: 4 }));
    p.clear();
    if (!g.configured) {
      put(body, h("p", { class: "notice", text: "The gate is not configured: the engine is not started." }));
      return;
    }
    const counts = Object.entries(g.counts ?? {}).sort((a, b) => b[1] - a[1]);
    const total = counts.reduce((s, [, n]) => s + n, 0);
    const max = counts[0]?.[1] ?? 1;
    const refused = ctx.state.status?.account?.entriesRefused ?? ctx.state.controls?.entriesRefused ?? null;
    const st = g.state ?? {};
    put(
      body,
      refused ? h("p", { class: "err", text: `Entries refused: ${refused}` }) : null,
      kv([
        ["Decisions", String(g.decisions ?? "—")],
        ["In flight", st.inFlight ? fmt.json(st.inFlight, 120) : "none"],
        ["Next check", fmt.time(st.nextCheckAt)],
        ["Wake conditions", Array.isArray(st.wakeConditions) && st.wakeConditions.length ? st.wakeConditions.map((w) => `${w.symbol} ${w.metric} ${w.operator} ${w.threshold}: ${w.reason}`).join("; ") : "none"],
        ["Timeframe", g.decisionTimeframe ?? null],
      ]),
      h("h3", { text: `Verdicts (${total})` }),
      counts.length
        ? counts.slice(0, 8).map(([reason, n]) => {
            const [verdict, ...rest] = reason.split(":");
            return h("div", { class: "count-row" }, h("span", null, badge(verdict, TONE[verdict] ?? ""), " ", rest.join(":").trim()), h("span", { class: "num", text: String(n) }), bar(n / max));
          })
        : h("p", { class: "muted", text: "No verdicts yet." }),
      counts.length > 8 ? h("p", { class: "muted", text: `${counts.length - 8} more reasons (${counts.slice(8).reduce((s, [, n]) => s + n, 0)} verdicts)` }) : null,
      h("h3", { text: "Recent verdicts" }),
      h(
        "ul",
        { class: "rows" },
        (g.recent ?? []).length
          ? g.recent.slice(0, 4).map((r) => h("li", null, badge(r.open ? "open" : r.suppressed ? "held" : "skip", r.open ? "good" : "warnb"), " ", h("span", { class: "muted", text: `${fmt.time(r.at)} ${r.layer}: ` }), r.reason, r.decisionId ? h("code", { text: ` ${r.decisionId}` }) : null))
          : h("li", { class: "muted", text: "none" }),
      ),
      h("h3", { text: "Openings (D1)" }),
      h(
        "ul",
        { class: "rows" },
        (g.events ?? []).length ? g.events.map((e) => h("li", null, h("span", { class: "muted", text: `${fmt.time(e.at)} ${e.layer}: ` }), e.reason, e.decision_id ? h("code", { text: ` ${e.decision_id}` }) : null)) : h("li", { class: "muted", text: "none" }),
      ),
    );
  }

  return { load };
}
