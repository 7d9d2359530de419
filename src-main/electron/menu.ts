/**
 * The application menu: the standard roles only (the lab's actions live in the vSphere-style UI).
 */
import { Menu } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';

export function buildMenu(): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
