import type { Logger } from "../../adapters/log";
import { errorMessage } from "../../adapters/log";
import type { Candle } from "../../lib/market/candle";
import type { EngineConfig } from "../../lib/config";
import { detectRegime, MIN_DAILY_OBSERVATIONS, type DailyRegimeModel } from "../../lib/regime/index";
import type { CombinedRegime } from "../../lib/regime/types";
import { seedFrom } from "../../lib/util/rng";

const DAY = 86_400_000;

/**
 * Regime per ticker from its daily candles. The HMM is fitted once per new daily candle (it costs
 * ~0.1–0.2 s) and kept in the gate's storage; in between, the stored model scores the new data.
 */
export class RegimeCache {
  constructor(
    private readonly kv: SyncKvStorage,
    private readonly cfg: EngineConfig,
    private readonly log: Logger,
  ) {}

  detect(symbol: string, daily: readonly Candle[], now: number): CombinedRegime | null {
    const closed = daily.filter((c) => c.t + DAY <= now);
    if (closed.length < 60) return null;
    const lastT = closed[closed.length - 1]!.t;
    const key = `hmm:${symbol}`;
    const cached = this.kv.get<DailyRegimeModel>(key);
    const useHmm = this.cfg.regime.hmm && closed.length >= MIN_DAILY_OBSERVATIONS;
    const hmm = !useHmm ? null : cached && cached.fittedThrough === lastT ? { model: cached } : { seed: seedFrom(symbol) };
    try {
      const r = detectRegime(closed, { now, hmm });
      if (useHmm && r.model && r.model !== cached) this.kv.put(key, r.model);
      return r.regime;
    } catch (err) {
      this.log.warn("gate.regime_failed", { symbol, error: errorMessage(err) });
      return null;
    }
  }
}
