/** Types of module-map.mjs for the tests that load it. */
import type { ESLint } from 'eslint';

declare const plugin: ESLint.Plugin;
export default plugin;
export const MODULE_MAP: readonly (readonly [string, readonly string[]])[];
export const ROP_INFRASTRUCTURE: ReadonlySet<string>;
export function projectGraph(): Map<string, Set<string>>;
export function importCycles(graph: Map<string, Set<string>>): string[][];
export function repoPath(abs: string): string;
