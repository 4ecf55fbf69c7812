// Text from files and errors as a terminal should show it. A scan's INI
// values, its path and the messages built from them are bytes someone else
// chose: printed raw, an ESC starts a terminal command (clear the screen, set
// the title), a bidi override reorders what the reader sees.

// Control characters (C0, DEL, C1), format characters (bidi overrides,
// zero-width ones), line and paragraph separators, lone surrogates,
// private-use and unassigned code points.
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/gu;

/** Each control or invisible character as an escape: \xNN up to U+00FF, \u{XXXX} above. */
export function printable(text: string): string {
  return text.replace(NOT_PRINTABLE, (c) => {
    const code = c.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16).padStart(4, '0')}}`;
  });
}

/** printable() line by line: a message's own line breaks stay. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
