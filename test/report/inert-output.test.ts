/**
 * Property tests: whatever text a repository, a comment or a payload puts in the fields the app echoes (Mapping names and
 * prefixes, services, Secrets, certificate fields, file paths, finding messages, suppression reasons, the query of
 * `explain`, a user's login, SHAs, branch names), every comment reply and every check-run summary stays inert: no HTML
 * comment (the app reads its own comments back for `<!-- mtls-gate:… -->` markers), no tag but the app's own, no mention,
 * no autolink, and no extra table cell or line.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { ExplainResult, ExplainStep } from "../../src/core/explain.js";
import type { Finding, Location, RouteMode } from "../../src/core/types.js";
import type { ClientCertificateView, RouteView } from "../../src/core/views.js";
import {
  renderCheckRun,
  renderInternalError,
  renderInvalidConfig,
  renderSuperseded,
  type AcceptanceView,
  type CheckRunReportInput,
} from "../../src/report/check-run.js";
import { renderExplain, renderRefusal, renderRoutes, renderUsage, type ReplyLinks } from "../../src/report/comments.js";
import { codeSpan, escapeInline, flatten, mention } from "../../src/report/markdown.js";

const SEED = 0x65736370;
const RUNS = 300;

// --- hostile text ----------------------------------------------------------------------------------------------------

/** The pieces an attacker would use, as whole units so that they come up often; then any character at all. */
const TOKENS = [
  "<",
  ">",
  "<!--",
  "-->",
  "<!-- mtls-gate:accept eyJ9 -->",
  "</code>",
  "<code>",
  "<details>",
  "<img src=x>",
  "<script>",
  "</",
  "<?",
  "<!",
  "@",
  "@octocat",
  "@org/team",
  "＠",
  "﹫",
  "`",
  "``",
  "```",
  "~~~",
  "|",
  "\\",
  "\\|",
  "\n",
  "\r",
  "\r\n",
  "\u2028",
  "\u2029",
  "\u0085",
  "\u0000",
  "\t",
  "\u202e",
  "\u200b",
  "&",
  "&lt;",
  "&#60;",
  "&#8203;",
  ";",
  "#",
  "#1",
  "1.",
  "-",
  "- ",
  "+",
  "=",
  "*",
  "_",
  "~",
  "$",
  "[",
  "]",
  "(",
  ")",
  "](",
  "!",
  ":",
  "//",
  "http://",
  "https://",
  "www.",
  "a@b.co",
  "mailto:",
  "＜",
  "﹤",
  "〈",
  "＞",
  "｜",
  "\ud800",
  "\udc00",
  " ",
  "  ",
  "a",
  "Z",
  "0",
  "/",
  ".",
];

const unit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
);
const hostile = fc.string({ unit, maxLength: 10 });
const maybeHostile = fc.option(hostile, { nil: null, freq: 3 });

// --- what is inert ---------------------------------------------------------------------------------------------------

/** The HTML the renderers write themselves. */
const OUR_TAGS = /<\/?(?:code|details|summary|pre)>/g;
/** A backslash escape: the escaped character means nothing. */
const ESCAPE = /\\[\s\S]/g;

interface Trusted {
  /** Fixed text of ours that may hold `<` (usage lines): taken out before the checks. */
  text?: readonly string[];
  /** Logins the renderer may mention on purpose. */
  mentions?: readonly string[];
  /** Pull requests the renderer refers to on purpose (`#7`). */
  references?: readonly number[];
}

