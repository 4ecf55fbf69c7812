// Opens the scan behind a library slide for tiles and crops, once per run,
// through the slide registry (which gives it the opaque id tile URLs use).
// A file that changed since ingest (another quickhash) is refused: its cells'
// boxes would point at other pixels.

import type { SlideRecord } from '../domain/slide.ts';
import type { RegisteredSlide, SlideRegistry } from '../slide/slide-registry.ts';
import { ApiFailure } from '../api/errors.ts';

export class ScanAccess {
  readonly registry: SlideRegistry;
  readonly #checked = new Set<string>();

  constructor(registry: SlideRegistry) {
    this.registry = registry;
  }

  async open(slide: SlideRecord): Promise<RegisteredSlide> {
    if (slide.kind !== 'scan') throw new ApiFailure('slide-unavailable', `Slide ${slide.smearId} was imported without its scan`);
    const registered = await this.registry.openPath(slide.path);
    if (!this.#checked.has(registered.id)) {
      const hash = registered.reader.info.quickhash;
      if (slide.quickhash !== null && hash !== null && hash !== slide.quickhash) {
        this.registry.remove(registered.id);
        throw new ApiFailure('slide-unavailable',
          `The scan at ${slide.path} is not the one that was ingested (its contents changed); ingest it again with force`,
          `quickhash ${hash}, ingested ${slide.quickhash}`);
      }
      this.#checked.add(registered.id);
    }
    return registered;
  }
}
