/** MAPI/HTTP transport layer: request types, headers, cookies, the response stream. */
export * from './request-types.js';
export * from './headers.js';
export * from './stream.js';
export * from './rpcproxy.js';
export * from './head.js';
