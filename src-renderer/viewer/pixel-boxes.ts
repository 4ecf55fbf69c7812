// Box outlines written straight into an ImageData buffer, then put on the
// canvas in one call. Thousands of boxes cost thousands of typed-array
// writes instead of thousands of canvas calls (each a trip into the browser
// and a queued raster op): the per-frame price stays a few milliseconds in
// Chromium's software canvas, where the workstation must also run.

export class PixelBoxes {
  #image: ImageData | null = null;
  #pixels = new Uint32Array(0);
  #originX = 0;
  #originY = 0;

  /**
   * Clears (and if needed resizes) the buffer to width x height px, standing
   * for the canvas area whose top-left corner is (originX, originY).
   */
  begin(width: number, height: number, originX = 0, originY = 0): void {
    this.#originX = originX;
    this.#originY = originY;
    if (!this.#image || this.#image.width !== width || this.#image.height !== height) {
      this.#image = new ImageData(Math.max(1, width), Math.max(1, height));
      this.#pixels = new Uint32Array(this.#image.data.buffer);
    } else {
      this.#pixels.fill(0);
    }
  }

  /** Outline of [x0, x1) x [y0, y1) (canvas px), `line` px wide inside it, clipped to the buffer. rgba: from packColour. */
  box(x0: number, y0: number, x1: number, y1: number, line: number, rgba: number): void {
    if (!this.#image) return;
    const ox = this.#originX;
    const oy = this.#originY;
    const ax = x0 - ox;
    const ay = y0 - oy;
    const bx = x1 - ox;
    const by = y1 - oy;
    if (bx <= 0 || by <= 0 || ax >= this.#image.width || ay >= this.#image.height) return;
    if (bx - ax <= 2 * line || by - ay <= 2 * line) {
      this.#fill(ax, ay, bx, by, rgba);
      return;
    }
    this.#fill(ax, ay, bx, ay + line, rgba);
    this.#fill(ax, by - line, bx, by, rgba);
    this.#sides(ax, bx, ay + line, by - line, line, rgba);
  }

  /**
   * Like box(), the outline drawn as dashes: `dash` is on, off, on, off...
   * run lengths in canvas px, restarted at the first corner of each edge (top
   * and bottom from the left, sides from the top), so every edge of every box
   * shows the same rhythm. The gaps are left as they were (the casing under it).
   */
  dashedBox(x0: number, y0: number, x1: number, y1: number, line: number, rgba: number, dash: readonly number[]): void {
    if (dash.length < 2) {
      this.box(x0, y0, x1, y1, line, rgba);
      return;
    }
    if (!this.#image) return;
    const ax = x0 - this.#originX;
    const ay = y0 - this.#originY;
    const bx = x1 - this.#originX;
    const by = y1 - this.#originY;
    if (bx <= 0 || by <= 0 || ax >= this.#image.width || ay >= this.#image.height) return;
    if (bx - ax <= 2 * line || by - ay <= 2 * line) {
      this.#fill(ax, ay, bx, by, rgba);
      return;
    }
    const runs = (length: number, draw: (from: number, to: number) => void) => {
      for (let p = 0, k = 0; p < length; k = (k + 2) % dash.length) {
        const on = Math.max(1, dash[k]!);
        draw(p, Math.min(length, p + on));
        p += on + Math.max(1, dash[k + 1] ?? 1);
      }
    };
    runs(bx - ax, (from, to) => {
      this.#fill(ax + from, ay, ax + to, ay + line, rgba);
      this.#fill(ax + from, by - line, ax + to, by, rgba);
    });
    runs(by - ay, (from, to) => {
      this.#fill(ax, ay + from, ax + line, ay + to, rgba);
      this.#fill(bx - line, ay + from, bx, ay + to, rgba);
    });
  }

  /** The left and right edges in one pass over the rows, pixel by pixel (a fill() call per 2-px run costs more than it writes). */
  #sides(ax: number, bx: number, y0: number, y1: number, line: number, rgba: number): void {
    const w = this.#image!.width;
    const top = Math.max(0, y0);
    const bottom = Math.min(this.#image!.height, y1);
    const leftFrom = Math.max(0, ax);
    const leftTo = Math.min(w, ax + line);
    const rightFrom = Math.max(0, bx - line);
    const rightTo = Math.min(w, bx);
    const px = this.#pixels;
    for (let y = top; y < bottom; y++) {
      const row = y * w;
      for (let x = leftFrom; x < leftTo; x++) px[row + x] = rgba;
      for (let x = rightFrom; x < rightTo; x++) px[row + x] = rgba;
    }
  }

  #fill(x0: number, y0: number, x1: number, y1: number, rgba: number): void {
    const w = this.#image!.width;
    const h = this.#image!.height;
    const ax = Math.max(0, x0);
    const bx = Math.min(w, x1);
    const ay = Math.max(0, y0);
    const by = Math.min(h, y1);
    if (bx <= ax || by <= ay) return;
    const px = this.#pixels;
    for (let y = ay; y < by; y++) px.fill(rgba, y * w + ax, y * w + bx);
  }

  /** Puts the buffer on the canvas at its origin, replacing what was there. */
  flush(ctx: CanvasRenderingContext2D): void {
    if (this.#image) ctx.putImageData(this.#image, this.#originX, this.#originY);
  }
}

/** '#RRGGBB' as the 32-bit pixel of an RGBA byte buffer on a little-endian machine (every platform Smearlab ships on). */
export function packColour(hex: string, alpha = 255): number {
  const n = parseInt(hex.slice(1), 16);
  return ((alpha << 24) | ((n & 0xff) << 16) | (n & 0xff00) | ((n >> 16) & 0xff)) >>> 0;
}
