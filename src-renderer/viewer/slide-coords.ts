// The one mapping between level-0 pixels (cells, slices, damaged areas, the
// field of view: everything the API gives) and OpenSeadragon's image
// coordinates (pixels of the Deep Zoom image). The tile service cuts the DZI
// to the slide's scanned bounds, so image pixel (0, 0) is level-0 pixel
// `origin` (SlideDetail.dziOrigin): level0 = image + origin. Every
// conversion in the viewer goes through here; nothing else adds or
// subtracts the origin.

import OpenSeadragon from 'openseadragon';
import type { Point } from '../../src-main/domain/geometry.ts';

/** What this module needs of OpenSeadragon's TiledImage (tests pass a stand-in). */
export interface ImageItem {
  imageToViewerElementCoordinates(point: OpenSeadragon.Point): OpenSeadragon.Point;
  viewerElementToImageCoordinates(point: OpenSeadragon.Point): OpenSeadragon.Point;
  imageToViewportRectangle(x: number, y: number, width: number, height: number): OpenSeadragon.Rect;
  viewportToImageCoordinates(point: OpenSeadragon.Point): OpenSeadragon.Point;
}

export class SlideCoords {
  readonly origin: Readonly<Point>;

  constructor(origin: Point = { x: 0, y: 0 }) {
    this.origin = { x: origin.x, y: origin.y };
  }

  /** A level-0 point in CSS px of the viewer element. */
  levelZeroToElement(item: ImageItem, x: number, y: number): Point {
    const p = item.imageToViewerElementCoordinates(new OpenSeadragon.Point(x - this.origin.x, y - this.origin.y));
    return { x: p.x, y: p.y };
  }

  /** A point in CSS px of the viewer element (a click, a drag) in level-0 px. */
  elementToLevelZero(item: ImageItem, position: Point): Point {
    const p = item.viewerElementToImageCoordinates(new OpenSeadragon.Point(position.x, position.y));
    return { x: p.x + this.origin.x, y: p.y + this.origin.y };
  }

  /** A level-0 rectangle in viewport coordinates (what panTo / fitBounds take). */
  levelZeroToViewportRect(item: ImageItem, x: number, y: number, width: number, height: number): OpenSeadragon.Rect {
    return item.imageToViewportRectangle(x - this.origin.x, y - this.origin.y, width, height);
  }

  /** A viewport point (e.g. the viewport's centre) in level-0 px. */
  viewportToLevelZero(item: ImageItem, point: OpenSeadragon.Point): Point {
    const p = item.viewportToImageCoordinates(point);
    return { x: p.x + this.origin.x, y: p.y + this.origin.y };
  }
}
