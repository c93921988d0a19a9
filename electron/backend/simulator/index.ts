export * from './wire.js';
export * from './bodies.js';
export * from './sessions.js';
export * from './types.js';
export { ExchangeSimulator, type SimulatorOptions, type SimulatorStatus, type SimLogEntry, type AuthMode } from './simulator.js';
export { MailboxResponder, MailboxStore, PropTag, writeRow, readValue, writeValue } from './mailbox.js';
