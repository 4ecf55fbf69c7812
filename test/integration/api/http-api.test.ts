// The contract over HTTP against a real server, store and slide: every
// operation refuses malformed input naming the field; transport errors
// (token, unknown operation, bad JSON, oversized body); the library and
// viewer data; a labelling round trip with undo / redo / flag, history and a
// server-sent label event; crops; the renderer's files under the CSP; and the
// browser-mode client over the same server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { OPERATION_NAMES } from '../../../src-main/api/operation-names.ts';
import { fromWireJson } from '../../../src-main/api/wire.ts';
import { createHttpClient, apiBaseFromLocation } from '../../../src-main/api/http-client.ts';
import { ApiCallError } from '../../../src-main/api/errors.ts';
import type { ApiError } from '../../../src-main/api/errors.ts';
import type {
  AnnotatorRecord, CellDetail, CellView, ClassCounts, GalleryPageView, LabelResult, SlideDetail, SlideListEntry, UndoResult,
} from '../../../src-main/api/views.ts';
import type { CellMarkers } from '../../../src-main/domain/cell.ts';
import { malformedCases } from '../../unit/api/malformed-inputs.ts';
import { readEvents, startApiFixture, TEST_INDEX_HTML } from './api-fixture.ts';
import type { ApiFixture } from './api-fixture.ts';

let f: ApiFixture;

before(async () => {
  f = await startApiFixture();
});

after(async () => {
  await f?.dispose();
});

test('every operation rejects malformed input with a 400 bad-input naming the field', async () => {
  let checked = 0;
  for (const operation of OPERATION_NAMES) {
    for (const { input, names } of malformedCases(operation)) {
      const { status, body } = await f.call<ApiError>(operation, JSON.stringify(input));
      const what = `${operation} ${JSON.stringify(input)}`;
      assert.equal(status, 400, what);
      assert.equal(body.code, 'bad-input', what);
      assert.ok(body.message.startsWith(`${operation}: `), `${what}: ${body.message}`);
      assert.ok(body.message.includes(names), `${what}: "${body.message}" should name ${names}`);
      checked++;
    }
  }
  assert.ok(checked > OPERATION_NAMES.length * 5);
});

test('transport errors: wrong token 403, unknown operation 404, GET 405, bad JSON 400, oversized body 413', async () => {
  const wrongToken = await fetch(f.mode.server.baseUrl.replace(/\/t\/[^/]+\//, '/t/not-the-token/') + 'api/listSlides', { method: 'POST', body: '{}' });
  assert.equal(wrongToken.status, 403);

  const unknown = await f.call<ApiError>('dropTables', {});
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'unknown-operation');
  assert.match(unknown.body.message, /dropTables/);

  const get = await fetch(`${f.mode.server.baseUrl}api/listSlides`);
  assert.equal(get.status, 405);

  const badJson = await f.post('getSlide', '{"slideId": 1');
  assert.equal(badJson.status, 400);
  const badJsonBody = await badJson.json() as ApiError;
  assert.equal(badJsonBody.code, 'bad-input');
  assert.match(badJsonBody.message, /not valid JSON/);

  const big = await f.post('chooseAnnotator', JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }));
  assert.equal(big.status, 413);
  assert.match((await big.json() as ApiError).message, /larger than/);

  // An empty body is an empty input; the server still answers after all of the above.
  const empty = await f.post('listSlides', '');
  assert.equal(empty.status, 200);
});

test('ids that do not exist are 404 not-found with the id in the message', async () => {
  const slide = await f.call<ApiError>('getSlide', { slideId: 999 });
  assert.equal(slide.status, 404);
  assert.equal(slide.body.code, 'not-found');
  assert.match(slide.body.message, /999/);
  const label = await f.call<ApiError>('labelCell', { cellId: 424242, label: 'healthy', annotatorId: 1 });
  assert.equal(label.status, 404);
  assert.match(label.body.message, /424242/);
});

