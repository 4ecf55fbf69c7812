// The handler table: every contract operation bound to its implementation.
// The type makes a missing or extra operation a compile error.

import type { Handlers } from './handler.ts';
import { cellHandlers } from './cells.ts';
import { demoHandlers } from './demo.ts';
import { jobHandlers } from './jobs.ts';
import { labelHandlers } from './labels.ts';
import { libraryHandlers } from './library.ts';
import { sessionHandlers } from './session.ts';
import { datasetHandlers } from './datasets.ts';
import { editHandlers } from './edits.ts';
import { readingHandlers } from './reading.ts';
import { workHandlers } from './work.ts';
import { assistHandlers } from './assist.ts';

export type { Handler, Handlers } from './handler.ts';

export const HANDLERS: Handlers = {
  ...sessionHandlers,
  ...libraryHandlers,
  ...jobHandlers,
  ...demoHandlers,
  ...cellHandlers,
  ...labelHandlers,
  ...datasetHandlers,
  ...editHandlers,
  ...readingHandlers,
  ...workHandlers,
  ...assistHandlers,
};
