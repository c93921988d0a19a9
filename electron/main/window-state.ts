/** Window bounds saved on close and restored at start, clamped to a visible display. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export interface DisplayArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

const DEFAULT: WindowState = { width: 1440, height: 900, maximized: false };

export function loadWindowState(dir: string): WindowState {
  try {
    const v = JSON.parse(readFileSync(path.join(dir, 'window-state.json'), 'utf8')) as Partial<WindowState>;
    if (typeof v.width !== 'number' || typeof v.height !== 'number') return { ...DEFAULT };
    return {
      ...(typeof v.x === 'number' ? { x: v.x } : {}),
      ...(typeof v.y === 'number' ? { y: v.y } : {}),
      width: v.width,
      height: v.height,
      maximized: v.maximized === true,
    };
  } catch {
    return { ...DEFAULT };
  }
}

export function saveWindowState(dir: string, s: WindowState): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'window-state.json'), JSON.stringify(s));
}

/** Keeps a restored window on a display that still exists (monitors change). */
export function clampToDisplays(s: WindowState, displays: readonly DisplayArea[]): WindowState {
  const width = Math.max(960, Math.min(s.width, 10_000));
  const height = Math.max(600, Math.min(s.height, 10_000));
  if (s.x === undefined || s.y === undefined) return { width, height, maximized: s.maximized };
  const visible = displays.some(
    (d) => s.x! + 100 > d.x && s.x! < d.x + d.width - 100 && s.y! >= d.y - 10 && s.y! < d.y + d.height - 50,
  );
  return visible
    ? { x: s.x, y: s.y, width, height, maximized: s.maximized }
    : { width, height, maximized: s.maximized };
}
