/**
 * What the engine thinks: each symbol's regime (GET /api/regime); the agents' votes of the latest rule decision
 * (its `signal_weights`), the learner's posteriors per regime and its weights (GET /api/learner/status,
 * /api/learner/weights?regime=), the strategies' latest signals (GET /api/signals); Claude's spend, cache share
 * and circuit breaker (GET /api/llm/usage).
 */
import { withQuery } from "../api.js";
import { $, bar, badge, fmt, h, kv, put, table } from "../dom.js";

export function regimePanel(ctx) {
  const p = ctx.panel("p-regime");
  const body = $("#regime");

  async function load() {
    const r = await ctx.api.get("/api/regime");
    p.clear();
    ctx.state.regime = r;
    if (!r.tickers.length) {
      put(body, h("p", { class: "notice", text: "No tickers configured." }));
      return;
    }
    put(
      body,
      h(
        "div",
        { class: "cards" },
        r.tickers.map((t) => {
          const g = t.regime;
          if (!g) return h("div", { class: "card2" }, h("strong", { text: t.symbol }), h("p", { class: "muted", text: t.error ?? "no regime yet (not enough daily candles)" }));
          return h(
            "div",
            { class: "card2", dataset: { symbol: t.symbol } },
            h("strong", { text: t.symbol }),
            " ",
            badge(g.trend, g.trend === "trending" || g.trend === "trending_up" ? "good" : g.trend === "trending_down" ? "bad" : "warnb"),
            kv([
              ["Volatility", String(g.volatility ?? "—")],
              ["HMM state", g.hmmState === null || g.hmmState === undefined ? "—" : `${g.hmmState} of ${g.hmmStates}`],
              ["Macro", String(g.macro ?? "—")],
              ["Confidence", fmt.pct(g.confidence, 0)],
              ["Learner key", String(g.learnerKey ?? "—")],
              ["Exposure", `× ${fmt.num(g.exposureScale, 2)}`],
              ["As of", fmt.time(g.at)],
            ]),
          );
        }),
      ),
    );
  }

  return { load };
}

export function agentsPanel(ctx) {
  const p = ctx.panel("p-agents");
  const body = $("#agents");
  let regime = "";

  async function load() {
    const [learner, signals] = await Promise.all([ctx.api.get("/api/learner/status"), ctx.api.get(withQuery("/api/signals", { limit: 12 }))]);
    const regimes = Object.keys(learner.regimes ?? {});
    const current = (ctx.state.regime?.tickers ?? []).map((t) => t.regime?.learnerKey).filter(Boolean);
    const choices = [...new Set([...current, ...regimes])];
    if (regime && !choices.includes(regime)) regime = "";
    const weights = await ctx.api.get(withQuery("/api/learner/weights", { regime: regime || undefined }));
    p.clear();

    // The agents' votes: the latest rule decision's per-ticker signal weights (scores in [−1, 1]).
    const latest = (ctx.state.decisions ?? []).find((d) => d.kind === "decision" && Array.isArray(d.decision?.decisions) && d.decision.decisions.some((t) => t.signal_weights && Object.keys(t.signal_weights).length));
    const votes = latest
      ? latest.decision.decisions.map((t) =>
          h(
            "div",
            { class: "vote" },
            h("strong", { text: `${t.ticker} ` }),
            badge(t.action),
            Object.entries(t.signal_weights ?? {}).map(([agent, s]) => h("div", { class: "count-row" }, h("span", { text: agent }), h("span", { class: "num", text: fmt.signed(s, 2) }), bar(s, { centered: true }))),
          ),
        )
      : h("p", { class: "muted", text: "No rule decision with agent votes yet." });

    const agents = Object.keys(learner.global ?? {});
    const cols = ["global", ...regimes];
    const mean = (post) => (post ? h("span", { title: `α ${fmt.num(post.alpha, 2)} β ${fmt.num(post.beta, 2)} (${post.source ?? ""})`, text: fmt.num(post.mean, 2) }) : "—");
    const select = h(
      "select",
      { "aria-label": "regime of the weights", on: { change: (e) => ((regime = e.target.value), ctx.soon("agents", 0)) } },
      h("option", { value: "", text: "global", selected: regime === "" }),
      choices.map((k) => h("option", { value: k, text: k, selected: k === regime })),
    );
    put(
      body,
      h("h3", { text: latest ? `Agent votes · ${latest.id} (${fmt.time(latest.at)})` : "Agent votes" }),
      votes,
      h("h3", { text: `Learner · ${learner.trades} closed trades${learner.trades < (learner.minTradesForWeights ?? 5) ? ` (defaults until ${learner.minTradesForWeights ?? 5})` : ""}` }),
      agents.length ? table([{ label: "Agent" }, ...cols.map((c) => ({ label: c, n: true }))], agents.map((a) => [a, mean(learner.global[a]), ...regimes.map((r) => mean(learner.regimes[r]?.[a]))])) : h("p", { class: "muted", text: "No posteriors." }),
      h("h3", null, "Weights for ", select),
      table(
        [{ label: "Agent" }, { label: "Mean", n: true }, { label: "Sampled", n: true }],
        Object.keys(weights.mean?.weights ?? weights.sampled?.weights ?? {}).map((a) => [a, fmt.num(weights.mean?.weights?.[a], 3), fmt.num(weights.sampled?.weights?.[a], 3)]),
      ),
      h("p", { class: "muted", text: `source: ${weights.sampled?.source ?? weights.mean?.source ?? "—"}` }),
      h("h3", { text: "Latest strategy signals" }),
      h(
        "ul",
        { class: "rows signals" },
        signals.signals.length
          ? signals.signals.map((s) => h("li", null, badge(s.action), " ", h("strong", { text: s.strategy }), h("span", { class: "muted", text: ` ${s.symbol} · ${fmt.num(s.confidence, 2)} · ${fmt.time(s.at)}` }), h("div", { text: s.reason })))
          : h("li", { class: "muted", text: "No signals yet (the rule pipeline has not run)." }),
      ),
    );
  }

  return { load };
}

