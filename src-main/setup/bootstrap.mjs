#!/usr/bin/env node
// Makes a fresh clone runnable: system packages, npm dependencies, the native
// OpenSlide binding. Plain Node with no dependencies, because it runs before
// `npm ci`. Idempotent and quick when everything is already in place.
//   node src-main/setup/bootstrap.mjs               what the app and demo need
//   node src-main/setup/bootstrap.mjs --for-tests   plus Chromium and the Python reference peers
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const forTests = process.argv.includes('--for-tests');

// Debian package -> what proves it is installed (a file), so the check works
// without dpkg on other distributions that put files in the same places.
const appPackages = {
  libopenslide0: ['/usr/lib/x86_64-linux-gnu/libopenslide.so.0', '/usr/lib/aarch64-linux-gnu/libopenslide.so.0'],
  'libopenslide-dev': ['/usr/include/openslide/openslide.h'],
  'libjpeg62-turbo-dev': ['/usr/include/jpeglib.h'],
};
const testPackages = {
  chromium: ['/usr/bin/chromium'],
  'python3-openslide': ['/usr/lib/python3/dist-packages/openslide/__init__.py'],
  'python3-skimage': ['/usr/lib/python3/dist-packages/skimage/__init__.py'],
};

function log(msg) { process.stdout.write(`[setup] ${msg}\n`); }

class SetupError extends Error {}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  // Thrown, not process.exit: the setup lock must be released on the way out.
  if (r.status !== 0) throw new SetupError(`failed: ${cmd} ${args.join(' ')} (exit ${r.status ?? r.signal})`);
}

function ensureSystemPackages() {
  const wanted = { ...appPackages, ...(forTests ? testPackages : {}) };
  const missing = Object.entries(wanted)
    .filter(([, files]) => !files.some((f) => existsSync(f)))
    .map(([name]) => name);
  if (missing.length === 0) return;
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(`[setup] missing system packages: ${missing.join(', ')}\n[setup] install them with:\n  sudo sh -c '${cmd}'`);
    process.exit(1);
  }
  log(`installing system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules', '.smearlab-lock.sha256');
  const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return;
  log('node_modules missing or stale: npm ci');
  run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, `${want}\n`);
}

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(path) : st.mtimeMs);
  }
  return newest;
}

function ensureNativeBinding() {
  const native = join(root, 'native');
  const built = join(native, 'build', 'Release', 'openslide_binding.node');
  const sources = Math.max(newestMtime(join(native, 'src')), statSync(join(native, 'binding.gyp')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  log('building the native OpenSlide binding');
  // Build against the headers of the Node that runs us when they are installed
  // beside it, so node-gyp never needs to download them (offline machines).
  const prefix = join(dirname(process.execPath), '..');
  const headers = join(prefix, 'include', 'node', 'node_version.h');
  const nodedir = existsSync(headers) ? [`--nodedir=${prefix}`] : [];
  run(process.execPath, [join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), 'rebuild', ...nodedir, '-C', native]);
}

// Two setups at once (two terminals, a test and a benchmark) would wipe each
// other's node_modules: the second waits for the first, then re-checks.
const LOCK_STALE_MS = 20 * 60 * 1000;
function withSetupLock(fn) {
  const lock = join(root, '.cache', 'setup.lock');
  mkdirSync(join(root, '.cache'), { recursive: true });
  for (let waited = false; ; waited = true) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) { rmSync(lock, { recursive: true, force: true }); continue; }
      if (!waited) log('another setup is running; waiting for it');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

try {
  ensureSystemPackages();
  withSetupLock(() => {
    ensureNodeModules();
    ensureNativeBinding();
  });
} catch (err) {
  if (!(err instanceof SetupError)) throw err;
  console.error(`[setup] ${err.message}`);
  process.exit(1);
}