test('library and viewer: counts, thumbnail, DZI, slice grid, FOV mask', async () => {
  const { status, body: slides } = await f.call<SlideListEntry[]>('listSlides');
  assert.equal(status, 200);
  assert.equal(slides.length, 1);
  const [entry] = slides;
  assert.equal(entry!.id, f.slideId);
  assert.equal(entry!.name, f.fixture.mrxsPath.split('/').pop());
  assert.ok(entry!.counts.total > 0);
  assert.equal(entry!.counts.labelled, 0);
  assert.equal(entry!.slices.done, entry!.slices.total);
  assert.equal(entry!.latestJob?.state, 'done');

  const thumbnail = await fetch(entry!.thumbnailUrl);
  assert.equal(thumbnail.status, 200);
  const thumbMeta = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
  assert.equal(thumbMeta.format, 'jpeg');
  assert.equal(Math.max(thumbMeta.width!, thumbMeta.height!), 256);

  const detail = (await f.call<SlideDetail>('getSlide', { slideId: f.slideId })).body;
  assert.equal(detail.tileError, null);
  assert.equal(detail.width, f.fixture.width);
  assert.ok(Math.abs(detail.mppX! - f.fixture.mppX) < 1e-6);
  assert.equal(detail.sliceGrid.length, entry!.slices.total);
  assert.ok(detail.sliceGrid.every((s) => s.width > 0 && s.state === 'done'));
  assert.deepEqual(detail.dziOrigin, { x: 0, y: 0 }, 'the tiny slide is scanned from its corner');
  const dzi = await fetch(detail.dziUrl!);
  assert.equal(dzi.status, 200);
  assert.match(await dzi.text(), new RegExp(`Width="${f.fixture.width}"`));
  const mask = await fetch(detail.fovMaskUrl!);
  assert.equal(mask.status, 200);
  assert.equal((await sharp(Buffer.from(await mask.arrayBuffer())).metadata()).format, 'png');
});

test('labelling round trip: label, counts, next, SSE event, history, undo, redo, flag, markers, gallery', async () => {
  const annotator = (await f.call<AnnotatorRecord>('chooseAnnotator', { name: 'Dr Ana' })).body;
  assert.equal((await f.call<{ annotator: AnnotatorRecord | null }>('getSession')).body.annotator?.id, annotator.id);
  const first = (await f.call<CellView>('neighbourCell', { slideId: f.slideId, direction: 'next' })).body;
  assert.equal(first.label, null);

  let labelled: LabelResult | undefined;
  const events = await readEvents(`${f.mode.server.baseUrl}events`, (seen) => seen.some((e) => e.event === 'label-changed'), async () => {
    const answer = await f.call<LabelResult>('labelCell', { cellId: first.id, label: 'unhealthy', annotatorId: annotator.id });
    assert.equal(answer.status, 200);
    labelled = answer.body;
  });
  const event = fromWireJson(events.find((e) => e.event === 'label-changed')!.data) as LabelResult['change'];
  assert.equal(event.cellId, first.id);
  assert.equal(event.current.label, 'unhealthy');
  assert.equal(event.slideId, f.slideId);

  assert.ok(labelled);
  assert.equal(labelled.cell.label, 'unhealthy');
  assert.equal(labelled.counts.labelled, 1);
  assert.equal(labelled.counts.byClass.unhealthy, 1);
  assert.ok(labelled.next && labelled.next.id !== first.id && labelled.next.label === null);
  assert.equal(labelled.undo.undoCellId, first.id);

  const undone = (await f.call<UndoResult>('undo', { annotatorId: annotator.id })).body;
  assert.equal(undone.cell?.label, null);
  assert.equal(undone.counts?.labelled, 0);
  assert.equal(undone.undo.redoCellId, first.id);
  const redone = (await f.call<UndoResult>('redo', { annotatorId: annotator.id })).body;
  assert.equal(redone.cell?.label, 'unhealthy');
  const flagged = (await f.call<LabelResult>('flagCell', { cellId: first.id, flagged: true, annotatorId: annotator.id })).body;
  assert.equal(flagged.cell.flagged, true);
  assert.equal(flagged.counts.flagged, 1);
  assert.equal(flagged.next, null);

  const detail = (await f.call<CellDetail>('getCell', { cellId: first.id })).body;
  assert.deepEqual(detail.history.map((h) => [h.kind, h.action, h.value, h.annotatorName]), [
    ['label', 'do', 'unhealthy', 'Dr Ana'],
    ['label', 'undo', null, 'Dr Ana'],
    ['label', 'redo', 'unhealthy', 'Dr Ana'],
    ['flag', 'do', true, 'Dr Ana'],
  ]);
  assert.ok(detail.history.every((h) => h.createdAt > Date.now() - 60_000 && h.createdAt <= Date.now()));

  const markersResponse = await f.post('cellMarkers', { slideId: f.slideId });
  const markers = fromWireJson(await markersResponse.text()) as CellMarkers;
  assert.ok(markers.ids instanceof Uint32Array && markers.boxes instanceof Int32Array);
  const at = markers.ids.indexOf(first.id);
  assert.equal(markers.labels[at], 2); // APACC id of unhealthy
  assert.equal(markers.flagged[at], 1);
  assert.deepEqual([...markers.boxes.slice(at * 4, at * 4 + 4)], [first.box.x, first.box.y, first.box.width, first.box.height]);

  const counts = (await f.call<ClassCounts>('counts', { slideId: f.slideId })).body;
  const gallery = (await f.call<GalleryPageView>('gallery', { slideId: f.slideId, filter: { label: 'unlabelled' }, limit: 5 })).body;
  assert.equal(gallery.total, counts.total - 1);
  assert.ok(gallery.cells.length <= 5 && gallery.cells.every((c) => c.label === null && c.cropUrl.includes(`/cells/${c.id}/`)));
  const flaggedOnly = (await f.call<GalleryPageView>('gallery', { slideId: f.slideId, filter: { flagged: true } })).body;
  assert.deepEqual(flaggedOnly.cells.map((c) => c.id), [first.id]);
});

