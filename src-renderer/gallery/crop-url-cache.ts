// Crop URLs for the gallery, by cell id. URLs come from the contract, never
// built here: the unfiltered gallery pages (reading order, which labelling
// never reshuffles) are fetched around a cell's reading rank, and any id a
// page did not hold is asked for on its own with getCell. The ranked
// galleries' pages come through here too (rankedPage), their URLs kept.

import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import type { Input } from '../../src-main/api/contract.ts';
import type { GalleryPageView } from '../../src-main/api/views.ts';

const PAGE = 120;

export class CropUrlCache {
  readonly #api: SmearlabApi;
  readonly #slideId: number;
  readonly #urls = new Map<number, string>();
  readonly #pages = new Map<number, Promise<void>>();
  readonly #singles = new Set<number>();
  #onLoaded: () => void = () => undefined;

  constructor(api: SmearlabApi, slideId: number) {
    this.#api = api;
    this.#slideId = slideId;
  }

  set onLoaded(listener: () => void) {
    this.#onLoaded = listener;
  }

  /** A page of the slide's gallery in the server's order (ranked by the reader's suggestions); its crop URLs are kept. */
  async rankedPage(query: Omit<Input<'gallery'>, 'slideId'>): Promise<GalleryPageView> {
    const page = await this.#api.gallery({ ...query, slideId: this.#slideId });
    for (const cell of page.cells) this.#urls.set(cell.id, cell.cropUrl);
    this.#onLoaded();
    return page;
  }

  get(cellId: number): string | undefined {
    return this.#urls.get(cellId);
  }

  /** Makes sure URLs for these cells (id + reading rank) are on their way. */
  request(wanted: ReadonlyArray<{ id: number; rank: number }>): void {
    const missing = wanted.filter((w) => !this.#urls.has(w.id));
    if (missing.length === 0) return;
    const pages = new Set(missing.map((w) => Math.floor(w.rank / PAGE)));
    const loads = [...pages].map((p) => this.#loadPage(p));
    void Promise.allSettled(loads).then(() => {
      // Local reading order may differ from the store's by a cell at page edges: fetch strays one by one.
      for (const w of missing) if (!this.#urls.has(w.id)) this.#loadSingle(w.id);
    });
  }

  #loadPage(page: number): Promise<void> {
    let pending = this.#pages.get(page);
    if (!pending) {
      pending = this.#api.gallery({ slideId: this.#slideId, offset: page * PAGE, limit: PAGE }).then((result) => {
        for (const cell of result.cells) this.#urls.set(cell.id, cell.cropUrl);
        this.#onLoaded();
      });
      pending.catch(() => this.#pages.delete(page));
      this.#pages.set(page, pending);
    }
    return pending;
  }

  #loadSingle(cellId: number): void {
    if (this.#singles.has(cellId)) return;
    this.#singles.add(cellId);
    void this.#api.getCell({ cellId }).then((detail) => {
      this.#urls.set(cellId, detail.cropUrl);
      this.#onLoaded();
    }, () => this.#singles.delete(cellId));
  }
}
