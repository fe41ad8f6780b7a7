import { z } from "zod";
import { backtestConfig, backtestInput, type BacktestSpec } from "../../src/lib/backtest/spec";
import type { BacktestInput } from "../../src/lib/backtest/types";
import type { EngineConfig } from "../../src/lib/config";
import { UsageError } from "./args";
import { shippedData } from "./shipped-data";

/** The engine config of a run, with config-file mistakes reported as usage errors. */
export function configFor(spec: BacktestSpec, overrides: unknown): EngineConfig {
  try {
    return backtestConfig(spec, overrides);
  } catch (e) {
    if (e instanceof z.ZodError) throw new UsageError(`--config: ${e.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    throw e;
  }
}

/** A run's engine input on the shipped data. */
export function shippedInput(spec: BacktestSpec, overrides: unknown): BacktestInput {
  return backtestInput(spec, shippedData(), configFor(spec, overrides));
}
