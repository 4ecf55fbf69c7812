// Typed errors for everything that opens or reads a slide. They carry the
// path, so a message shown to the user says what failed and where.

import { SmearlabError } from '../domain/errors.ts';

export type SlideErrorCode =
  | 'not-found' // no such file
  | 'unsupported-format' // OpenSlide does not recognise the file
  | 'openslide' // OpenSlide detected the format but failed (its message is kept)
  | 'closed' // the reader was used after close()
  | 'bad-argument'; // a caller passed an impossible level / region / name

export class SlideError extends SmearlabError<SlideErrorCode> {
  readonly path: string;

  constructor(code: SlideErrorCode, path: string, message: string) {
    // A message that already names the path ("/x/a.mrxs is a folder, ...") is not told it twice.
    super(code, message.includes(path) ? message : `${message} (${path})`);
    this.name = 'SlideError';
    this.path = path;
  }
}
