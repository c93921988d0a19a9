/**
 * The Probe panel as a live checklist against `mapiscope simulate --auth ntlm:…`
 * (a separate process on 127.0.0.1): every step of the logon ticks, and a wrong
 * password shows the NTLM refusal on the Autodiscover step with the rest not run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startBackend, type RunningBackend } from './backend';
import { ROOT, openUi, shot } from './ui-helpers';

let backend: RunningBackend;
let sim: ChildProcess;
let simUrl = '';

test.beforeAll(async () => {
  backend = await startBackend();
  sim = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/mapiscope.mjs'), 'simulate', '--json', '--quiet', '--auth', 'ntlm:CONTOSO\\alice:Pr0be!'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  simUrl = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('simulator did not start in 20 s')), 20_000);
    sim.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(t);
        resolve((JSON.parse(buf.slice(0, nl)) as { url: string }).url);
      }
    });
  });
});

test.afterAll(async () => {
  sim?.kill('SIGINT');
  await backend?.stop();
});

test('Probe panel: a logon step by step, live', async ({ page }) => {
  await openUi(page, backend);
  await page.getByRole('tab', { name: 'Probe' }).click();
  await page.getByLabel('Server').fill(simUrl);
  await page.getByLabel('User').fill('CONTOSO\\alice');
  await page.getByLabel('Password').fill('Pr0be!');
  await page.getByLabel('Mailbox').fill('alice@contoso.test');
  await page.getByRole('button', { name: 'Probe' }).click();
  const steps = page.getByRole('list', { name: 'Probe steps' }).locator('li');
  await expect(page.getByRole('status')).toHaveText(/^Succeeded — CONTOSO\\alice \(ntlm\)/, { timeout: 20_000 });
  await expect(steps).toHaveCount(10);
  for (const id of [
    'autodiscover',
    'connect',
    'logon',
    'open-inbox',
    'disconnect',
    'bind',
    'resolve',
    'unbind',
    'ping-emsmdb',
    'ping-nspi',
  ])
    await expect(page.locator(`li[data-step="${id}"]`)).toHaveAttribute('data-result', 'Succeeded');
  await expect(page.locator('li[data-step="logon"]')).toContainText('ReturnValue Success');
  await expect(page.locator('li[data-step="autodiscover"]')).toContainText(/NTLM handshake on connection \d+/);
  await page.screenshot({ path: shot('probe') });

  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Probe' }).click();
  await expect(page.getByRole('status')).toHaveText(/^Failed — CONTOSO\\alice/, { timeout: 20_000 });
  await expect(page.locator('li[data-step="autodiscover"]')).toHaveAttribute('data-result', 'Failed');
  await expect(page.locator('li[data-step="autodiscover"]')).toContainText(
    'NTLM: the server refused the credentials of CONTOSO\\alice',
  );
  await expect(page.locator('li[data-step="connect"]')).toHaveAttribute('data-result', 'Skipped');
  await expect(page.locator('li[data-step="connect"]')).toContainText('not run: authentication failed');
  // The password is never shown back.
  await expect(page.locator('.probe-view')).not.toContainText('Pr0be!');
});
