/**
 * Text from a repository (environment names come from directory, file and object names) printed on a terminal: a
 * control character could move the cursor, recolour or retitle the terminal, or hide what follows (`\x1b[31m`,
 * `\x1b]0;…\x07`, `\r`), and a bidirectional control could make a name read as another. Each is written as a visible
 * escape instead (`\x1b`, `\u202e`), so the name shown is the name as it is, byte for byte recognisable.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control and bidirectional-control character written as an escape; other text unchanged. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
