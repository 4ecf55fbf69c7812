// The URL scheme of the binary resources (relative to where a shell mounts
// them), shared by the HTTP server and the Electron protocol:
//   cells/<cellId>/crop.jpeg | crop.png     the cell's padded box, full resolution
//   cells/<cellId>/context.jpeg             the cell with its surroundings (contextBoxOf)
//   library/<slideId>/thumbnail.jpeg        library thumbnail
//   library/<slideId>/fov-mask.png          field-of-view mask
// Ids are database ids written as plain decimals; anything else matches nothing.

import type { ResourceUrls } from '../api/context.ts';
import type { ServiceResponse } from '../slide/tile-service.ts';
import type { MediaService } from './media-service.ts';

export const MEDIA_PREFIXES = ['cells', 'library'] as const;

const ID = /^[1-9][0-9]{0,14}$/;

/** Answers a GET for `segments`, or null when no media route matches. */
export function routeMediaRequest(media: MediaService, segments: readonly string[]): Promise<ServiceResponse> | null {
  if (segments.length !== 3) return null;
  const [prefix = '', idText = '', file = ''] = segments;
  if (!ID.test(idText)) return null;
  const id = Number(idText);
  if (prefix === 'cells') {
    if (file === 'crop.jpeg') return media.cellImage(id, 'crop', 'jpeg');
    if (file === 'crop.png') return media.cellImage(id, 'crop', 'png');
    if (file === 'context.jpeg') return media.cellImage(id, 'context', 'jpeg');
  } else if (prefix === 'library') {
    if (file === 'thumbnail.jpeg') return media.thumbnail(id);
    if (file === 'fov-mask.png') return media.fovMask(id);
  }
  return null;
}

/** The URLs of routeMediaRequest under `base` (ends with '/'). */
export function mediaUrls(base: string): ResourceUrls {
  return {
    cellCrop: (cellId, format) => `${base}cells/${cellId}/crop.${format}`,
    cellContext: (cellId) => `${base}cells/${cellId}/context.jpeg`,
    slideThumbnail: (slideId) => `${base}library/${slideId}/thumbnail.jpeg`,
    fovMask: (slideId) => `${base}library/${slideId}/fov-mask.png`,
  };
}
