/** GitHub-flavoured Markdown helpers for check run output. Pure string functions. */

/** Line breaks and control characters: in a table cell or list item any of them would end the row or the item. */
// eslint-disable-next-line no-control-regex
const BREAKS_AND_CONTROLS = /\r\n|[\u0000-\u001f\u007f\u0085\u2028\u2029]/g;

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Text that renders as itself inline, in a paragraph, a list item or a table cell: no line breaks (a newline would end
 * a table row), no HTML (`<`, `>`, `&` become entities), and the characters that start Markdown syntax backslash-escaped,
 * the pipe included (GFM reads `\|` as a literal pipe inside a cell, even inside a link's text). Longer text is cut at
 * `maxChars` with an ellipsis.
 */
export function escapeInline(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  return truncateChars(flatten(text), maxChars)
    .replace(/[&<>]/g, (c) => ENTITIES[c] ?? c)
    .replace(/[\\`*_[\]|~$]/g, "\\$&");
}

/** One line: line breaks and control characters become spaces. */
export function flatten(text: string): string {
  return text.replace(BREAKS_AND_CONTROLS, " ");
}

/** A code span that holds any text: its fence is longer than any run of backticks inside. Not for table cells. */
export function codeSpan(text: string): string {
  const flat = flatten(text);
  if (flat === "") return "` `";
  const fence = "`".repeat(longestRun(flat, "`") + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") || (flat.startsWith(" ") && flat.endsWith(" ")) ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block that holds any text: the fence is longer than any run of backticks inside. */
export function fencedBlock(text: string): string {
  const body = text.replace(/\r\n?/g, "\n");
  const fence = "`".repeat(Math.max(3, longestRun(body, "`") + 1));
  return `${fence}text\n${body}\n${fence}`;
}

/** A link; `label` must already be Markdown (escaped text). Characters that would end the destination are encoded. */
export function link(label: string, url: string): string {
  return `[${label}](${safeUrl(url)})`;
}

/** Percent-encodes what would end a Markdown link destination or a table cell: whitespace, `()<>|"\` and backticks. */
export function safeUrl(url: string): string {
  return url.replace(/[\s()<>|"\\`]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x80 ? `%${code.toString(16).toUpperCase().padStart(2, "0")}` : encodeURIComponent(c);
  });
}

/** `1 error`, `2 errors`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** Length in UTF-8 bytes: never less than the number of characters, however GitHub counts them. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Cuts text to at most `maxChars` UTF-16 code units, ellipsis included, never inside a surrogate pair. */
export function truncateChars(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  if (maxChars < 1) return "";
  let cut = maxChars - 1;
  if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
  return `${text.slice(0, cut)}…`;
}

/** Cuts text to at most `maxBytes` UTF-8 bytes, ellipsis included, never inside a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  const budget = maxBytes - utf8Length("…");
  if (budget < 0) return "";
  let bytes = 0;
  let end = 0;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    const pair = isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(end + 1));
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + size > budget) break;
    bytes += size;
    end += pair ? 2 : 1;
  }
  return `${text.slice(0, end)}…`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
