// A reader who labels cells: every label and cell edit is recorded under one.

import type { AnnotatorRole } from './reading.ts';

export interface AnnotatorRecord {
  id: number;
  name: string;
  /** 'reader' labels cells; 'adjudicator' decides disputed ones (see reading.ts). */
  role: AnnotatorRole;
  createdAt: number;
}
