import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('electron-builder config', () => {
  const cfg = JSON.parse(readFileSync('build/electron-builder.json', 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string };
  it('packages the electron-vite output that package.json starts', () => {
    expect(cfg.extraMetadata.main).toBe(pkg.main);
    expect(cfg.files).toContain('out/**');
    const vite = readFileSync('electron.vite.config.ts', 'utf8');
    expect(vite).toContain("fileName: () => 'main.js'");
    expect(vite).toContain("fileName: () => 'preload.cjs'");
  });
  it('targets NSIS, dmg and AppImage', () => {
    expect(cfg.win.target[0].target).toBe('nsis');
    expect(cfg.mac.target[0].target).toBe('dmg');
    expect(cfg.linux.target[0].target).toBe('AppImage');
    expect(cfg.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
  });
});
