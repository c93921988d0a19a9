import { describe, expect, it } from 'vitest';
import { menuActions, menuTemplate } from '../../../electron/main/menu';
import { MENU_ACTIONS, MENU_HANDLERS } from '../../../renderer/src/menu-commands';

describe('menu commands', () => {
  it('handles every action of the desktop menu, on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'])
      for (const dev of [false, true]) {
        const actions = menuActions(menuTemplate({ platform, dev }));
        expect([...actions].sort()).toEqual([...MENU_ACTIONS].sort());
      }
  });
  it('has one handler per action', () => {
    expect(Object.keys(MENU_HANDLERS).sort()).toEqual([...MENU_ACTIONS].sort());
  });
});
