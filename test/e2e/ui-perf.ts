/**
 * The 100k-exchange list measurements shared by the perf spec and
 * test/bench/ui.bench.ts: time to the first screen of rows, and frame times
 * while scrolling the virtualised list to the end.
 */
import type { Page } from 'playwright-core';

export interface ListFigures {
  /** From navigation to the first rows on screen (the list is usable: rows page in after them). */
  firstScreenMs: number;
  /** From navigation until every row is loaded (the status bar counts all of them). */
  fullListMs: number;
  /** Rows in the DOM once shown (the virtual list renders only what is in view). */
  domRows: number;
  scroll: ScrollFigures;
}

export async function measureList(page: Page, url: string, n: number): Promise<ListFigures> {
  const t0 = Date.now();
  await page.goto(url);
  await page
    .locator('[aria-label="Exchange list"] [role="row"]')
    .first()
    .waitFor({ state: 'visible', timeout: 120_000 });
  const firstScreenMs = Date.now() - t0;
  await page
    .getByTestId('exchange-count')
    .filter({ hasText: `${n} exchanges` })
    .waitFor({ timeout: 120_000 });
  const fullListMs = Date.now() - t0;
  const domRows = await page.locator('[aria-label="Exchange list"] [role="row"]').count();
  const scroll = await scrollFigures(page, '[aria-label="Exchange list"]');
  return { firstScreenMs, fullListMs, domRows, scroll };
}

export interface ScrollFigures {
  frames: number;
  meanMs: number;
  p95Ms: number;
  maxMs: number;
  lastId: number;
}

/** Scrolls the element to its end in 240 large strides, one per animation frame, and times the frames. */
export function scrollFigures(page: Page, selector: string): Promise<ScrollFigures> {
  return page.evaluate(async (sel) => {
    const el = document.querySelector(sel) as HTMLElement;
    const frames: number[] = [];
    const steps = 240;
    const max = el.scrollHeight - el.clientHeight;
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    let last = performance.now();
    for (let i = 1; i <= steps; i++) {
      el.scrollTop = Math.round((max * i) / steps);
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const now = performance.now();
      frames.push(now - last);
      last = now;
    }
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    const ids = [...el.querySelectorAll('[data-id]')].map((r) => Number((r as HTMLElement).dataset.id));
    const sorted = [...frames].sort((a, b) => a - b);
    return {
      frames: frames.length,
      meanMs: frames.reduce((a, b) => a + b, 0) / frames.length,
      p95Ms: sorted[Math.floor(sorted.length * 0.95)]!,
      maxMs: sorted[sorted.length - 1]!,
      lastId: Math.max(...ids),
    };
  }, selector);
}

/** The same 100k rows as plain DOM (no virtualisation), built once: the baseline for the first screen. */
export async function measurePlainDom(
  page: Page,
  n: number,
): Promise<{ firstScreenMs: number; scroll: ScrollFigures }> {
  await page.setContent(
    '<html><body style="margin:0"><div id="list" style="height:700px;overflow:auto;font:13px sans-serif"></div></body></html>',
  );
  const firstScreenMs = await page.evaluate(async (count) => {
    const t = performance.now();
    const parts: string[] = [];
    for (let i = 1; i <= count; i++)
      parts.push(
        `<div data-id="${i}" style="height:24px;display:flex;gap:8px"><span>${i}</span><span>09:00:00.000</span><span>emsmdb</span><span>Execute</span><span>200</span><span>0</span><span>12 ms</span><span>40 B</span><span>80 B</span></div>`,
      );
    document.getElementById('list')!.innerHTML = parts.join('');
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t;
  }, n);
  return { firstScreenMs, scroll: await scrollFigures(page, '#list') };
}
