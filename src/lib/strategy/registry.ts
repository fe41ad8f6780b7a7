import { fundingArb } from "./funding-arb";
import { fundingOi } from "./funding-oi";
import { fundingRate } from "./funding-rate";
import { momentumBreakout } from "./momentum-breakout";
import { regimeBlend } from "./regime-blend-strategy";
import { rsiMeanReversion } from "./rsi-mean-reversion";
import { defaultConfigsOf, resolveStrategies, strategyConfigsSchema, type StrategyConfigs } from "./strategy-configs";
import type { Signal, Strategy, StrategyContext } from "./strategy";

/** Every strategy the engine knows. Adding one: write its file, add it here. */
export const STRATEGIES: readonly Strategy[] = [regimeBlend, rsiMeanReversion, fundingRate, fundingArb, fundingOi, momentumBreakout];

export function strategyNames(strategies: readonly Strategy[] = STRATEGIES): string[] {
  return strategies.map((s) => s.name);
}

export function getStrategy(name: string, strategies: readonly Strategy[] = STRATEGIES): Strategy {
  const found = strategies.find((s) => s.name === name);
  if (found === undefined) throw new Error(`unknown strategy "${name}"; known: ${strategyNames(strategies).join(", ")}`);
  return found;
}

/** Validates the `strategies` section of the engine config against the registry. */
export const StrategyConfigsSchema = strategyConfigsSchema(STRATEGIES);

export function defaultStrategyConfigs(strategies: readonly Strategy[] = STRATEGIES): StrategyConfigs {
  return defaultConfigsOf(strategies);
}

/**
 * Runs every enabled strategy that applies to `ctx.symbol`, with its configured params, and returns
 * all their signals (PASS included) in registry order. Throws on unknown names or invalid params.
 */
export function evaluateStrategies(ctx: StrategyContext, configs: StrategyConfigs, strategies: readonly Strategy[] = STRATEGIES): Signal[] {
  return resolveStrategies(configs, strategies)
    .filter(({ strategy }) => strategy.assets === "all" || strategy.assets.includes(ctx.symbol))
    .map(({ strategy, params }) => strategy.evaluate(ctx, params));
}
