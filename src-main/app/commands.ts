// The application's commands, declared once: label, accelerator, where the
// menu shows them, and what they do. The menu template is generated from this
// table (the renderer's keymap is its own table, for in-page keys).

import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../api/events.ts';

export type MenuPlace = 'file' | 'help';

export type CommandAction =
  // Sent to the page as a 'menu-command' event; for open-slide the page calls
  // openSlideFile({}), which shows the system dialog from main.
  | { kind: 'renderer'; command: MenuCommand }
  | { kind: 'role'; role: NonNullable<MenuItemConstructorOptions['role']> };

export interface AppCommand {
  id: string;
  label: string;
  accelerator?: string;
  place: MenuPlace;
  /** Starts a new group in its menu. */
  separatorBefore?: boolean;
  action: CommandAction;
}

export const APP_COMMANDS: readonly AppCommand[] = [
  { id: 'open-slide', label: 'Open Slide…', accelerator: 'CmdOrCtrl+O', place: 'file', action: { kind: 'renderer', command: 'open-slide' } },
  { id: 'ingest', label: 'Ingest…', accelerator: 'CmdOrCtrl+I', place: 'file', action: { kind: 'renderer', command: 'ingest' } },
  { id: 'export', label: 'Export Dataset…', accelerator: 'CmdOrCtrl+E', place: 'file', action: { kind: 'renderer', command: 'export' } },
  { id: 'quit', label: 'Quit', accelerator: 'CmdOrCtrl+Q', place: 'file', separatorBefore: true, action: { kind: 'role', role: 'quit' } },
];

const MENU_LABELS: Record<MenuPlace, string> = { file: '&File', help: '&Help' };

/** The application menu for `commands`; `run` carries out the non-role ones. */
export function menuTemplate(commands: readonly AppCommand[], run: (command: AppCommand) => void): MenuItemConstructorOptions[] {
  const places: MenuPlace[] = ['file', 'help'];
  return places
    .map((place) => ({
      label: MENU_LABELS[place],
      submenu: commands.filter((c) => c.place === place).flatMap((command): MenuItemConstructorOptions[] => {
        const item: MenuItemConstructorOptions = command.action.kind === 'role'
          ? { label: command.label, accelerator: command.accelerator, role: command.action.role }
          : { label: command.label, accelerator: command.accelerator, click: () => run(command) };
        return command.separatorBefore ? [{ type: 'separator' }, item] : [item];
      }),
    }))
    .filter((menu) => menu.submenu.length > 0);
}
