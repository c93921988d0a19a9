/**
 * The module map of ARCHITECTURE.md as lint rules, so a wrong import fails `npm test` with a
 * message that names the rule:
 *  - `module-map/allowed-imports`: what each folder may import (the "may import" column);
 *  - `module-map/rop-family`: a ROP family file takes shared helpers from common.ts (and its
 *    framing from define.ts, context.ts, header.ts), never from another family;
 *  - `module-map/no-cycle`: no import cycle between modules (type-only imports excepted: they
 *    are erased), found over the whole project once per lint run.
 * Paths are relative to the repository root; test/ and the build scripts may import anything.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Folder → the folders it may import besides itself (prefixes; the longest matching folder
 * applies). Keep in step with the module map table of ARCHITECTURE.md.
 */
export const MODULE_MAP = [
  ['shared/codec/', []],
  ['shared/replay/', []],
  ['shared/capture/', ['shared/codec/']],
  ['shared/filter/', ['shared/codec/', 'shared/capture/', 'shared/protocol/', 'shared/session/']],
  ['shared/protocol/oxcdata/', ['shared/codec/']],
  ['shared/protocol/rpcext/', ['shared/codec/']],
  ['shared/protocol/autodiscover/', ['shared/codec/']],
  ['shared/protocol/mapihttp/', ['shared/codec/', 'shared/capture/']],
  ['shared/protocol/rops/', ['shared/codec/', 'shared/protocol/oxcdata/']],
  ['shared/protocol/aux/', ['shared/codec/', 'shared/protocol/oxcdata/', 'shared/protocol/rpcext/']],
  [
    'shared/protocol/emsmdb/',
    [
      'shared/codec/',
      'shared/protocol/oxcdata/',
      'shared/protocol/rops/',
      'shared/protocol/aux/',
      'shared/protocol/rpcext/',
    ],
  ],
  [
    'shared/protocol/nspi/',
    ['shared/codec/', 'shared/protocol/oxcdata/', 'shared/protocol/aux/', 'shared/protocol/rpcext/'],
  ],
  ['shared/protocol/', ['shared/codec/', 'shared/capture/']],
  ['shared/session/', ['shared/codec/', 'shared/capture/', 'shared/protocol/']],
  ['shared/diagnose/', ['shared/codec/', 'shared/capture/', 'shared/protocol/', 'shared/session/', 'shared/logs/']],
  ['shared/redact/', ['shared/codec/', 'shared/capture/', 'shared/protocol/', 'shared/session/']],
  ['shared/logs/', ['shared/codec/', 'shared/protocol/', 'shared/session/']],
  ['shared/api/', ['shared/']],
  ['shared/', []],
  ['electron/backend/', ['shared/']],
  ['electron/cli/', ['shared/', 'electron/backend/']],
  ['electron/main/', ['shared/', 'electron/backend/']],
  ['electron/preload/', ['shared/api/']],
  ['renderer/', ['shared/']],
];

/** shared/protocol/rops files that are not ROP families: the framing and the helpers families share. */
export const ROP_INFRASTRUCTURE = new Set([
  'buffer.ts',
  'common.ts',
  'context.ts',
  'define.ts',
  'header.ts',
  'known-rops.ts',
  'registry.ts',
  'fasttransfer-stream.ts',
  'fasttransfer-grammar.ts',
  'fasttransfer-kind.ts',
  'notification-data.ts',
]);
const ROPS_DIR = 'shared/protocol/rops/';

const rel = (abs) => path.relative(ROOT, abs).split(path.sep).join('/');

function folderOf(file) {
  let best;
  for (const entry of MODULE_MAP)
    if (file.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  return best;
}

/** The repository file a relative import names (`./x.js` → `x.ts`), or undefined. */
function resolveImport(fromAbs, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(fromAbs), spec);
  const noExt = base.replace(/\.(js|mjs|ts|tsx)$/, '');
  for (const c of [`${noExt}.ts`, `${noExt}.tsx`, base, `${noExt}/index.ts`])
    if (existsSync(c) && statSync(c).isFile()) return c;
  return undefined;
}

/** Every static or dynamic import/export-from of a node (ESLint AST). */
function importsOf(node) {
  if (node.type === 'ImportExpression') return node.source.type === 'Literal' ? node.source : undefined;
  return node.source ?? undefined;
}

const typeOnly = (node) =>
  node.importKind === 'type' ||
  node.exportKind === 'type' ||
  (node.type === 'ImportDeclaration' &&
    node.specifiers.length > 0 &&
    node.specifiers.every((s) => s.importKind === 'type'));

