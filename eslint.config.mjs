import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import moduleMap from './build/eslint/module-map.mjs';

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist-web/', 'test-results/', 'playwright-report/', 'patches/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // shared/ runs everywhere: no Node or DOM imports.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'crypto', 'electron', 'react*'] },
      ],
      'no-restricted-globals': ['error', 'Buffer', 'process', 'window', 'document', 'require'],
    },
  },
  {
    // Only the main and preload processes may import electron.
    files: ['electron/backend/**/*.ts', 'electron/cli/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    // The module map of ARCHITECTURE.md (build/eslint/module-map.mjs): allowed imports per folder,
    // ROP families apart, no import cycles.
    files: ['shared/**/*.ts', 'electron/**/*.ts', 'renderer/src/**/*.{ts,tsx}'],
    plugins: { 'module-map': moduleMap },
    rules: {
      'module-map/allowed-imports': 'error',
      'module-map/rop-family': 'error',
      'module-map/no-cycle': 'error',
    },
  },
);
