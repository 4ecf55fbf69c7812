// The one error cell extraction throws: bad config, mask or placement. The
// message names the field and the value so a job log says what to fix.

export class ExtractInputError extends Error {
  readonly code = 'EXTRACT_BAD_INPUT';

  constructor(message: string) {
    super(message);
    this.name = 'ExtractInputError';
  }
}
