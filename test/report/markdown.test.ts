/**
 * The one escaping function every renderer uses, and the helpers built on it, against a table of hostile strings:
 * exact outputs, so that a change to the rules shows here first.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { codeSpan, escapeInline, fencedBlock, flatten, link, mention, safeUrl } from "../../src/report/markdown.js";

/** What GitHub shows for escapeInline's output: backslash escapes, the three entities and the invisible breaks undone. */
function rendered(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])|&#8203;|&lt;|&gt;|&amp;/g, (match, escaped?: string) => {
    if (escaped !== undefined) return escaped;
    return { "&#8203;": "", "&lt;": "<", "&gt;": ">", "&amp;": "&" }[match] ?? match;
  });
}

/** [input, escapeInline, codeSpan] */
const HOSTILE: readonly (readonly [string, string, string])[] = [
  // HTML comments, the hidden markers the app reads back, and tags
  ["<!-- x -->", "&lt;!-- x --&gt;", "<code>&lt;!-- x --&gt;</code>"],
  ["-->", "\\--&gt;", "<code>\\--&gt;</code>"],
  [
    "/upstream/ <!-- mtls-gate:accept eyJ9 -->",
    "/upstream/ &lt;!-- mtls-gate:accept eyJ9 --&gt;",
    "<code>/upstream/ &lt;!-- mtls-gate:accept eyJ9 --&gt;</code>",
  ],
  [
    "<script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>",
  ],
  [
    "<img src=x onerror=alert(1)>",
    "&lt;img src=x onerror=alert(1)&gt;",
    "<code>&lt;img src=x onerror=alert(1)&gt;</code>",
  ],
  ["</code><b>", "&lt;/code&gt;&lt;b&gt;", "<code>&lt;/code&gt;&lt;b&gt;</code>"],
  ["<details open>", "&lt;details open&gt;", "<code>&lt;details open&gt;</code>"],
  ["<https://evil.example>", "&lt;https:&#8203;//evil.example&gt;", "<code>&lt;https:&#8203;//evil.example&gt;</code>"],
  // Entities: already escaped text stays as it was written
  ["&lt;!--", "&amp;lt;!--", "<code>&amp;lt;!--</code>"],
  ["&#60;!--", "&amp;#&#8203;60;!--", "<code>&amp;#&#8203;60;!--</code>"],
  ["&#8203;", "&amp;#&#8203;8203;", "<code>&amp;#&#8203;8203;</code>"],
  // Mentions, team mentions, references
  ["@octocat", "@&#8203;octocat", "<code>@&#8203;octocat</code>"],
  ["@org/team", "@&#8203;org/team", "<code>@&#8203;org/team</code>"],
  ["cc @octocat please", "cc @&#8203;octocat please", "<code>cc @&#8203;octocat please</code>"],
  ["＠octocat", "＠&#8203;octocat", "<code>＠&#8203;octocat</code>"],
  ["﹫octocat", "﹫&#8203;octocat", "<code>﹫&#8203;octocat</code>"],
  ["#12", "\\#&#8203;12", "`#12`"],
  ["fixes org/repo#12", "fixes org/repo#&#8203;12", "`fixes org/repo#12`"],
  // Code spans and fences
  ["`", "\\`", "<code>\\`</code>"],
  ["```", "\\`\\`\\`", "<code>\\`\\`\\`</code>"],
  ["a`b", "a\\`b", "<code>a\\`b</code>"],
  ["`x`", "\\`x\\`", "<code>\\`x\\`</code>"],
  // Table cells
  ["|", "\\|", "<code>\\|</code>"],
  ["a | b", "a \\| b", "<code>a \\| b</code>"],
  ["a\\|b", "a\\\\\\|b", "<code>a\\\\\\|b</code>"],
  // Line breaks and controls
  ["a\nb", "a b", "<code>a b</code>"],
  ["a\r\nb", "a b", "<code>a b</code>"],
  ["a\rb", "a b", "<code>a b</code>"],
  ["a\u2028b\u2029c\u0085d", "a b c d", "<code>a b c d</code>"],
  ["a\u0000b\u001bc\u007f", "a b c ", "<code>a b c </code>"],
  ["abc\u202edef", "abc def", "<code>abc def</code>"],
  // Links, images, autolinks
  ["[x](http://evil)", "\\[x\\](http:&#8203;//evil)", "<code>\\[x\\](http:&#8203;//evil)</code>"],
  ["![x](y)", "!\\[x\\](y)", "<code>!\\[x\\](y)</code>"],
  ["[x]: http://evil", "\\[x\\]: http:&#8203;//evil", "<code>\\[x\\]: http:&#8203;//evil</code>"],
  ["https://evil.example", "https:&#8203;//evil.example", "`https://evil.example`"],
  ["HTTP://EVIL.EXAMPLE", "HTTP:&#8203;//EVIL.EXAMPLE", "`HTTP://EVIL.EXAMPLE`"],
  ["www.evil.example", "www&#8203;.evil.example", "`www.evil.example`"],
  ["WWW.evil.example", "WWW&#8203;.evil.example", "`WWW.evil.example`"],
  ["a@b.co", "a@&#8203;b.co", "<code>a@&#8203;b.co</code>"],
  ["mailto:a@b.co", "mailto:a@&#8203;b.co", "<code>mailto:a@&#8203;b.co</code>"],
  // Emphasis, strikethrough, math, footnotes
  ["*a* _b_ ~c~ $d$", "\\*a\\* \\_b\\_ \\~c\\~ \\$d\\$", "<code>\\*a\\* \\_b\\_ \\~c\\~ \\$d\\$</code>"],
  ["x[^1]", "x\\[^1\\]", "<code>x\\[^1\\]</code>"],
  ["\\", "\\\\", "<code>\\\\</code>"],
  // Block markers at the start of a list item or line
  ["- x", "\\- x", "`- x`"],
  ["  + x", "  \\+ x", "<code>  \\+ x</code>"],
  ["1. x", "1\\. x", "`1. x`"],
  ["12) x", "12\\) x", "`12) x`"],
  ["# x", "\\# x", "`# x`"],
  ["===", "\\===", "`===`"],
  ["> x", "&gt; x", "<code>&gt; x</code>"],
  // Unicode lookalikes stay as they are: nothing folds them into ASCII
  ["＜!--", "＜!--", "<code>＜!--</code>"],
  ["﹤script﹥", "﹤script﹥", "<code>﹤script﹥</code>"],
  ["a｜b", "a｜b", "<code>a｜b</code>"],
  ["≮", "≮", "<code>≮</code>"],
  // Ordinary text stays readable
  ["/api/v1/", "/api/v1/", "`/api/v1/`"],
  ["edge/reports-client", "edge/reports-client", "`edge/reports-client`"],
  ["mapping-tls-context-not-found", "mapping-tls-context-not-found", "`mapping-tls-context-not-found`"],
  ["my_service.ns:8443", "my\\_service.ns:8443", "`my_service.ns:8443`"],
  ["résumé", "résumé", "<code>résumé</code>"],
  [" padded ", " padded ", "<code> padded </code>"],
  ["", "", "` `"],
];

