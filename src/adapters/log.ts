/** Structured JSON logs, one line per event; values under secret-looking keys are redacted. */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const SECRET_KEY = /token|secret|password|authorization|api[-_]?key|signature/i;
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_KEY.test(k) ? "[redacted]" : v;
  return out;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createLogger(scope: string, level: string | undefined = "info"): Logger {
  const min = LEVELS[(level as Level) in LEVELS ? (level as Level) : "info"];
  const emit = (lvl: Level, event: string, fields?: LogFields) => {
    if (LEVELS[lvl] < min) return;
    const line = JSON.stringify({ level: lvl, scope, event, ...(fields ? redact(fields) : {}) });
    if (lvl === "error") console.error(line);
    else if (lvl === "warn") console.warn(line);
    else console.log(line);
  };
  return {
    debug: (e, f) => emit("debug", e, f),
    info: (e, f) => emit("info", e, f),
    warn: (e, f) => emit("warn", e, f),
    error: (e, f) => emit("error", e, f),
  };
}
