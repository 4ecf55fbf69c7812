// Errors raised while loading or running a segmenter. Each names the file it
// is about, so "wrong model" problems are reported before a job starts with
// the file and the mismatch in the message.

import { SmearlabError } from '../../domain/errors.ts';

export type SegmentErrorCode =
  | 'not-found' // model .onnx / .json / ensemble manifest missing
  | 'bad-manifest' // JSON syntax or schema error in a manifest
  | 'model-mismatch' // the .onnx does not match its manifest (inputs, shapes, outputs)
  | 'onnx-load' // ONNX Runtime refused the file
  | 'no-provider' // none of the preferred execution providers could be used
  | 'bad-option' // loadSegmenter() options that contradict each other or name unknown things
  | 'bad-input' // segment() was given an impossible image
  | 'disposed'; // used after dispose()

export class SegmentError extends SmearlabError<SegmentErrorCode> {
  readonly path: string;

  constructor(code: SegmentErrorCode, path: string, message: string) {
    super(code, `${message} (${path})`);
    this.name = 'SegmentError';
    this.path = path;
  }
}
