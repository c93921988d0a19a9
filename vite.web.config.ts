import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer as a plain web page, served by the headless backend (`mapiscope serve`).
export default defineConfig({
  root: resolve('renderer'),
  base: './',
  plugins: [react()],
  build: { outDir: resolve('dist-web'), emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { host: '127.0.0.1', port: 5173 },
});
