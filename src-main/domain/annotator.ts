// A reader who labels cells: every label and cell edit is recorded under one.

export interface AnnotatorRecord {
  id: number;
  name: string;
  createdAt: number;
}
