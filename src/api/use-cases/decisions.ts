const JSON_COLUMNS: Record<string, string> = {
  decision_json: "decision",
  outcome_json: "outcome",
  clamps_json: "clamps",
  snapshot_json: "snapshot",
  raw_response: "raw_response",
};

/** A decisions row with its JSON columns as objects (`decision_json` → `decision`, …): the API's and MCP's view of a decision. */
export function expandDecision(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const name = JSON_COLUMNS[k];
    if (!name) out[k] = v;
    else out[name] = typeof v === "string" ? JSON.parse(v) : null;
  }
  return out;
}