test('moving the focus: next / previous in reading order and arrows to the nearest cell that way', async () => {
  const all = (await f.call<GalleryPageView>('gallery', { slideId: f.slideId, limit: 1000 })).body.cells;
  assert.ok(all.length >= 3);
  const second = (await f.call<CellView>('neighbourCell', { slideId: f.slideId, cellId: all[0]!.id, direction: 'next' })).body;
  assert.equal(second.id, all[1]!.id);
  const back = (await f.call<CellView>('neighbourCell', { slideId: f.slideId, cellId: all[1]!.id, direction: 'previous' })).body;
  assert.equal(back.id, all[0]!.id);
  const last = (await f.call<CellView>('neighbourCell', { slideId: f.slideId, direction: 'previous' })).body;
  assert.equal(last.id, all[all.length - 1]!.id);

  // Arrow right from the cell farthest left must land on a cell to its right.
  const leftmost = all.reduce((a, b) => (b.centre.x < a.centre.x ? b : a));
  const right = (await f.call<CellView | null>('neighbourCell', { slideId: f.slideId, cellId: leftmost.id, direction: 'right' })).body;
  assert.ok(right && right.centre.x > leftmost.centre.x);
  const none = (await f.call<CellView | null>('neighbourCell', { slideId: f.slideId, cellId: leftmost.id, direction: 'left' })).body;
  assert.ok(none === null || none.centre.x < leftmost.centre.x);
  const arrowWithoutCell = await f.call<ApiError>('neighbourCell', { slideId: f.slideId, direction: 'up' });
  assert.equal(arrowWithoutCell.body.code, 'bad-input');
  assert.match(arrowWithoutCell.body.message, /cellId/);
});

test('crops: the cell box and its surroundings at full resolution', async () => {
  const cell = (await f.call<CellView>('neighbourCell', { slideId: f.slideId, direction: 'next' })).body;
  const detail = (await f.call<CellDetail>('getCell', { cellId: cell.id })).body;
  const crop = await fetch(detail.cropUrl);
  assert.equal(crop.status, 200);
  assert.equal(crop.headers.get('content-type'), 'image/jpeg');
  const cropMeta = await sharp(Buffer.from(await crop.arrayBuffer())).metadata();
  assert.deepEqual([cropMeta.width, cropMeta.height], [cell.box.width, cell.box.height]);
  const context = await fetch(detail.contextUrl);
  const contextMeta = await sharp(Buffer.from(await context.arrayBuffer())).metadata();
  assert.deepEqual([contextMeta.width, contextMeta.height], [detail.contextBox.width, detail.contextBox.height]);
  const png = await fetch(detail.cropUrl.replace('crop.jpeg', 'crop.png'));
  assert.equal(png.headers.get('content-type'), 'image/png');
  assert.equal((await fetch(`${f.mode.server.baseUrl}cells/999999/crop.jpeg`)).status, 404);
  assert.equal((await fetch(`${f.mode.server.baseUrl}cells/01/crop.jpeg`)).status, 404);
  assert.equal((await fetch(`${f.mode.server.baseUrl}cells/${cell.id}/crop.gif`)).status, 404);
});

