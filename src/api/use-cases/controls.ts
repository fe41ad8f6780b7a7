import { z } from "zod";
import type { ControlResult, ControlsView } from "../../actors/account-actor";
import type { Env } from "../../env";
import { actors } from "../context";
import { ApiError, requireStarted } from "../errors";

/** Why an operator acts: 3–500 characters, required by every control (API body field, MCP tool argument). */
export const ReasonSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "is required: say why (3–500 characters)" : "must be a string") })
  .trim()
  .min(3, "must be 3–500 characters")
  .max(500, "must be 3–500 characters");

/** Position ids as the account names them (main-d12-BTC). */
export const PositionIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "position ids look like main-d12-BTC (letters, digits, _ . : -, at most 100)");

/** The account's view of its controls (GET /api/controls); 409 before the engine starts. */
export async function controlsView(env: Env, portfolio?: string): Promise<ControlsView> {
  // The RPC type of a view with `unknown` fields (an action's detail) is `never`: the actor's own type says what comes.
  return requireStarted((await actors(env, portfolio).account.controls()) as ControlsView | null, "the account is not initialised");
}

/** The account's answer to a control: its refusals become 404 (no such position) or 409 (not started). */
export function controlAnswer(r: ControlResult) {
  if (!r.ok) throw new ApiError(r.code === "no_position" ? 404 : 409, r.code, r.detail);
  return { action: r.action, positions: r.positions, controls: r.controls };
}

/**
 * Forced exits of every position (pending or open) of one symbol: one recorded `force_exit` per
 * position. None in the book is a 404, like an unknown position id.
 */
export async function forceExitSymbol(env: Env, req: { symbol: string; by: string; reason: string }) {
  const account = actors(env).account;
  const view = await controlsView(env);
  const ids = view.positions.filter((p) => p.symbol === req.symbol).map((p) => p.id);
  if (ids.length === 0) throw new ApiError(404, "no_position", `no position of ${req.symbol} in the book (pending or open)`);
  const answers = [];
  for (const positionId of ids) answers.push(controlAnswer(await account.forceExit({ positionId, by: req.by, reason: req.reason })));
  return { actions: answers.map((a) => a.action), positions: answers.flatMap((a) => a.positions), controls: answers.at(-1)!.controls };
}
