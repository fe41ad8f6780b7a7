import { AGENT_NAMES, type AgentName } from "../lib/agents/types";
import { emptyLearnerState, LearnerStateSchema, type LearnerState } from "../lib/learn/state";
import { outcomeOfClose, recordOutcome } from "../lib/learn/update";
import { effectivePosterior, posteriorMean } from "../lib/learn/posterior";
import { meanWeights, sampleRegimeWeights, sampleWeights, type SampledWeights } from "../lib/learn/sample";
import { seededRng, seedFrom } from "../lib/util/rng";
import { errorMessage } from "../adapters/log";
import type { QuantModel } from "../lib/agents/quant/model";
import { scoreQuant } from "../lib/agents/quant/score";
import { retrainQuant } from "../lib/learn/quant-retrain";
import type { Candle } from "../lib/market/candle";
import { actorName, portfolioOfName } from "./names";
import { Actor, type TimerHandlers } from "./kernel/actor";
import type { Migration } from "./kernel/sqlite-schema";
import type { RecentTrade } from "../lib/decide/snapshot";
import { agentRecords, recentTrades, tradeRecordOf, type AgentRecord, type TradeRecord } from "../lib/learn/trade-records";
import { regimeEdges } from "../lib/learn/edge";
import type { TradeEdge } from "../lib/risk/sizing";
import type { Episode } from "../lib/memory/episode-schema";
import type { PositionClosedMessage } from "./messages";

export type { AgentRecord };

/**
 * The learner of one portfolio: every closed trade once per position (SQLite `trades`), and the
 * regime-aware Beta posteriors of the signal agents, updated in the same step, from which the gate's
 * decisions sample their weights.
 */
export interface LearnerSetup {
  portfolio: string;
  venue: string;
  symbols: string[];
}

const DAY = 86_400_000;

/** The learner's timer: the quant ranker's retraining check. */
type LearnerTimers = { quant: null };

export class LearnerActor extends Actor<LearnerTimers> {
  protected readonly timerHandlers: TimerHandlers<LearnerTimers> = { quant: () => this.quantCheck() };

  private state: LearnerState = this.loadState();
  private setup: LearnerSetup | null = this.kv.get<LearnerSetup>("setup") ?? null;

  /** Posteriors that fail their schema are quarantined (and alerted); learning starts again from the prior. */
  private loadState(): LearnerState {
    return this.quarantine.restore(
      "posteriors",
      (saved) => {
        const parsed = LearnerStateSchema.safeParse(saved);
        if (!parsed.success) throw new Error(`stored learner state is invalid: ${parsed.error.issues[0]?.message}`);
        return parsed.data as LearnerState;
      },
      () => emptyLearnerState(AGENT_NAMES, this.config.learn),
    );
  }

  protected override alertPortfolio(): string | null {
    return this.setup?.portfolio ?? null;
  }

  protected override migrations(): Migration[] {
    return [
      {
        name: "learner-0001",
        statements: [
          "CREATE TABLE trades (position_id TEXT PRIMARY KEY, agent TEXT NOT NULL, symbol TEXT NOT NULL, decision_id TEXT NOT NULL, pnl REAL NOT NULL, pnl_pct REAL NOT NULL, exit_kind TEXT NOT NULL, closed_at INTEGER NOT NULL)",
          "CREATE INDEX trades_agent ON trades (agent)",
        ],
      },
      { name: "learner-0002", statements: ["ALTER TABLE trades ADD COLUMN opened_at INTEGER NOT NULL DEFAULT 0"] },
      // The newest closed episodes, in the order they closed (a later row for the same position replaces it).
      { name: "learner-0003", statements: ["CREATE TABLE episodes (id TEXT PRIMARY KEY, json TEXT NOT NULL)"] },
      // A short's side (null: long, as every trade before shorts).
      { name: "learner-0004", statements: ["ALTER TABLE trades ADD COLUMN side TEXT"] },
    ];
  }

