import { createApp } from "./api/app";

export { TickerActor } from "./actors/ticker-actor";
export { GateActor } from "./actors/gate-actor";
export { AccountActor } from "./actors/account-actor";
export { PositionActor } from "./actors/position-actor";
export { LearnerActor } from "./actors/learner-actor";
export { StreamActor } from "./actors/stream-actor";
export { UserStreamActor } from "./actors/user-stream-actor";
export { NotifierActor } from "./actors/notifier-actor";

export default createApp();
