#!/usr/bin/env node
// `npm start`: the Electron app where its binary exists; otherwise one line
// saying so, then the same UI served by the headless backend (`mapiscope serve`).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

function electronBinary() {
  // Where the electron package keeps its binary once downloaded (requiring it would download).
  try {
    const dir = path.dirname(require.resolve('electron/package.json'));
    const p = path.join(dir, 'dist', readFileSync(path.join(dir, 'path.txt'), 'utf8').trim());
    return existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
    const stop = () => child.kill('SIGINT');
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const bin = electronBinary();
if (bin) {
  if (!existsSync(path.join(root, 'out/main/main.js'))) await run(npm, ['run', '--silent', 'build']);
  process.exit(await run(bin, [root, ...process.argv.slice(2)]));
} else {
  console.log('Electron binary not available on this machine; starting the browser UI instead (mapiscope serve).');
  if (!existsSync(path.join(root, 'dist-web/index.html'))) await run(npm, ['run', '--silent', 'build:web']);
  process.exit(await run(process.execPath, [path.join(root, 'bin/mapiscope.mjs'), 'serve', ...process.argv.slice(2)]));
}
