/** The filter language and field registry (see ARCHITECTURE.md, "Filters"). */
export * from './capture.js';
export * from './catalog.js';
export * from './evaluate.js';
export * from './extract.js';
export * from './field-index.js';
export * from './parse.js';
export * from './record.js';
export * from './registry.js';
export * from './tree.js';
export * from './types.js';
export * from './highlight.js';
