// The one error cell extraction throws: bad config, mask or placement. The
// message names the field and the value so a job log says what to fix.

import { SmearlabError } from '../../domain/errors.ts';

export class ExtractInputError extends SmearlabError<'EXTRACT_BAD_INPUT'> {
  constructor(message: string) {
    super('EXTRACT_BAD_INPUT', message);
    this.name = 'ExtractInputError';
  }
}
