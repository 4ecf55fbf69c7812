// A tiny observable value for React's useSyncExternalStore: the workspace
// keeps its state here so the hot paths (overlay, key queue) read and write
// it without re-rendering, and components subscribe to what they show.

import { useSyncExternalStore } from 'react';

export class Observable<T> {
  #value: T;
  readonly #listeners = new Set<() => void>();

  constructor(value: T) {
    this.#value = value;
  }

  get = (): T => this.#value;

  set(value: T): void {
    if (Object.is(value, this.#value)) return;
    this.#value = value;
    for (const listener of [...this.#listeners]) listener();
  }

  update(patch: Partial<T>): void {
    this.set({ ...this.#value, ...patch });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };
}

export function useObservable<T>(observable: Observable<T>): T {
  return useSyncExternalStore(observable.subscribe, observable.get, observable.get);
}