const allowedImports = {
  meta: {
    type: 'problem',
    docs: { description: 'imports follow the module map of ARCHITECTURE.md' },
    schema: [],
    messages: {
      notAllowed:
        'module-map/allowed-imports: {{from}} may import {{allowed}}, not {{to}} (ARCHITECTURE.md, module map)',
    },
  },
  create(context) {
    const file = rel(context.filename);
    const entry = folderOf(file);
    if (!entry) return {};
    const [own, allowed] = entry;
    const check = (node) => {
      const src = importsOf(node);
      if (!src || typeof src.value !== 'string') return;
      const target = resolveImport(context.filename, src.value);
      if (!target) return;
      const to = rel(target);
      if (to.startsWith(own) || allowed.some((a) => to.startsWith(a))) return;
      context.report({
        node: src,
        messageId: 'notAllowed',
        data: { from: own, to, allowed: allowed.length ? allowed.join(', ') : 'nothing outside itself' },
      });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

const ropFamily = {
  meta: {
    type: 'problem',
    docs: { description: 'ROP family files take shared helpers from common.ts, never from another family' },
    schema: [],
    messages: {
      family:
        'module-map/rop-family: {{from}} imports the ROP family {{to}}; shared helpers belong in common.ts (ARCHITECTURE.md, ROPs)',
    },
  },
  create(context) {
    const file = rel(context.filename);
    if (!file.startsWith(ROPS_DIR)) return {};
    const name = file.slice(ROPS_DIR.length);
    if (name.includes('/') || ROP_INFRASTRUCTURE.has(name)) return {};
    const check = (node) => {
      const src = importsOf(node);
      if (!src || typeof src.value !== 'string') return;
      const target = resolveImport(context.filename, src.value);
      if (!target) return;
      const to = rel(target);
      if (!to.startsWith(ROPS_DIR)) return;
      const toName = to.slice(ROPS_DIR.length);
      if (ROP_INFRASTRUCTURE.has(toName) || toName.includes('/')) return;
      context.report({ node: src, messageId: 'family', data: { from: name, to: toName } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

// ---------------------------------------------------------------------------
// Cycles: the runtime import graph of the project, built once per lint run.

const SOURCE_DIRS = ['shared', 'electron', 'renderer/src'];
const IMPORT_RE =
  /\b(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"](\.[^'"]+)['"]|\bimport\s*['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Runtime edges of one file's text (type-only imports and exports left out: they are erased). */
function runtimeEdges(abs, text) {
  const out = new Set();
  for (const m of text.matchAll(IMPORT_RE)) {
    if (m[2]) continue;
    const names = m[3] !== undefined ? /^\{([^}]*)\}$/.exec(m[3].trim()) : null;
    if (names) {
      const list = names[1]
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      if (list.length && list.every((n) => n.startsWith('type '))) continue;
    }
    const t = resolveImport(abs, m[4] ?? m[5] ?? m[6]);
    if (t) out.add(t);
  }
  return out;
}

/** The runtime import graph of the project's sources: file → the files it imports. */
export function projectGraph() {
  const graph = new Map();
  for (const d of SOURCE_DIRS) {
    const abs = path.join(ROOT, d);
    if (!existsSync(abs)) continue;
    for (const f of sourceFiles(abs)) graph.set(f, runtimeEdges(f, readFileSync(f, 'utf8')));
  }
  return graph;
}

/** The strongly connected components of more than one node (Tarjan, iterative): the import cycles. */
export function importCycles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const found = [];
  for (const start of graph.keys()) {
    if (idx.has(start)) continue;
    const work = [[start, [...(graph.get(start) ?? [])], 0]];
    idx.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1];
      const [v, edges] = frame;
      if (frame[2] < edges.length) {
        const w = edges[frame[2]++];
        if (!graph.has(w)) continue;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push([w, [...graph.get(w)], 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(v)));
      }
      if (low.get(v) === idx.get(v)) {
        const comp = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1) found.push(comp);
      }
    }
  }
  return found;
}

let cycleIndex;
/** File → the cycle (set of files) it is on, for every file on one; built once per lint run. */
function cycles() {
  if (cycleIndex) return cycleIndex;
  cycleIndex = new Map();
  for (const comp of importCycles(projectGraph())) {
    const set = new Set(comp);
    for (const f of comp) cycleIndex.set(f, set);
  }
  return cycleIndex;
}

export { rel as repoPath };

const noCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'no import cycles between modules' },
    schema: [],
    messages: {
      cycle:
        'module-map/no-cycle: importing {{to}} closes an import cycle: {{cycle}} (break it: ARCHITECTURE.md, module map)',
    },
  },
  create(context) {
    const comp = cycles().get(context.filename);
    if (!comp) return {};
    const check = (node) => {
      if (typeOnly(node)) return;
      const src = importsOf(node);
      if (!src || typeof src.value !== 'string') return;
      const target = resolveImport(context.filename, src.value);
      if (!target || !comp.has(target)) return;
      context.report({
        node: src,
        messageId: 'cycle',
        data: { to: rel(target), cycle: [...comp].map(rel).sort().join(' ↔ ') },
      });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default {
  meta: { name: 'module-map' },
  rules: { 'allowed-imports': allowedImports, 'rop-family': ropFamily, 'no-cycle': noCycle },
};
