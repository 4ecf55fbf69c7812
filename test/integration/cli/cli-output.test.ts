// The CLI's output as a terminal and a pipe see it: a reader that goes away
// (`smearlab info scan.mrxs | head`) ends the command quietly, and a scan
// whose Slidedat.ini holds control bytes prints them as escapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_OUTPUT_GONE } from '../../../src-main/cli/main.ts';
import { copyMiraxSlide } from '../../fixtures/corrupt-slide.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = 'src-main/cli/smearlab.mjs';

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs the CLI; `closed` names the stream whose reader is gone before the CLI writes a byte. */
function run(args: string[], closed: 'stdout' | 'stderr' | null = null): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // Closing our end of the pipe now makes the child's first write to it fail with EPIPE, every time.
    if (closed === 'stdout') child.stdout.destroy();
    else child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    if (closed === 'stderr') child.stderr.destroy();
    else child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`smearlab ${args.join(' ')} still running after 60 s`));
    }, 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

test('info into a pipe whose reader has gone exits quietly with the failure code, no stack', async () => {
  const fixture = await ensureFixtureSlide('tiny');
  const gone = await run(['info', fixture.mrxsPath], 'stdout');
  assert.equal(gone.signal, null);
  assert.equal(gone.code, EXIT_OUTPUT_GONE);
  assert.equal(gone.stderr, '', 'quiet: nothing on stderr');
  // The same with stderr gone (an error message with nowhere to go).
  const noStderr = await run(['info', '/no/such/dir/scan.mrxs'], 'stderr');
  assert.equal(noStderr.signal, null);
  assert.equal(noStderr.code, EXIT_OUTPUT_GONE);
  assert.equal(noStderr.stdout, '');
});

test('info on a scan whose Slidedat.ini holds control bytes prints them escaped', async () => {
  const fixture = await ensureFixtureSlide('tiny');
  const slide = await copyMiraxSlide(fixture.mrxsPath);
  try {
    const ini = join(slide.dataDir, 'Slidedat.ini');
    const text = await readFile(ini, 'latin1');
    const hostile = '\u001b[2J\u001b]0;pwned\u0007red\u007f\u0008tail\u0001';
    await writeFile(ini, text.replace(/^SLIDE_NAME = .*$/m, `SLIDE_NAME = ${hostile}`), 'latin1');
    const shown = await run(['info', slide.mrxsPath]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^ {4}mirax\.GENERAL\.SLIDE_NAME = \\x1b\[2J\\x1b\]0;pwned\\x07red\\x7f\\x08tail\\x01$/m);
    assert.doesNotMatch(shown.stdout, /[^\P{Cc}\n]/u, 'no raw control byte reaches the terminal');
    // JSON keeps the value exact (JSON.stringify escapes it).
    const json = await run(['info', '--json', slide.mrxsPath]);
    assert.equal(json.code, 0, json.stderr);
    const info = JSON.parse(json.stdout) as { properties: Record<string, string> };
    assert.equal(info.properties['mirax.GENERAL.SLIDE_NAME'], hostile);
  } finally {
    await slide.dispose();
  }
});