  /** Records a closed trade; the same position twice is recorded once. Returns whether it was new. */
  async recordTrade(t: PositionClosedMessage): Promise<{ recorded: boolean }> {
    const cursor = this.sql.exec(
      "INSERT OR IGNORE INTO trades (position_id, agent, symbol, decision_id, pnl, pnl_pct, exit_kind, closed_at, opened_at, side) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      t.positionId,
      t.agent,
      t.symbol,
      t.decisionId,
      t.pnl,
      t.pnlPct,
      t.exitKind,
      t.closedAt,
      t.openedAt,
      t.side === "short" ? "short" : null,
    );
    const recorded = cursor.rowsWritten > 0;
    if (recorded) {
      // Same event as the insert: the posterior moves exactly when the trade row is new.
      const outcome = outcomeOfClose(t);
      const signals = outcome.signals;
      this.state = recordOutcome(this.state, outcome, this.config.learn);
      this.kv.put("posteriors", this.state);
      if (t.episode) this.rememberEpisode(t.episode);
      this.log.info("learner.trade_recorded", { position: t.positionId, agent: t.agent, pnl: t.pnl, regime: t.regimeKey, signals });
      const portfolio = this.setup?.portfolio ?? portfolioOfName("learner", this.ctx.id.name) ?? this.config.portfolio;
      await this.emit(portfolio, "learner.update", { kind: "outcome", position: t.positionId, symbol: t.symbol, regime: t.regimeKey ?? null, pnlPct: t.pnlPct, signals }, t.closedAt);
    }
    return { recorded };
  }

  /**
   * The closed episodes a decision may recall: the newest `memory.recallCandidates`, oldest first (recall keeps only
   * those closed by the decision's time). Kept here as each close is recorded, so a decision right after a close
   * recalls it (D1's copy is written in batches).
   */
  recallCandidates(): Episode[] {
    return this.sql
      .exec<{ json: string }>("SELECT json FROM (SELECT rowid AS r, json FROM episodes ORDER BY rowid DESC LIMIT ?) ORDER BY r", this.config.memory.recallCandidates)
      .toArray()
      .map((r) => JSON.parse(r.json) as Episode);
  }

  /** `rememberEpisode` in storage: the episode goes last (replacing an earlier row of its position), the oldest beyond the cap go. */
  private rememberEpisode(e: Episode): void {
    if (e.closedAt === null) return;
    this.sql.exec("INSERT OR REPLACE INTO episodes (id, json) VALUES (?, ?)", e.id, JSON.stringify(e));
    this.sql.exec("DELETE FROM episodes WHERE rowid NOT IN (SELECT rowid FROM episodes ORDER BY rowid DESC LIMIT ?)", this.config.memory.recallCandidates);
  }

  /** Thompson-sampled agent weights per regime key, seeded (e.g. by the decision id) so a decision can be replayed. */
  sampleWeights(req: { regimes: string[]; seed: string; defaults: Record<string, number> }): Record<string, SampledWeights> {
    return sampleRegimeWeights(this.state, req.regimes, req.seed, AGENT_NAMES, this.config.learn, req.defaults as Record<AgentName, number>);
  }

  /** Posteriors per agent, globally and per regime, with the source a regime would use. */
  posteriors() {
    const cfg = this.config.learn;
    const view = (regime: string | null) =>
      Object.fromEntries(
        AGENT_NAMES.map((a) => {
          const e = effectivePosterior(this.state, a, regime, cfg);
          return [a, { alpha: e.posterior.alpha, beta: e.posterior.beta, mean: posteriorMean(e.posterior), source: e.source }];
        }),
      );
    return {
      trades: this.state.trades,
      minTradesForWeights: cfg.minTradesForWeights,
      regimeMinTrades: cfg.regimeMinTrades,
      global: view(null),
      regimes: Object.fromEntries(Object.entries(this.state.byRegime).map(([k, b]) => [k, { trades: b.trades, posteriors: view(k) }])),
    };
  }

  /** Mean weights (what the learner believes) and one seeded sample (what a decision would draw). */
  weights(req: { regime: string | null; seed: string; defaults: Record<string, number> }) {
    const defaults = req.defaults as Record<AgentName, number>;
    return {
      mean: meanWeights(this.state, req.regime, AGENT_NAMES, this.config.learn, defaults),
      sampled: sampleWeights(this.state, req.regime, AGENT_NAMES, seededRng(seedFrom(req.seed)), this.config.learn, defaults),
    };
  }

  /** Each regime's record of closed trades (count, win rate, payoff): what Kelly sizing reads. */
  edges(): Record<string, TradeEdge> {
    return regimeEdges(this.state);
  }

  status(): { agents: AgentRecord[]; trades: number } {
    const agents = agentRecords(this.tradeRecords());
    return { agents, trades: agents.reduce((n, a) => n + a.trades, 0) };
  }

  /** The latest closed trades, newest first. */
  recentTrades(limit = 10): RecentTrade[] {
    return recentTrades(this.tradeRecords(), Math.max(1, Math.min(limit, 100)));
  }