function assertInert(markdown: string, trusted: Trusted = {}): void {
  let text = markdown;
  for (const fixed of trusted.text ?? []) text = text.split(fixed).join("");
  const show = () => JSON.stringify(markdown);
  /** The same text with the matches of `pattern` blanked out, so that positions stay. */
  const blank = (from: string, pattern: RegExp, fill = " ") => from.replace(pattern, (m) => m.replace(/[^\n]/g, fill));

  assert.ok(!text.includes("<!--"), `an HTML comment opens in ${show()}`);
  assert.ok(!text.includes("-->"), `an HTML comment closes in ${show()}`);

  // Our own tags: <code> opens and closes on one line, <pre> blocks are whole; no other tag, no raw angle bracket.
  for (const line of text.split("\n")) {
    let open = false;
    for (const tag of line.match(/<\/?code>/g) ?? []) {
      assert.equal(tag === "<code>", !open, `unbalanced ${tag} in ${JSON.stringify(line)}`);
      open = !open;
    }
    assert.ok(!open, `<code> left open in ${JSON.stringify(line)}`);
  }
  assert.equal(
    (text.match(/<pre>/g) ?? []).length,
    (text.match(/<\/pre>/g) ?? []).length,
    `unbalanced <pre> in ${show()}`,
  );
  const tagless = blank(text, OUR_TAGS);
  assert.doesNotMatch(tagless, /<[A-Za-z/!?]/, `a tag opens in ${show()}`);
  assert.doesNotMatch(tagless, /[<>]/, `a raw angle bracket in ${show()}`);

  // Link destinations (found where no backslash escapes the `]`): encoded, then out of the way of the checks below.
  const escaped = blank(tagless, ESCAPE, "E");
  const destinations = /\]\([^)]*\)/g;
  for (const match of escaped.matchAll(destinations)) {
    const url = tagless.slice((match.index ?? 0) + 2, (match.index ?? 0) + match[0].length - 1);
    assert.doesNotMatch(url, /[\s<>"|`\\]/, `a link destination that ends early in ${show()}`);
  }
  /** Blanks, in a string aligned with `text`, where `pattern` matches in `within`. */
  const blankWhere = (from: string, within: string, pattern: RegExp) => {
    let out = from;
    for (const match of within.matchAll(pattern)) {
      const at = match.index ?? 0;
      out = out.slice(0, at) + match[0].replace(/[^\n]/g, " ") + out.slice(at + match[0].length);
    }
    return out;
  };
  const linkless = (from: string) => blankWhere(from, escaped, destinations);

  // Every @ (and lookalike) is followed by the invisible break, but for the logins mentioned on purpose.
  let prose = linkless(tagless);
  for (const login of trusted.mentions ?? []) prose = blank(prose, new RegExp(`@${login}(?![A-Za-z0-9-])`, "g"));
  for (const at of prose.matchAll(/[@\uff20\ufe6b]/g)) {
    const after = prose.slice((at.index ?? 0) + 1, (at.index ?? 0) + 8);
    assert.equal(after, "&#8203;", `a mention or e-mail link may form at ${at.index} in ${show()}`);
  }

  // Autolinks and references, outside code (fenced blocks, <pre>, code spans) where GitHub makes none.
  const outsideCode = blankWhere(linkless(escaped), text, /^<pre>\n[\s\S]*?<\/pre>$/gm)
    .replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, "")
    .replace(/`[^`]*`/g, "")
    .replaceAll("&#8203;", "\u200b")
    .replace(/#([0-9]+)/g, (ref, n: string) => ((trusted.references ?? []).includes(Number(n)) ? "" : ref));
  assert.doesNotMatch(outsideCode, /[A-Za-z][A-Za-z0-9+.-]*:\/\//, `a URL autolink in ${show()}`);
  assert.doesNotMatch(outsideCode, /www\./i, `a www autolink in ${show()}`);
  assert.doesNotMatch(outsideCode, /#[0-9]/, `an issue reference in ${show()}`);
}

/** Every table keeps its shape: each row has as many unescaped pipes as the header. Returns the rows of each table. */
function tables(markdown: string): string[][] {
  const lines = markdown.split("\n");
  const pipes = (line: string) => (line.replace(ESCAPE, "").match(/\|/g) ?? []).length;
  const found: string[][] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const header = lines[i] ?? "";
    if (!/^\| .* \|$/.test(header) || !/^\|( --- \|)+$/.test(lines[i + 1] ?? "")) continue;
    const rows: string[] = [];
    for (let j = i + 2; j < lines.length && lines[j] !== ""; j++) {
      const row = lines[j] ?? "";
      assert.ok(row.startsWith("| ") && row.endsWith(" |"), `a row broken across lines: ${JSON.stringify(row)}`);
      assert.equal(
        pipes(row),
        pipes(header),
        `a row with another number of cells than its header: ${JSON.stringify(row)}`,
      );
      rows.push(row);
    }
    found.push(rows);
    i += 1 + rows.length;
  }
  return found;
}

/** Each string becomes its UTF-16 code units in hex: same order, same equalities, nothing to escape, no line break. */
function hex(text: string): string {
  return [...Array(text.length).keys()].map((i) => text.charCodeAt(i).toString(16).padStart(4, "0")).join("");
}

/** Fields whose values are a fixed vocabulary, not text. */
const VOCABULARY = new Set(["kind", "severity", "mode", "baseMode", "change", "scheme", "failOn", "scope"]);

/** The same input with every free-text string replaced by its hex form. */
function tamed<T>(value: T): T {
  if (typeof value === "string") return hex(value) as T;
  if (Array.isArray(value)) return value.map(tamed) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, VOCABULARY.has(k) ? v : tamed(v)])) as T;
  }
  return value;
}

const lineCount = (text: string) => text.split("\n").length;

/** What GitHub takes for a login after `@`: the renderers mention such logins on purpose, and nothing else. */
const isLogin = (text: string) => /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(text);

// --- the renderers' inputs -------------------------------------------------------------------------------------------

const MODES: readonly RouteMode[] = ["mtls", "tls", "plaintext"];

const location: fc.Arbitrary<Location> = fc.record({
  file: hostile,
  line: fc.integer({ min: 1, max: 500 }),
  column: fc.integer({ min: 1, max: 80 }),
  endLine: fc.integer({ min: 1, max: 500 }),
  endColumn: fc.integer({ min: 1, max: 80 }),
});

const certificate: fc.Arbitrary<ClientCertificateView> = fc.record({
  subject: hostile,
  sans: fc.array(hostile, { maxLength: 2 }),
  issuer: hostile,
  keyType: hostile,
  keyBits: fc.option(fc.nat({ max: 8192 }), { nil: null }),
  signatureAlgorithm: hostile,
  notBefore: hostile,
  notAfter: hostile,
  daysLeft: fc.integer({ min: -1000, max: 1000 }),
});

const routeView: fc.Arbitrary<RouteView> = fc.record({
  mapping: hostile,
  kind: fc.constantFrom("Mapping" as const, "TCPMapping" as const),
  file: hostile,
  line: fc.integer({ min: 1, max: 500 }),
  prefix: maybeHostile,
  host: maybeHostile,
  service: maybeHostile,
  upstream: fc.record({
    scheme: fc.constantFrom("http" as const, "https" as const),
    host: hostile,
    port: fc.integer({ min: 0, max: 65535 }),
  }),
  originatesTls: fc.boolean(),
  mode: fc.constantFrom(...MODES),
  tlsContext: maybeHostile,
  secret: maybeHostile,
  caSecret: maybeHostile,
  upstreamVerified: fc.boolean(),
  sni: maybeHostile,
  minTlsVersion: maybeHostile,
  maxTlsVersion: maybeHostile,
  requestedTlsContext: maybeHostile,
  rejected: maybeHostile,
  sharedClusterWith: maybeHostile,
  clientCertificate: fc.option(certificate, { nil: null }),
  change: fc.constantFrom("added" as const, "changed" as const, "unchanged" as const, "removed" as const, undefined),
  baseMode: fc.constantFrom(...MODES, null, undefined),
});

const finding: fc.Arbitrary<Finding> = fc
  .record({
    at: location,
    ruleId: hostile,
    messageId: hostile,
    severity: fc.constantFrom("error" as const, "warning" as const, "notice" as const),
    message: hostile,
    resource: maybeHostile,
    fingerprint: hostile,
    introduced: fc.constantFrom(true, false, undefined),
    suppressed: fc.option(fc.record({ reason: hostile }), { nil: undefined, freq: 3 }),
  })
  .map(({ at, ...rest }) => ({ ...at, ...rest, data: {} }));

/** URLs built from the text as it is, unencoded: whatever reaches a link destination goes through safeUrl. */
const links: ReplyLinks & Pick<CheckRunReportInput, "ruleDocsUrl" | "fileUrl"> = {
  ruleDocsUrl: (ruleId) => `https://docs.example/rules/${ruleId}.md`,
  fileUrl: (path, line) => `https://github.example/o/r/blob/0123456/${path}#L${line}`,
};

