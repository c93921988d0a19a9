/** Helpers for the UI specs (the backend itself is started by ./backend.ts). */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';
import type { RunningBackend } from './backend';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const GROMOX_RULER = path.join(ROOT, 'test/fixtures/gromox-ruler/cap1');
/**
 * Screenshots of each view: committed under test/e2e/__screenshots__ when run with
 * UPDATE_SCREENSHOTS=1 (then looked at), otherwise written to test-results/ so a
 * plain test run leaves the tree clean.
 */
export const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.join(ROOT, 'test/e2e/__screenshots__')
    : path.join(ROOT, 'test-results/screenshots');

/** Whether the backend registers an RPC method (a missing one answers 404 "no such method"). */
export async function hasMethod(b: RunningBackend, method: string, probe: unknown = {}): Promise<boolean> {
  try {
    await b.rpc(method, probe);
    return true;
  } catch (e) {
    return !/no such method/i.test(String(e));
  }
}

/** Opens the UI with the per-run token and waits for the event channel. */
export async function openUi(page: Page, b: RunningBackend): Promise<void> {
  await page.goto(b.url);
  await expect(page.getByTestId('backend-state')).toHaveText(/Connected/);
}

/** Loads the ruler⇄gromox capture (folder of bodies) through the backend's file.open. */
export async function loadRuler(b: RunningBackend): Promise<number> {
  const r = await b.rpc<{ count: number }>('file.open', { path: GROMOX_RULER });
  return r.count;
}

export function shot(name: string): string {
  mkdirSync(SHOTS, { recursive: true });
  return path.join(SHOTS, `${name}.png`);
}
