/** The Exchange simulator: session semantics, answer sources (capture replay, scripted mailbox), service. */
export * from './wire.js';
export * from './bodies.js';
export * from './sessions.js';
export * from './types.js';
export {
  ExchangeSimulator,
  type SimulatorOptions,
  type SimulatorStatus,
  type SimLogEntry,
  type AuthMode,
} from './simulator.js';
export {
  MailboxResponder,
  MailboxStore,
  PropTag,
  ErrorCodes,
  makeFid,
  type MailboxFolder,
  type MailboxRule,
  type MailboxMessage,
  type PropValue,
} from './mailbox.js';
export { CaptureResponder, type CaptureResponderOptions, ropShapeOf } from './capture-responder.js';
export { extractSessions, requestTypeOf, type CapturedSession, type CaptureSessions } from './capture-sessions.js';
export { SimulatorService, type SimulatorStartParams, type SimulatorServiceStatus } from './service.js';
