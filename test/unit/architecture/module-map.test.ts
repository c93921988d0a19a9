/**
 * The module map rules of build/eslint/module-map.mjs (run by `npm test` through `eslint .`):
 * a wrong import gets a message naming the rule, and the project has no import cycle.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import moduleMap, { importCycles, projectGraph, repoPath } from '../../../build/eslint/module-map.mjs';

const ROOT = path.resolve(import.meta.dirname, '../../..');

async function lint(file: string, text: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { 'module-map': moduleMap },
        rules: {
          'module-map/allowed-imports': 'error',
          'module-map/rop-family': 'error',
          'module-map/no-cycle': 'error',
        },
      },
    ],
  });
  const [r] = await eslint.lintText(text, { filePath: path.join(ROOT, file) });
  return r!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('module map lint rules', () => {
  it('the codec layer imports nothing outside itself', async () => {
    const msgs = await lint(
      'shared/codec/wrong.ts',
      "import { decodeExchange } from '../protocol/decode-exchange.js';\nexport const x = decodeExchange;\n",
    );
    expect(msgs).toEqual([
      'module-map/allowed-imports: module-map/allowed-imports: shared/codec/ may import nothing outside itself, not shared/protocol/decode-exchange.ts (ARCHITECTURE.md, module map)',
    ]);
  });

  it('the backend does not import the CLI, shared/ does not import electron/, the renderer only shared/', async () => {
    expect(
      await lint('electron/backend/wrong.ts', "import { main } from '../cli/main.js';\nexport { main };\n"),
    ).toEqual([
      expect.stringContaining(
        'module-map/allowed-imports: electron/backend/ may import shared/, not electron/cli/main.ts',
      ),
    ]);
    expect(
      await lint(
        'shared/session/wrong.ts',
        "import { Workspace } from '../../electron/backend/workspace.js';\nexport { Workspace };\n",
      ),
    ).toEqual([expect.stringContaining('not electron/backend/workspace.ts')]);
    expect(
      await lint(
        'renderer/src/wrong.ts',
        "import { Backend } from '../../electron/backend/backend.js';\nexport { Backend };\n",
      ),
    ).toEqual([expect.stringContaining('module-map/allowed-imports: renderer/ may import shared/')]);
  });

  it('allowed imports pass: session → protocol, CLI → backend store', async () => {
    expect(
      await lint(
        'shared/session/ok.ts',
        "import { decodeExchange } from '../protocol/decode-exchange.js';\nexport const x = decodeExchange;\n",
      ),
    ).toEqual([]);
    expect(
      await lint(
        'electron/cli/ok.ts',
        "import { loadExchanges } from '../backend/store/load.js';\nexport const x = loadExchanges;\n",
      ),
    ).toEqual([]);
  });

  it('a ROP family takes helpers from common.ts, never from another family', async () => {
    const msgs = await lint(
      'shared/protocol/rops/wrong.ts',
      "import { tagList } from './common.js';\nimport { ropGetPropertiesAll } from './property.js';\nexport const x = [tagList, ropGetPropertiesAll];\n",
    );
    expect(msgs).toEqual([
      'module-map/rop-family: module-map/rop-family: wrong.ts imports the ROP family property.ts; shared helpers belong in common.ts (ARCHITECTURE.md, ROPs)',
    ]);
  });

  it('finds a cycle in an import graph', () => {
    const g = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a', 'd'])],
      ['d', new Set<string>()],
    ]);
    expect(importCycles(g).map((c: string[]) => [...c].sort())).toEqual([['a', 'b', 'c']]);
  });

  it('the project has no import cycle', () => {
    const found = importCycles(projectGraph()).map((c: string[]) => c.map(repoPath).sort().join(' ↔ '));
    expect(found).toEqual([]);
  });
});
