// Fan-out of events: every subscriber hears each event; one that throws is
// reported and does not stop the others; unsubscribe works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEventBus } from '../../../src-main/api/event-bus.ts';

test('events reach every listener, a throwing one is reported, unsubscribed ones hear nothing', () => {
  const failures: unknown[] = [];
  const bus = createEventBus((error) => failures.push(error));
  const heard: string[] = [];
  const stopA = bus.subscribe((event) => heard.push(`a:${event}`));
  bus.subscribe(() => {
    throw new Error('broken connection');
  });
  bus.subscribe((event, payload) => heard.push(`c:${event}:${JSON.stringify(payload)}`));
  bus.emit('slides-changed', { slideId: 3 });
  stopA();
  bus.emit('menu-command', { command: 'export' });
  assert.deepEqual(heard, ['a:slides-changed', 'c:slides-changed:{"slideId":3}', 'c:menu-command:{"command":"export"}']);
  assert.equal(failures.length, 2);
  assert.equal(bus.listenerCount, 2);
});
