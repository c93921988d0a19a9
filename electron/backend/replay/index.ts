/** Client replay of captured MAPI sessions with simulated network switches. */
export { Replayer, replayCapture, listSessions, canReplay } from './replayer.js';
export type {
  ReplayOptions,
  ReplayProgress,
  ReplayReport,
  ExchangeReport,
  SwitchReport,
  SideResult,
  Verdict,
} from './replayer.js';
export { parsePlan, parsePlanStep, describeStep, PlanError, type PlanStep } from '../../../shared/replay/plan.js';
export { MapiClient, type MapiClientOptions, type MapiResult, type SendOptions } from './mapi-client.js';
export {
  HttpConnection,
  type HttpResult,
  type DropPoint,
  type OutgoingRequest,
  type ConnectOptions,
} from './http-client.js';
export { decodeAnswer, diffAnswers, type DiffEntry, type RopResult, type DecodedAnswer } from './diff.js';
export { ReplayService, type ReplayStartParams, type ReplayRun, type ReplayServiceOptions } from './service.js';
export { ProgressThrottle, type ThrottleClock } from './progress-throttle.js';
