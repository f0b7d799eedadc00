/**
 * GitHub-flavoured Markdown helpers for check run output and pull request comments. Pure string functions.
 *
 * Everything the app writes to GitHub that came from a repository, a comment or a payload goes through `escapeInline`
 * (directly, or through `codeSpan`, `fencedBlock` and `mention`), so that no such text can open an HTML comment, a tag,
 * a link, a mention or a table cell, wherever it lands: the app reads its own comments back for hidden markers
 * (`<!-- mtls-gate:… -->`), so echoed text must be inert in the raw body too, not only once rendered.
 */

/**
 * Line breaks, control characters and bidirectional-text controls: in a table cell or list item a line break would end
 * the row or the item; the bidi controls would make echoed text read differently from what it is.
 */
const BREAKS_AND_CONTROLS =
  // eslint-disable-next-line no-control-regex
  /\r\n|[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** Half of a surrogate pair without its other half: not text, and GitHub's JSON parser may reject it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * An invisible break (ZERO WIDTH SPACE, as an entity so the raw text shows it) that GitHub keeps: after `@` no mention
 * forms, after `#` no issue reference, between `:` and `//` or after `www` no autolink.
 */
const NO_LINK = "&#8203;";

/**
 * What escapeInline rewrites, in one pass so that nothing it writes is rewritten again:
 * - `&`, `<`, `>`: HTML (tags, comments, entities, `<url>` autolinks) becomes entities;
 * - `\`, backtick, `*`, `_`, `[`, `]`, `|`, `~`, `$`: Markdown syntax (code, emphasis, links, images, footnotes, table
 *   cells, strikethrough, math) is backslash-escaped;
 * - `@` and its full-width and small lookalikes: no (team) mention and no e-mail autolink;
 * - `#` before a digit: no issue or pull request reference;
 * - `:` before `//` and the `.` after `www`: no URL autolink.
 */
const INLINE_SYNTAX = /[&<>]|[\\`*_[\]|~$]|[@\uff20\ufe6b]|#(?=[0-9])|:(?=\/\/)|(?<=www)\./gi;

/**
 * Text that renders as itself inline, in a paragraph, a list item, a heading, a link's text or a table cell: one line
 * (line breaks and control characters become spaces), no HTML, no Markdown syntax, no mention, reference or autolink
 * (see INLINE_SYNTAX), and no list, heading or setext marker at its start. The pipe is escaped as `\|`, which GFM
 * reads as a literal pipe inside a cell, even inside a link's text or `<code>`. Unicode lookalikes (`＜`, `﹤`, `｜`) are
 * left as they are: GitHub gives them no meaning, and nothing here normalises them. Longer text is cut at `maxChars`
 * (before escaping) with an ellipsis.
 */
export function escapeInline(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  return truncateChars(flatten(text), maxChars)
    .replace(INLINE_SYNTAX, (c) => {
      if (c === "&" || c === "<" || c === ">") return ENTITIES[c] ?? c;
      if (c === "#" || c === ":" || c === "@" || c === "\uff20" || c === "\ufe6b") return c + NO_LINK;
      if (c === ".") return NO_LINK + c;
      return `\\${c}`;
    })
    .replace(/^( *)([-+=#])/, "$1\\$2")
    .replace(/^( *[0-9]{1,9})([.)])/, "$1\\$2");
}

/** One line: line breaks and control characters become spaces, halves of surrogate pairs U+FFFD. */
export function flatten(text: string): string {
  return text.replace(BREAKS_AND_CONTROLS, " ").replace(LONE_SURROGATE, "\ufffd");
}

/**
 * Printable ASCII that means nothing inside a backtick code span nor to anything reading the raw text: no backtick (it
 * would end the span), no `<`, `>`, `&` (raw HTML for whatever reads the body unrendered), no pipe (it would end a
 * table cell even inside the span), no `@`, no backslash, no `$` (GitHub's `` $`…`$ `` math), no brackets (a link's
 * text around the span would read them); no space at either end.
 */
const PLAIN_CODE = /^(?![\s\S]*[`<>&|@\\$[\]])[!-~](?:[ -~]*[!-~])?$/;

/**
 * Text in code font that holds anything, table cells included. Plain text (rule ids, SHAs, ordinary paths and
 * prefixes such as `/api/v1/`) becomes a backtick code span, readable in the raw Markdown; anything else becomes
 * `<code>` with escapeInline text inside, because GFM decodes entities and backslash escapes inside inline HTML but not
 * inside a code span, where `<` could only be written raw.
 */
export function codeSpan(text: string): string {
  if (text === "") return "` `";
  if (PLAIN_CODE.test(text)) return `\`${text}\``;
  return `<code>${escapeInline(text)}</code>`;
}

/** Whatever breaks a preformatted block apart or hides in it: control characters other than tab and newline. */
const BLOCK_CONTROLS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A preformatted block that holds any text. Without `<`, `>`, `&` or `@` it is a fenced code block whose fence is
 * longer than any run of backticks inside; otherwise an HTML `<pre>` block with those characters as entities (and no
 * mention), since a fenced block would keep them raw in the body.
 */
export function fencedBlock(text: string): string {
  const body = text.replace(/\r\n?/g, "\n").replace(BLOCK_CONTROLS, " ").replace(LONE_SURROGATE, "\ufffd");
  if (!/[<>&@\uff20\ufe6b]/.test(body)) {
    const fence = "`".repeat(Math.max(3, longestRun(body, "`") + 1));
    return `${fence}text\n${body}\n${fence}`;
  }
  const escaped = body.replace(/[&<>]|[@\uff20\ufe6b]/g, (c) => ENTITIES[c] ?? `${c}${NO_LINK}`);
  // The newline after <pre> is the one HTML drops, so a body that starts with a blank line keeps it.
  return `<pre>\n${escaped}</pre>`;
}

/** A link; `label` must already be Markdown (escaped text). Characters that would end the destination are encoded. */
export function link(label: string, url: string): string {
  return `[${label}](${safeUrl(url)})`;
}

/**
 * Percent-encodes what would end a Markdown link destination or a table cell or open HTML: whitespace and control
 * characters, `()<>|"\` and backticks.
 */
export function safeUrl(url: string): string {
  // eslint-disable-next-line no-control-regex
  return url.replace(/[\s\u0000-\u001f\u007f-\u009f()<>|"\\`]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x80 ? `%${code.toString(16).toUpperCase().padStart(2, "0")}` : encodeURIComponent(c);
  });
}

/** A GitHub login: letters, digits and single inner hyphens, at most 39 characters. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/**
 * `@login`, a mention, when `login` is a GitHub login; anything else (a bot's `name[bot]`, text from a forged marker)
 * is written as escaped text that mentions nobody.
 */
export function mention(login: string): string {
  return GITHUB_LOGIN.test(login) ? `@${login}` : escapeInline(`@${login}`);
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

const TITLE_LOOKALIKES: Readonly<Record<string, string>> = { "<": "‹", ">": "›", "@": "＠", "|": "¦", "`": "'", "&": "＆" };

/**
 * Echoed text for a check run's title, which GitHub shows as plain text in some places and reads as Markdown in
 * others: one line, and the characters that could open a tag, a mention, a code span or a table cell replaced by
 * harmless lookalikes (entities would show as themselves in plain text).
 */
export function titleText(text: string, maxChars = 120): string {
  return truncateChars(flatten(text), maxChars).replace(/[<>@|`&]/g, (c) => TITLE_LOOKALIKES[c] ?? c);
}