test('the renderer files are served under a strict CSP, and nothing outside their folder', async () => {
  const root = await fetch(f.mode.server.baseUrl, { redirect: 'manual' });
  assert.equal(root.status, 302);
  assert.equal(root.headers.get('location'), 'app/');
  const page = await fetch(f.mode.appUrl);
  assert.equal(page.status, 200);
  assert.equal(await page.text(), TEST_INDEX_HTML);
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /img-src 'self' data: blob:/);
  assert.match(csp, /connect-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
  const script = await fetch(`${f.mode.appUrl}app.js`);
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  for (const path of ['..%2Fsmearlab.db', '%2e%2e/smearlab.db', '.hidden.js', 'nothing.js']) {
    assert.equal((await fetch(`${f.mode.appUrl}${path}`)).status, 404, path);
  }
});

/** Just enough of EventSource over fetch for the client (Node 20 has none). */
class FetchEventSource {
  readonly #controller = new AbortController();
  readonly #listeners = new Map<string, Array<(event: { data: string }) => void>>();
  closed = false;
  constructor(url: string) {
    void this.#run(url).catch(() => undefined);
  }
  addEventListener(name: string, listener: (event: { data: string }) => void): void {
    this.#listeners.set(name, [...(this.#listeners.get(name) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
    this.#controller.abort();
  }
  async #run(url: string): Promise<void> {
    const response = await fetch(url, { signal: this.#controller.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (name && data !== undefined) for (const listener of this.#listeners.get(name) ?? []) listener({ data });
      }
    }
  }
}

test('the browser-mode client: same operations, typed arrays, events, ApiCallError on failure', async () => {
  assert.equal(apiBaseFromLocation(`${f.mode.appUrl}index.html#viewer`), f.mode.server.baseUrl);
  const sources: FetchEventSource[] = [];
  const api = createHttpClient(f.mode.server.baseUrl, {
    EventSource: class extends FetchEventSource {
      constructor(url: string) {
        super(url);
        sources.push(this);
      }
    } as unknown as new (url: string) => EventSource,
  });
  const heard = new Promise<number>((resolve) => {
    const stop = api.on('label-changed', (change) => {
      stop();
      resolve(change.cellId);
    });
  });
  // Give the stream a moment to connect, then label until the event arrives.
  const annotator = await api.chooseAnnotator({ name: 'Client' });
  const cell = (await api.neighbourCell({ slideId: f.slideId, direction: 'previous' }))!;
  let received: number | undefined;
  void heard.then((id) => { received = id; });
  for (let attempt = 0; received === undefined && attempt < 50; attempt++) {
    await api.labelCell({ cellId: cell.id, label: attempt % 2 ? 'rubbish' : 'healthy', annotatorId: annotator.id, advance: 'none' });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(await heard, cell.id);
  assert.equal(sources.length, 1);
  assert.ok(sources[0]!.closed, 'the last unsubscribe closes the stream');
  const slides = await api.listSlides();
  assert.equal(slides[0]?.id, f.slideId);
  const markers = await api.cellMarkers({ slideId: f.slideId, viewport: { x: 0, y: 0, width: f.fixture.width, height: f.fixture.height } });
  assert.ok(markers.ids instanceof Uint32Array);
  assert.equal(markers.count, slides[0]!.counts.total);
  await assert.rejects(api.getSlide({ slideId: -3 }), (error: unknown) => {
    assert.ok(error instanceof ApiCallError);
    assert.equal(error.code, 'bad-input');
    assert.equal(error.operation, 'getSlide');
    assert.match(error.message, /slideId/);
    return true;
  });
});
