import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultDatabasePath } from '../../../src-main/store/index.ts';

describe('defaultDatabasePath', () => {
  it('uses XDG_DATA_HOME on Linux, else ~/.local/share', () => {
    assert.equal(defaultDatabasePath({ platform: 'linux', home: '/home/eva', env: { XDG_DATA_HOME: '/data/xdg' } }),
      '/data/xdg/smearlab/smearlab.db');
    assert.equal(defaultDatabasePath({ platform: 'linux', home: '/home/eva', env: {} }), '/home/eva/.local/share/smearlab/smearlab.db');
  });

  it('ignores a relative XDG_DATA_HOME, as the XDG spec says', () => {
    assert.equal(defaultDatabasePath({ platform: 'linux', home: '/home/eva', env: { XDG_DATA_HOME: 'rel/dir' } }),
      '/home/eva/.local/share/smearlab/smearlab.db');
  });

  it('uses %APPDATA%\\Smearlab on Windows and Application Support on macOS', () => {
    assert.equal(defaultDatabasePath({ platform: 'win32', home: 'C:\\Users\\eva', env: { APPDATA: 'C:\\Users\\eva\\AppData\\Roaming' } }),
      'C:\\Users\\eva\\AppData\\Roaming\\Smearlab\\smearlab.db');
    assert.equal(defaultDatabasePath({ platform: 'win32', home: 'C:\\Users\\eva', env: {} }),
      'C:\\Users\\eva\\AppData\\Roaming\\Smearlab\\smearlab.db');
    assert.equal(defaultDatabasePath({ platform: 'darwin', home: '/Users/eva', env: {} }),
      '/Users/eva/Library/Application Support/Smearlab/smearlab.db');
  });

  it('lets SMEARLAB_DB override every platform default', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      assert.equal(defaultDatabasePath({ platform, home: '/h', env: { SMEARLAB_DB: '/mnt/lab/shared.db', XDG_DATA_HOME: '/x' } }),
        '/mnt/lab/shared.db');
    }
  });
});
