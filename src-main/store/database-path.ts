// Where the one Smearlab database lives: the platform's user data folder, so
// the desktop app and the `smearlab` CLI on the same account share it.
// SMEARLAB_DB (a file path) overrides; so does an explicit path to openStore.

import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

export const DATABASE_FILE_NAME = 'smearlab.db';

export interface DatabasePathEnvironment {
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  home?: string;
}

/** The database file for this user; the folder is created by openStore, not here. */
export function defaultDatabasePath(environment: DatabasePathEnvironment = {}): string {
  const env = environment.env ?? process.env;
  const platform = environment.platform ?? process.platform;
  const home = environment.home ?? homedir();
  const override = env.SMEARLAB_DB?.trim();
  if (override) return override;
  if (platform === 'win32') {
    const appData = env.APPDATA?.trim() || win32.join(home, 'AppData', 'Roaming');
    return win32.join(appData, 'Smearlab', DATABASE_FILE_NAME);
  }
  if (platform === 'darwin') {
    return posix.join(home, 'Library', 'Application Support', 'Smearlab', DATABASE_FILE_NAME);
  }
  // XDG: a relative XDG_DATA_HOME is invalid by the spec and must be ignored.
  const xdg = env.XDG_DATA_HOME?.trim();
  const dataHome = xdg && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.local', 'share');
  return posix.join(dataHome, 'smearlab', DATABASE_FILE_NAME);
}
