// The Electron IPC adapter driven by a fake ipcMain under plain Node: one
// channel per operation, the same validation as HTTP (every malformed case
// is a bad-input value, never a throw), untrusted senders refused, events
// forwarded to the page until it is gone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IpcMainInvokeEvent } from 'electron';
import { forwardEvents, registerIpcApi } from '../../../src-main/app/ipc-api.ts';
import type { IpcRegistry } from '../../../src-main/app/ipc-api.ts';
import { IPC_EVENT_CHANNEL, ipcChannel } from '../../../src-main/api/client-types.ts';
import type { ApiResult } from '../../../src-main/api/dispatch.ts';
import { OPERATION_NAMES } from '../../../src-main/api/operation-names.ts';
import { createApiRuntime } from '../../../src-main/runtime/api-runtime.ts';
import type { ApiRuntime } from '../../../src-main/runtime/api-runtime.ts';
import { SlideRegistry } from '../../../src-main/slide/slide-registry.ts';
import { TileService } from '../../../src-main/slide/tile-service.ts';
import { MEMORY_DATABASE, openStore } from '../../../src-main/store/index.ts';
import type { Store } from '../../../src-main/store/index.ts';
import type { AnnotatorRecord } from '../../../src-main/api/views.ts';
import { malformedCases } from './malformed-inputs.ts';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

class FakeIpcMain implements IpcRegistry {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, sender: IpcMainInvokeEvent, ...args: unknown[]): Promise<ApiResult> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(sender, ...args) as Promise<ApiResult>;
  }
}

const trusted = { senderFrame: { url: 'smearlab://app/index.html' } } as unknown as IpcMainInvokeEvent;
const stranger = { senderFrame: { url: 'https://example.com/' } } as unknown as IpcMainInvokeEvent;

let store: Store;
let runtime: ApiRuntime;
let ipc: FakeIpcMain;
let unregister: () => void;

before(() => {
  store = openStore(MEMORY_DATABASE);
  runtime = createApiRuntime({
    mode: 'electron', store, tiles: new TileService(new SlideRegistry()), tileBase: 'smearlab-tiles://local/', mediaBase: 'smearlab://app/',
    log: () => undefined,
  });
  ipc = new FakeIpcMain();
  unregister = registerIpcApi(ipc, runtime.invoke,
    (event) => (event.senderFrame as { url: string } | null)?.url.startsWith('smearlab://app/') ?? false);
});

after(async () => {
  await runtime.close();
  store.close();
});

test('one channel per contract operation', () => {
  assert.deepEqual([...ipc.handlers.keys()].sort(), OPERATION_NAMES.map(ipcChannel).sort());
});

test('every operation answers malformed input with a bad-input value naming the field', async () => {
  for (const operation of OPERATION_NAMES) {
    for (const { input, names } of malformedCases(operation)) {
      const result = await ipc.invoke(ipcChannel(operation), trusted, input);
      const what = `${operation} ${JSON.stringify(input)}`;
      assert.equal(result.ok, false, what);
      if (result.ok) continue;
      assert.equal(result.error.code, 'bad-input', what);
      assert.ok(result.error.message.startsWith(`${operation}: `) && result.error.message.includes(names), `${what}: ${result.error.message}`);
    }
  }
  const extraArgument = await ipc.invoke(ipcChannel('listSlides'), trusted, {}, 'more');
  assert.ok(!extraArgument.ok && extraArgument.error.code === 'bad-input');
});

test('valid calls answer ok values; a missing id is not-found, as over HTTP', async () => {
  const chosen = await ipc.invoke(ipcChannel('chooseAnnotator'), trusted, { name: 'Bea' });
  assert.ok(chosen.ok);
  assert.equal((chosen.value as AnnotatorRecord).name, 'Bea');
  const session = await ipc.invoke(ipcChannel('getSession'), trusted);
  assert.deepEqual(session.ok && { ...(session.value as object), version: 'v' },
    { mode: 'electron', canPickFiles: false, annotator: chosen.value, version: 'v' });
  assert.deepEqual(await ipc.invoke(ipcChannel('listSlides'), trusted, {}), { ok: true, value: [] });
  const missing = await ipc.invoke(ipcChannel('getCell'), trusted, { cellId: 77 });
  assert.ok(!missing.ok && missing.error.code === 'not-found' && /77/.test(missing.error.message));
});

test('a sender that is not our page is refused before anything runs', async () => {
  const before = store.listAnnotators().length;
  const result = await ipc.invoke(ipcChannel('chooseAnnotator'), stranger, { name: 'Mallory' });
  assert.ok(!result.ok && result.error.code === 'unsupported');
  assert.equal(store.listAnnotators().length, before);
});

test('events reach the page as { event, payload } until it is destroyed; unregister removes every channel', () => {
  const sent: unknown[][] = [];
  let destroyed = false;
  forwardEvents(runtime.events, { isDestroyed: () => destroyed, send: (...args) => sent.push(args) });
  runtime.events.emit('slides-changed', { slideId: 4 });
  destroyed = true;
  runtime.events.emit('slides-changed', { slideId: 5 });
  assert.deepEqual(sent, [[IPC_EVENT_CHANNEL, { event: 'slides-changed', payload: { slideId: 4 } }]]);
  unregister();
  assert.equal(ipc.handlers.size, 0);
});

test('blind reading holds over IPC too: a reader who has not finished gets no other reader\'s labels', async () => {
  // The test before removed every channel.
  unregister = registerIpcApi(ipc, runtime.invoke, () => true);
  const slideId = store.upsertSlide({ path: '/s/blind.mrxs', format: 'mirax', width: 4000, height: 2000 }).slide.id;
  store.planSlices(slideId, [{ x: 0, y: 0, width: 2000, height: 2000 }]);
  const [one, two] = store.commitSliceCells(store.listSlices(slideId)[0]!.id, [0, 1].map((i) => ({
    box: { x: 100 + 200 * i, y: 100, width: 50, height: 50 }, centre: { x: 125 + 200 * i, y: 125 },
  }))).cells.map((c) => c!.id) as [number, number];
  store.setReadingSettings(slideId, { blind: true });
  store.applyLabel(one, 'unhealthy', store.ensureAnnotator('Ada').id);
  const cy = await ipc.invoke(ipcChannel('chooseAnnotator'), trusted, { name: 'Cy', role: 'reader' });
  assert.ok(cy.ok);
  const cyId = (cy.value as AnnotatorRecord).id;
  await ipc.invoke(ipcChannel('labelCell'), trusted, { cellId: one, label: 'healthy', annotatorId: cyId });
  const hidden = await ipc.invoke(ipcChannel('cellReadings'), trusted, { cellId: one });
  assert.ok(!hidden.ok && hidden.error.code === 'blinded', JSON.stringify(hidden));
  const markers = await ipc.invoke(ipcChannel('cellMarkers'), trusted, { slideId });
  assert.ok(markers.ok);
  assert.deepEqual([...(markers.value as { labels: Int8Array }).labels], [0, -1], "Cy's overlay shows Cy's label, not Ada's unhealthy");
  await ipc.invoke(ipcChannel('labelCell'), trusted, { cellId: two, label: 'healthy', annotatorId: cyId });
  const shown = await ipc.invoke(ipcChannel('cellReadings'), trusted, { cellId: one });
  assert.ok(shown.ok, 'finished: the blinding lifts');
});
