// The one base class of Smearlab's own errors. Every service throws a subclass
// with a stable `code` (what a caller branches on) and a message a person can
// act on; callers match with `instanceof`, never by the `name` string, so a
// renamed or further derived class keeps its meaning. Subclasses still set
// `name` by hand: it is what logs show, and bundlers may rename classes.

export class SmearlabError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SmearlabError';
    this.code = code;
  }
}
