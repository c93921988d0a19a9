/** Protocol decoders: the entry points and the transport-layer modules. */
export * from './decode-exchange.js';
export * as mapihttp from './mapihttp/index.js';
export * as rpcext from './rpcext/index.js';
export * as aux from './aux/index.js';
export * as autodiscover from './autodiscover/index.js';
