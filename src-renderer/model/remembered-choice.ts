// A small choice the user makes once and expects to find again (crop scale,
// navigator place): an observable value kept in the browser's localStorage
// on this machine. Storage that refuses (private mode, quota) only makes the
// choice last the session.

import { Observable, useObservable } from './observable.ts';

interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function storage(): KeyValueStorage | undefined {
  try {
    return (globalThis as { localStorage?: KeyValueStorage }).localStorage;
  } catch {
    return undefined;
  }
}

export class RememberedChoice<T extends string> {
  readonly #key: string;
  readonly #value: Observable<{ value: T }>;

  constructor(key: string, readonly choices: readonly T[], fallback: T) {
    this.#key = key;
    let stored: string | null | undefined;
    try {
      stored = storage()?.getItem(key);
    } catch {
      stored = null;
    }
    this.#value = new Observable({ value: (choices as readonly string[]).includes(stored ?? '') ? stored as T : fallback });
  }

  get(): T {
    return this.#value.get().value;
  }

  set(value: T): void {
    this.#value.set({ value });
    try {
      storage()?.setItem(this.#key, value);
    } catch {
      // Refused: the choice lasts this session.
    }
  }

  /** The next choice in order, wrapping. */
  cycle(): T {
    const next = this.choices[(this.choices.indexOf(this.get()) + 1) % this.choices.length]!;
    this.set(next);
    return next;
  }

  use(): T {
    return useObservable(this.#value).value;
  }
}