  /** Every closed trade, in the order recorded (the backtester keeps its own list; both read it through `agentRecords` and `recentTrades`). */
  private tradeRecords(): TradeRecord[] {
    return this.sql
      .exec<{ symbol: string; agent: string; pnl: number; pnl_pct: number; exit_kind: string; opened_at: number; closed_at: number; side: string | null }>(
        "SELECT symbol, agent, pnl, pnl_pct, exit_kind, opened_at, closed_at, side FROM trades ORDER BY rowid",
      )
      .toArray()
      .map((r) => tradeRecordOf({ symbol: r.symbol, agent: r.agent, pnl: r.pnl, pnlPct: r.pnl_pct, exitKind: r.exit_kind, openedAt: r.opened_at, closedAt: r.closed_at, side: r.side ?? undefined }));
  }

  /** Starts the quant ranker's training schedule for this portfolio's universe. */
  async configure(setup: LearnerSetup): Promise<{ quantTrainedAt: number | null }> {
    this.setup = setup;
    this.kv.put("setup", setup);
    this.timers.schedule("quant", this.clock.wall());
    await this.arm();
    return { quantTrainedAt: this.quantVersion() };
  }

  /** The training date of the current quant model (its version), or null. */
  quantVersion(): number | null {
    return this.kv.get<number>("quant:trainedAt") ?? null;
  }

  quantModel(): QuantModel | null {
    return this.kv.get<QuantModel>("quant:model") ?? null;
  }

  private async quantCheck(): Promise<void> {
    if (!this.setup || !this.config.quant.enabled) return;
    try {
      await this.retrainIfDue(this.setup);
    } finally {
      this.timers.schedule("quant", this.clock.wall() + this.config.quant.checkEveryMs);
    }
  }

  /** The universe's daily candles, from the tickers. */
  private async dailyCandles(setup: LearnerSetup): Promise<Record<string, Candle[]>> {
    const candles: Record<string, Candle[]> = {};
    for (const symbol of setup.symbols) candles[symbol] = await this.env.TICKER.getByName(actorName.ticker(setup.venue, symbol)).candles("1d", 1000);
    return candles;
  }

  /**
   * The quant ranker's ranking of the universe now (GET /api/quant/rank): each symbol's probability of a top-quantile
   * forward return and its score, best first; null when not configured, `model: null` before the first training.
   */
  async quantRank() {
    const setup = this.setup;
    if (!setup) return null;
    const model = this.quantModel();
    if (!model) return { model: null, asOf: null, ranking: [], reason: "not trained yet" };
    const candles = await this.dailyCandles(setup);
    const asOf = Math.max(0, ...Object.values(candles).map((c) => (c.length > 0 ? c[c.length - 1]!.t + DAY : 0)));
    const info = { trainedAt: model.trainedAt, samples: model.samples, baseRate: model.baseRate };
    try {
      const ranking = Object.entries(scoreQuant(model, candles, asOf))
        .map(([symbol, s]) => ({ symbol, ...s }))
        .sort((a, b) => b.score - a.score);
      return { model: info, asOf, ranking, reason: null };
    } catch (err) {
      // As in a decision: the features need an unbroken daily history, else the ranker sits out.
      return { model: info, asOf, ranking: [], reason: `cannot score now: ${errorMessage(err)}` };
    }
  }

  /** Retrains the ranker now, whatever the schedule says (POST /api/quant/retrain); says why when it cannot. */
  async retrainQuant(): Promise<{ trained: boolean; trainedAt: number | null; reason: string } | null> {
    const setup = this.setup;
    if (!setup) return null;
    return this.retrainIfDue(setup, true);
  }

  /** Retrains the ranker on the tickers' daily candles once the newest closed day is far enough past the last training. */
  private async retrainIfDue(setup: LearnerSetup, force = false): Promise<{ trained: boolean; trainedAt: number | null; reason: string }> {
    const candles = await this.dailyCandles(setup);
    const last = this.quantVersion();
    try {
      const r = retrainQuant(candles, last, this.config.quant, force);
      if (!r.trained) {
        if (r.reason === "waiting") this.log.info("learner.quant_waiting", { reason: r.detail });
        if (r.reason === "too short") this.log.warn("learner.quant_not_trained", { reason: r.detail, asOf: r.asOf });
        return { trained: false, trainedAt: last, reason: r.detail };
      }
      const model = r.model;
      this.kv.put("quant:model", model);
      this.kv.put("quant:trainedAt", model.trainedAt);
      this.log.info("learner.quant_trained", { trainedAt: model.trainedAt, samples: model.samples, baseRate: model.baseRate });
      await this.emit(setup.portfolio, "learner.update", { kind: "quant_trained", trainedAt: model.trainedAt, samples: model.samples, baseRate: model.baseRate });
      return { trained: true, trainedAt: model.trainedAt, reason: r.reason };
    } catch (err) {
      this.log.error("learner.quant_failed", { error: errorMessage(err) });
      return { trained: false, trainedAt: last, reason: `training failed: ${errorMessage(err)}` };
    }
  }
}
