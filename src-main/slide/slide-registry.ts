// The slides a process has open, by opaque id. Tile URLs name slides only by
// these ids, never by path, so no request can reach a file that was not
// registered on purpose. Ids are random per registration: a URL from an
// earlier run or a closed slide names nothing.

import { randomBytes } from 'node:crypto';
import { basename, resolve } from 'node:path';
import type { SlideReader } from './slide-reader.ts';

/** 32 lower-case hex digits; anything else in an id position is malformed. */
export const SLIDE_ID_PATTERN = /^[0-9a-f]{32}$/;

export interface RegisteredSlide {
  id: string;
  /** File name without folders, safe to show in a URL-facing list. */
  name: string;
  reader: SlideReader;
}

export type SlideOpener = (path: string) => Promise<SlideReader>;

export class SlideRegistry {
  readonly #slides = new Map<string, RegisteredSlide>();
  readonly #byPath = new Map<string, Promise<RegisteredSlide>>();
  readonly #pathById = new Map<string, string>();
  readonly #removeListeners: Array<(id: string) => void> = [];
  readonly #open: SlideOpener | undefined;

  /** `open` is needed only by openPath (e.g. openSlide from openslide-reader.ts). */
  constructor(open?: SlideOpener) {
    this.#open = open;
  }

  /** Adds an already open reader; the registry now owns it and closes it on remove. */
  add(reader: SlideReader, name: string = basename(reader.info.path)): RegisteredSlide {
    let id = randomBytes(16).toString('hex');
    while (this.#slides.has(id)) id = randomBytes(16).toString('hex');
    const slide = { id, name, reader };
    this.#slides.set(id, slide);
    return slide;
  }

  /** Opens `path` once; registering the same path again returns the same slide. */
  openPath(path: string): Promise<RegisteredSlide> {
    const open = this.#open;
    if (!open) return Promise.reject(new Error('this SlideRegistry was created without an opener'));
    const key = resolve(path);
    const existing = this.#byPath.get(key);
    if (existing) return existing;
    const opening = open(path).then((reader) => {
      const slide = this.add(reader);
      this.#pathById.set(slide.id, key);
      return slide;
    });
    opening.catch(() => this.#byPath.delete(key));
    this.#byPath.set(key, opening);
    return opening;
  }

  /** The slide, or undefined for an unknown or malformed id. */
  get(id: string): RegisteredSlide | undefined {
    return SLIDE_ID_PATTERN.test(id) ? this.#slides.get(id) : undefined;
  }

  list(): RegisteredSlide[] {
    return [...this.#slides.values()];
  }

  /** Called with the id of every slide removed, e.g. to drop its cached tiles. */
  onRemove(listener: (id: string) => void): void {
    this.#removeListeners.push(listener);
  }

  remove(id: string): boolean {
    const slide = this.#slides.get(id);
    if (!slide) return false;
    this.#slides.delete(id);
    const path = this.#pathById.get(id);
    if (path !== undefined) {
      this.#pathById.delete(id);
      this.#byPath.delete(path);
    }
    if (!slide.reader.closed) slide.reader.close();
    for (const listener of this.#removeListeners) listener(id);
    return true;
  }

  closeAll(): void {
    for (const id of [...this.#slides.keys()]) this.remove(id);
  }
}
