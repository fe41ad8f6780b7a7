import type { Logger } from "../../adapters/log";
import { errorMessage } from "../../adapters/log";
import type { Candle } from "../../lib/market/candle";
import type { EngineConfig } from "../../lib/config";
import type { DailyRegimeModel } from "../../lib/regime/index";
import { regimeWithModel } from "../../lib/regime/regime-with-model";
import type { CombinedRegime } from "../../lib/regime/types";
import { seedFrom } from "../../lib/util/rng";

/** Regime per ticker, with each ticker's fitted HMM kept in the gate's storage between daily closes. */
export class RegimeCache {
  private readonly last = new Map<string, { through: number; regime: CombinedRegime | null }>();

  constructor(
    private readonly kv: SyncKvStorage,
    private readonly cfg: EngineConfig,
    private readonly log: Logger,
  ) {}

  detect(symbol: string, daily: readonly Candle[], now: number): CombinedRegime | null {
    const key = `hmm:${symbol}`;
    const cached = this.kv.get<DailyRegimeModel>(key) ?? null;
    try {
      const r = regimeWithModel(daily, now, { hmm: this.cfg.regime.hmm, seed: seedFrom(symbol), cached, last: this.last.get(symbol) ?? null });
      if (r.model && r.model !== cached) this.kv.put(key, r.model);
      if (r.through !== null) this.last.set(symbol, { through: r.through, regime: r.regime });
      return r.regime;
    } catch (err) {
      this.log.warn("gate.regime_failed", { symbol, error: errorMessage(err) });
      return null;
    }
  }
}