describe("escapeInline and codeSpan: a table of hostile strings", () => {
  for (const [input, inline, code] of HOSTILE) {
    it(JSON.stringify(input), () => {
      assert.equal(escapeInline(input), inline);
      assert.equal(codeSpan(input), code);
      // …and what GitHub shows is the text itself, on one line.
      assert.equal(rendered(inline), flatten(input));
    });
  }

  it("cuts before escaping, so no entity or escape is cut in half", () => {
    assert.equal(escapeInline("<<<<<", 3), "&lt;&lt;…");
    assert.equal(escapeInline("@@@@", 2), "@&#8203;…");
  });

  it("turns halves of surrogate pairs into U+FFFD and keeps whole pairs", () => {
    assert.equal(escapeInline("a\ud800b\udc00c😀"), "a\ufffdb\ufffdc😀");
  });
});

describe("mention", () => {
  it("mentions a GitHub login and nobody else", () => {
    assert.equal(mention("octocat"), "@octocat");
    assert.equal(mention("a-b-1"), "@a-b-1");
    assert.equal(mention("mtls-gate[bot]"), "@&#8203;mtls-gate\\[bot\\]");
    assert.equal(mention("org/team"), "@&#8203;org/team");
    assert.equal(mention("x <!-- y"), "@&#8203;x &lt;!-- y");
    assert.equal(mention("-x"), "@&#8203;-x");
    assert.equal(mention("a--b"), "@&#8203;a--b");
    assert.equal(mention(""), "@&#8203;");
    assert.equal(mention("a".repeat(40)), `@&#8203;${"a".repeat(40)}`);
  });
});

describe("fencedBlock", () => {
  it("fences plain text with a fence longer than any backtick run inside", () => {
    assert.equal(fencedBlock("x ``` y"), "````text\nx ``` y\n````");
    assert.equal(fencedBlock("a\r\nb\rc"), "```text\na\nb\nc\n```");
  });

  it("writes text with HTML or mentions as a <pre> block of entities", () => {
    assert.equal(fencedBlock("<!-- mtls-gate:accept x -->"), "<pre>\n&lt;!-- mtls-gate:accept x --&gt;</pre>");
    assert.equal(fencedBlock("a </pre> b\n@octocat & co"), "<pre>\na &lt;/pre&gt; b\n@&#8203;octocat &amp; co</pre>");
    assert.equal(fencedBlock("\n<x>"), "<pre>\n\n&lt;x&gt;</pre>");
  });

  it("replaces control characters but keeps tabs and line breaks", () => {
    assert.equal(fencedBlock("a\tb\u0000c\u2028d\ne"), "```text\na\tb c d\ne\n```");
  });
});

describe("link and safeUrl", () => {
  it("encodes what would end the destination, open HTML or split a table cell", () => {
    assert.equal(safeUrl('https://x/a b(c)<d>|e"f\\g`h'), "https://x/a%20b%28c%29%3Cd%3E%7Ce%22f%5Cg%60h");
    assert.equal(safeUrl("https://x/\n\u0000\u0085\u2028"), "https://x/%0A%00%C2%85%E2%80%A8");
    assert.equal(safeUrl("https://x/<!--"), "https://x/%3C!--");
    assert.equal(link(escapeInline("a]b"), "https://x/y)z"), "[a\\]b](https://x/y%29z)");
  });
});
