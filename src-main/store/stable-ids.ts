// Globally unique, stable identities for what travels between workstations
// (slides, cells, events): UUIDs from the `uuid` package. Events get UUIDv7,
// made monotonic per connection (a counter within a millisecond, never going
// back with the clock), so their order by id is the order they were made in:
// the order every workstation derives labels in after a merge. Slides and the
// pipeline's own cells get name-based UUIDv5, so the same scan ingested on two
// workstations with the same model gives the same ids.

import { randomInt } from 'node:crypto';
import { v5, v7 } from 'uuid';

/** Smearlab's UUIDv5 namespace (fixed forever: changing it changes every derived id). */
const NAMESPACE = 'a3d0c6b2-5f0e-4d7c-9a8e-2b7e51f3c901';

/** A slide known by its scan's quickhash and smear id. */
export function slideUidOf(quickhash: string, smearId: string): string {
  return v5(`slide\n${quickhash}\n${smearId}`, NAMESPACE);
}

/** A cell the pipeline found: the slide, the model that found it, its box and kind. */
export function autoCellUidOf(slideUid: string, model: string | null, box: { x: number; y: number; width: number; height: number }, kind: string): string {
  return v5(`cell\n${slideUid}\n${model ?? ''}\n${box.x},${box.y},${box.width},${box.height}\n${kind}`, NAMESPACE);
}

/** UUIDv7 source whose ids increase strictly, whatever the clock does. */
export function createUidSource(now: () => number): () => string {
  let msecs = -Infinity;
  let seq = 0;
  return () => {
    const t = now();
    if (t > msecs) {
      msecs = t;
      seq = randomInt(0, 2 ** 30); // room above it for the counter
    } else {
      seq = (seq + 1) | 0;
      if (seq === 0) msecs++;
    }
    return v7({ msecs, seq });
  };
}

export function randomUid(): string {
  return v7();
}
