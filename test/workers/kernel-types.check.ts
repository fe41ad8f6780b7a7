/**
 * Checked by `tsc` in `npm test` (typecheck), never run: the kernel's timers and mail are typed like direct RPC.
 * Each `@ts-expect-error` fails the typecheck if the line below it compiles.
 */
import type { TimerHandlers } from "../../src/actors/kernel/actor";
import type { Mailbox } from "../../src/actors/kernel/mailbox";
import type { Timers } from "../../src/actors/kernel/timers";

declare const mail: Mailbox;
declare const move: Parameters<import("../../src/actors/gate-actor").GateActor["onMaterialMove"]>[0];
mail.post("k", "GATE", "gate:main", "onMaterialMove", move, 0);
// @ts-expect-error: the gate has no such method
mail.post("k", "GATE", "gate:main", "onMaterialMoved", move, 0);
// @ts-expect-error: the account's onPositionClosed does not take a material move
mail.post("k", "ACCOUNT", "account:main", "onPositionClosed", move, 0);

type Payloads = { decide: { decisionId: string }; timer: null };
declare const timers: Timers<Payloads>;
timers.schedule("timer", 0);
timers.schedule("decide", 0, { decisionId: "main-d1" });
// @ts-expect-error: no such timer
timers.schedule("tick", 0);
// @ts-expect-error: `decide` carries its job
timers.schedule("decide", 0);
// @ts-expect-error: `timer` carries nothing
timers.schedule("timer", 0, { decisionId: "main-d1" });

// @ts-expect-error: every timer needs its handler
export const missing: TimerHandlers<Payloads> = { decide: async () => {} };
