export * from './bytes.js';
export * from './codec.js';
export * from './node.js';
export * from './primitives.js';
export { DecodeError, Reader } from './reader.js';
export { Writer } from './writer.js';
export * from './shape.js';