export function llmPanel(ctx) {
  const p = ctx.panel("p-llm");
  const body = $("#llm");

  async function load() {
    const u = await ctx.api.get("/api/llm/usage");
    p.clear();
    const t = u.today ?? {};
    const prompt = (t.inputTokens ?? 0) + (t.cacheWriteTokens ?? 0) + (t.cacheReadTokens ?? 0);
    const cacheShare = prompt > 0 ? (t.cacheReadTokens ?? 0) / prompt : null;
    const spent = u.dailyBudgetUsd > 0 ? (t.costUsd ?? 0) / u.dailyBudgetUsd : 0;
    const b = u.breaker ?? {};
    put(
      body,
      h("div", { class: "stats" }, h("span", null, h("span", { class: "label", text: "Breaker" }), badge(b.state ?? "?", `${b.state}-breaker`)), h("span", null, h("span", { class: "label", text: "Decider" }), u.decider)),
      kv([
        ["Model", `${u.model} · ${u.promptVersion}`],
        ["API key", u.apiKeyConfigured ? "configured" : "none: the rule pipeline decides"],
        ["Today", `${t.calls ?? 0} calls, ${t.failures ?? 0} failed`],
        ["Spend", `${fmt.num(t.costUsd ?? 0, 4)} of ${fmt.num(u.dailyBudgetUsd, 2)} USD (${fmt.num(u.remainingTodayUsd, 2)} left)`],
        ["Tokens", `${t.inputTokens ?? 0} in · ${t.outputTokens ?? 0} out · ${t.cacheWriteTokens ?? 0} cache write · ${t.cacheReadTokens ?? 0} cache read`],
        ["Cache share", cacheShare === null ? "—" : `${fmt.pct(cacheShare, 1)} of prompt tokens read from cache`],
        ["Breaker", `${b.consecutiveFailures ?? 0} consecutive failures${b.openedAt ? ` · opened ${fmt.time(b.openedAt)}` : ""}${b.lastFailure ? ` · last: ${typeof b.lastFailure === "string" ? b.lastFailure : fmt.json(b.lastFailure, 200)}` : ""}`],
      ]),
      h("div", { title: "today's spend of the daily budget" }, bar(spent)),
      Array.isArray(u.days) && u.days.length
        ? [
            h("h3", { text: "Per day" }),
            table(
              [{ label: "Day" }, { label: "Calls", n: true }, { label: "USD", n: true }, { label: "Cache read", n: true }],
              u.days.slice(-7).reverse().map((d) => [fmt.day(d.day), String(d.calls ?? 0), fmt.num(d.costUsd ?? 0, 4), String(d.cacheReadTokens ?? 0)]),
            ),
          ]
        : null,
    );
  }

  return { load };
}
