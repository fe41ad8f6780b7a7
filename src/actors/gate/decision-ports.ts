import type { Env } from "../../env";
import { sha256Hex } from "../../adapters/hash";
import { askClaude } from "../../adapters/llm/ask-claude";
import type { ClaudeClient } from "../../adapters/llm/claude-client";
import type { QuantModel } from "../../lib/agents/quant/model";
import type { EngineConfig } from "../../lib/config";
import type { DecisionPorts } from "../../lib/decide/decision-cycle";
import { decisionKeyText } from "../../lib/decide/decision-key";
import type { LlmGovernor } from "../../lib/decide/llm-governor";
import type { RegimeCache } from "../../lib/regime/regime-cache";
import type { StrategyConfigs } from "../../lib/strategy/strategy-configs";
import { actorName } from "../names";

/** The learner's quant model, fetched again only when its version changed. */
export class LearnerQuantModel {
  private model: QuantModel | null = null;

  constructor(
    private readonly env: Env,
    private readonly portfolio: () => string,
  ) {}

  async load(): Promise<QuantModel | null> {
    const learner = this.env.LEARNER.getByName(actorName.learner(this.portfolio()));
    const version = await learner.quantVersion();
    if (version === null) return null;
    if (this.model?.trainedAt !== version) this.model = (await learner.quantModel()) as QuantModel | null;
    return this.model;
  }
}

/** A Claude decision recorded for this snapshot hash, for the replay decider. */
async function recordedDecision(db: D1Database, hash: string): Promise<unknown> {
  const r = await db
    .prepare("SELECT decision_json FROM decisions WHERE snapshot_hash = ? AND kind = 'decision' AND status = 'executed' AND decider LIKE 'claude:%' ORDER BY at, id LIMIT 1")
    .bind(hash)
    .first<{ decision_json: string | null }>();
  return r?.decision_json ? JSON.parse(r.decision_json) : null;
}

/** What a decision of the GateActor reaches: its tickers' regimes, the learner, Claude, the decision log, the governor. */
export function gateDecisionPorts(x: {
  env: Env;
  cfg: EngineConfig;
  portfolio: string;
  governor: LlmGovernor;
  claude: ClaudeClient | null;
  regimes: RegimeCache;
  quant: LearnerQuantModel;
  strategies: StrategyConfigs;
  wallNow: () => number;
}): DecisionPorts {
  const { env, cfg, claude } = x;
  return {
    cfg,
    governor: x.governor,
    wallNow: x.wallNow,
    ask: claude ? (seen) => askClaude(claude, seen, cfg.llm) : null,
    recorded: (hash) => recordedDecision(env.DB, hash),
    hash: (snapshot) => sha256Hex(decisionKeyText(snapshot)),
    regime: (symbol, daily, now) => x.regimes.detect(symbol, daily, now),
    weights: (keys, decisionId) => env.LEARNER.getByName(actorName.learner(x.portfolio)).sampleWeights({ regimes: keys, seed: decisionId, defaults: cfg.synthesizer.defaultWeights }),
    quantModel: () => x.quant.load(),
    strategies: x.strategies,
  };
}
