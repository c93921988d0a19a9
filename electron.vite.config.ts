import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: resolve('electron/main/main.ts'), formats: ['es'], fileName: () => 'main.js' },
      rolldownOptions: { external: ['electron', 'http-mitm-proxy', 'ws', 'node-forge', '@duckdb/node-api'] },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      lib: { entry: resolve('electron/preload/preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
    },
  },
  renderer: {
    root: resolve('renderer'),
    base: './',
    plugins: [react()],
    build: { outDir: resolve('out/renderer'), rolldownOptions: { input: resolve('renderer/index.html') } },
  },
});