const step: fc.Arbitrary<ExplainStep> = fc.record({
  kind: fc.constantFrom(
    "Mapping" as const,
    "Service" as const,
    "TLSContext" as const,
    "Secret" as const,
    "Certificate" as const,
    "CA" as const,
  ),
  summary: hostile,
  details: fc.array(hostile, { maxLength: 3 }),
  at: fc.option(location, { nil: null }),
});

const explainResult: fc.Arbitrary<ExplainResult> = fc.oneof(
  fc.record({
    kind: fc.constant("found" as const),
    explanation: fc.record({
      route: routeView,
      steps: fc.array(step, { maxLength: 4 }),
      findings: fc.array(finding, { maxLength: 3 }),
    }),
  }),
  fc.record({
    kind: fc.constant("ambiguous" as const),
    query: hostile,
    candidates: fc.array(hostile, { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant("unknown" as const),
    query: hostile,
    suggestions: fc.array(hostile, { maxLength: 3 }),
  }),
);

const acceptance: fc.Arbitrary<AcceptanceView> = fc.record({
  ruleId: hostile,
  resource: hostile,
  reason: hostile,
  by: fc.oneof(hostile, fc.constantFrom("octo-reviewer", "mtls-gate[bot]")),
  at: hostile,
});

const checkRunInput: fc.Arbitrary<CheckRunReportInput> = fc
  .record({
    findings: fc.array(finding, { maxLength: 6 }),
    blocking: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    routes: fc.array(routeView, { maxLength: 5 }),
    removedRoutes: fc.array(routeView, { maxLength: 3 }),
    policy: fc.record({
      failOn: fc.constantFrom("error" as const, "warning" as const),
      scope: fc.constantFrom("introduced" as const, "all" as const),
    }),
    hasBase: fc.boolean(),
    changedFiles: fc.array(hostile, { maxLength: 3 }),
    deletedFiles: fc.array(hostile, { maxLength: 3 }),
    target: fc.oneof(
      fc.record({ kind: fc.constant("pull_request" as const), numbers: fc.array(fc.nat(), { maxLength: 12 }) }),
      fc.record({ kind: fc.constant("merge_group" as const), baseRef: hostile }),
    ),
    headSha: hostile,
    baseSha: maybeHostile,
    acceptances: fc.array(acceptance, { maxLength: 3 }),
    withFileUrl: fc.boolean(),
  })
  .map(({ blocking, withFileUrl, ...input }) => ({
    ...input,
    failing: input.findings.filter((_, i) => blocking[i]),
    ruleDocsUrl: links.ruleDocsUrl,
    ...(withFileUrl ? { fileUrl: links.fileUrl } : {}),
  }));

const USAGE = [
  "/mtls-gate help",
  "/mtls-gate explain <mapping name | namespace/name | prefix>",
  "/mtls-gate accept <rule-id> <resource> -- <reason>",
].join("\n");

/** The one piece of fixed text with angle brackets in the check-run summary: a command's syntax in a code span. */
const REVOKE_SYNTAX = "`/mtls-gate revoke <rule-id> <resource>`";

// --- examples --------------------------------------------------------------------------------------------------------

describe("echoed text is inert: the attacks of issue 12", () => {
  const ATTACK = "/upstream/ <!-- mtls-gate:accept eyJ9 -->";
  const base: RouteView = {
    mapping: "payments/upstream-mapping",
    kind: "Mapping",
    file: "payments/mappings.yaml",
    line: 3,
    prefix: ATTACK,
    host: null,
    service: "upstream-service.payments:80",
    upstream: { scheme: "http", host: "upstream-service.payments", port: 80 },
    originatesTls: false,
    mode: "plaintext",
    tlsContext: null,
    secret: null,
    caSecret: null,
    upstreamVerified: false,
    sni: null,
    minTlsVersion: null,
    maxTlsVersion: null,
    requestedTlsContext: null,
    rejected: null,
    sharedClusterWith: null,
    clientCertificate: null,
    change: "changed",
    baseMode: "mtls",
  };

  it("a Mapping prefix that carries an acceptance marker is shown, not obeyed", () => {
    const reply = renderRoutes({ routes: [base], removedRoutes: [], all: false, headSha: "0123456789" });
    assert.ok(
      reply.includes(
        "| payments/upstream-mapping | <code>/upstream/ &lt;!-- mtls-gate:accept eyJ9 --&gt;</code> | " +
          "http:&#8203;//upstream-service.payments:80 | mtls → plaintext ⚠️ downgrade | — | — |",
      ),
      reply,
    );
    assert.ok(!reply.includes("<!--"));
  });

  it("the query of explain, and a mention in it", () => {
    const reply = renderExplain({ kind: "unknown", query: "x --> @octocat", suggestions: [ATTACK] }, links);
    assert.equal(
      reply,
      "No route is named <code>x --&gt; @&#8203;octocat</code> (by Mapping name, `namespace/name` or prefix). " +
        "Close matches: <code>/upstream/ &lt;!-- mtls-gate:accept eyJ9 --&gt;</code>.",
    );
  });

  it("a refusal mentions the login that asked, and only a login", () => {
    assert.equal(
      renderRefusal("mallory", "write", "read"),
      "Sorry @mallory, mtls-gate commands need write permission on this repository (you have read). Nothing was done.",
    );
    assert.match(
      renderRefusal("mtls-gate[bot]", "maintain <b>", "read"),
      /^Sorry @&#8203;mtls-gate\\\[bot\\\], .* need maintain &lt;b&gt; permission/,
    );
  });
});

// --- the properties --------------------------------------------------------------------------------------------------

describe("property: echoed text is inert", () => {
  it("escapeInline, codeSpan and mention, in a table cell", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const login = isLogin(text);
        for (const cell of [escapeInline(text), codeSpan(text), mention(text)]) {
          const table = `| a | b |\n| --- | --- |\n| ${cell} | x |`;
          assertInert(table, { mentions: login ? [text] : [] });
          assert.equal(tables(table)[0]?.length, 1);
        }
      }),
      { seed: SEED, numRuns: 2000, includeErrorInReport: true },
    );
  });

  it("escapeInline renders as the text itself, on one line", () => {
    const rendered = (markdown: string) =>
      markdown.replace(/\\([!-/:-@[-`{-~])|&#8203;|&lt;|&gt;|&amp;/g, (match, escaped?: string) =>
        escaped !== undefined ? escaped : ({ "&#8203;": "", "&lt;": "<", "&gt;": ">", "&amp;": "&" }[match] ?? match),
      );
    fc.assert(
      fc.property(hostile, (text) => {
        assert.equal(rendered(escapeInline(text)), flatten(text));
      }),
      { seed: SEED + 1, numRuns: 2000, includeErrorInReport: true },
    );
  });

  it("/mtls-gate routes: the table keeps one row per route and its cells", () => {
    const input = fc.record({
      routes: fc.array(routeView, { maxLength: 6 }),
      removedRoutes: fc.array(routeView, { maxLength: 3 }),
      all: fc.boolean(),
      headSha: hostile,
    });
    fc.assert(
      fc.property(input, (routesInput) => {
        const reply = renderRoutes(routesInput);
        assertInert(reply);
        const changed = routesInput.routes.filter((r) => r.change === "added" || r.change === "changed");
        const expected =
          changed.length +
          routesInput.removedRoutes.length +
          (routesInput.all ? routesInput.routes.length - changed.length : 0);
        assert.deepEqual(
          tables(reply).map((rows) => rows.length),
          expected > 0 ? [expected] : [],
        );
        assert.equal(lineCount(reply), lineCount(renderRoutes(tamed(routesInput))));
      }),
      { seed: SEED + 2, numRuns: RUNS, includeErrorInReport: true },
    );
  });

  it("/mtls-gate explain: found, ambiguous and unknown routes, with and without file links", () => {
    fc.assert(
      fc.property(explainResult, fc.boolean(), (result, withFileUrl) => {
        const replyLinks: ReplyLinks = withFileUrl ? links : { ruleDocsUrl: links.ruleDocsUrl };
        const reply = renderExplain(result, replyLinks);
        assertInert(reply);
        if (result.kind === "found") {
          const { steps, findings } = result.explanation;
          const details = steps.reduce((n, s) => n + s.details.length, 0);
          assert.equal(lineCount(reply), 2 + steps.length + details + 2 + findings.length);
        } else {
          assert.equal(lineCount(reply), 1);
        }
      }),
      { seed: SEED + 3, numRuns: RUNS, includeErrorInReport: true },
    );
  });

  it("refusals and usage replies", () => {
    const user = fc.oneof(hostile, fc.constantFrom("octocat", "mallory", "a-b-1", "mtls-gate[bot]"));
    fc.assert(
      fc.property(user, hostile, hostile, hostile, (login, needed, has, problem) => {
        const refusal = renderRefusal(login, needed, has);
        const valid = isLogin(login);
        assertInert(refusal, { mentions: valid ? [login] : [] });
        assert.equal(lineCount(refusal), 1);
        if (valid) assert.ok(refusal.startsWith(`Sorry @${login}, `), refusal);

        const usage = renderUsage(problem, USAGE);
        assertInert(usage, { text: [USAGE] });
        assert.equal(lineCount(usage), 5 + lineCount(USAGE));
      }),
      { seed: SEED + 4, numRuns: RUNS, includeErrorInReport: true },
    );
  });

  it("the check run: summary, full list and title", () => {
    fc.assert(
      fc.property(checkRunInput, (input) => {
        const report = renderCheckRun(input);
        const calm = renderCheckRun(tamed(input));
        const trusted = {
          text: [REVOKE_SYNTAX],
          mentions: (input.acceptances ?? []).map((a) => a.by).filter(isLogin),
          references: input.target.kind === "pull_request" ? input.target.numbers : [],
        };
        for (const [markdown, same] of [
          [report.summary, calm.summary],
          [report.text ?? "", calm.text ?? ""],
        ] as const) {
          assertInert(markdown, trusted);
          tables(markdown);
          assert.equal(lineCount(markdown), lineCount(same), "a line break got through");
        }
        assert.doesNotMatch(report.title, /[<>@\n|`]/);
      }),
      { seed: SEED + 5, numRuns: RUNS, includeErrorInReport: true },
    );
  });

  it("the other check-run outputs: internal error, invalid configuration, superseded", () => {
    const problems = fc.array(
      fc.record({
        path: hostile,
        problem: hostile,
        line: fc.option(fc.integer({ min: -5, max: 500 }), { nil: undefined }),
      }),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(
        hostile,
        hostile,
        problems,
        hostile,
        hostile,
        (problem, attempt, configProblems, headSha, newerSha) => {
          assertInert(renderInternalError({ problem, attempt }).summary);
          assertInert(renderInternalError({ problem }).summary);
          const invalid = renderInvalidConfig({ source: attempt, problems: configProblems });
          assertInert(invalid.summary);
          assert.equal(lineCount(invalid.summary), 5 + Math.max(1, configProblems.length));
          assertInert(renderSuperseded({ headSha, newerSha }).summary);
        },
      ),
      { seed: SEED + 6, numRuns: RUNS, includeErrorInReport: true },
    );
  });
});
