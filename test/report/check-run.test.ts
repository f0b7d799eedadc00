import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CHECK_RUN_NAME,
  IN_PROGRESS_OUTPUT,
  MAX_ANNOTATIONS,
  MAX_OUTPUT_CHARS,
  renderCheckRun,
  renderInternalError,
  renderInvalidConfig,
  renderNoManifestChanges,
  type CheckRunReportInput,
} from "../../src/report/check-run.js";
import { codeSpan, escapeInline, fencedBlock, truncateUtf8, utf8Length } from "../../src/report/markdown.js";
import type { Finding } from "../../src/core/types.js";
import type { RouteView } from "../../src/core/views.js";

const DOCS = "https://docs.example/rules/";
const HEAD = "a".repeat(40);
const BASE = "b".repeat(40);

let serial = 0;

function finding(overrides: Partial<Finding> = {}): Finding {
  serial++;
  return {
    ruleId: "mapping-tls-context-not-found",
    messageId: "unknown",
    severity: "error",
    message: `Mapping uses TLSContext "ctx-${serial}", which does not exist`,
    file: "edge/mappings.yaml",
    line: 12,
    column: 3,
    endLine: 12,
    endColumn: 22,
    resource: "Mapping/edge/reports",
    data: {},
    fingerprint: `fp-${serial}`,
    introduced: true,
    ...overrides,
  };
}

function route(overrides: Partial<RouteView> = {}): RouteView {
  return {
    mapping: "edge/reports",
    kind: "Mapping",
    file: "edge/mappings.yaml",
    line: 10,
    prefix: "/reports/",
    host: null,
    service: "reports.edge:443",
    upstream: { scheme: "https", host: "reports.edge", port: 443 },
    originatesTls: true,
    mode: "mtls",
    tlsContext: "reports-context",
    secret: "edge/reports-client",
    caSecret: null,
    upstreamVerified: false,
    sni: null,
    minTlsVersion: null,
    maxTlsVersion: null,
    requestedTlsContext: null,
    rejected: null,
    sharedClusterWith: null,
    clientCertificate: null,
    change: "unchanged",
    baseMode: "mtls",
    ...overrides,
  };
}

/** The caller's failingFindings, restated: not suppressed, at or above failOn, introduced unless scope is all. */
function failing(findings: readonly Finding[], policy: CheckRunReportInput["policy"], hasBase: boolean): Finding[] {
  const rank = { error: 3, warning: 2, notice: 1 };
  return findings.filter(
    (f) => !f.suppressed && rank[f.severity] >= rank[policy.failOn] && (!hasBase || policy.scope === "all" || f.introduced !== false),
  );
}

function input(overrides: Partial<CheckRunReportInput> & { findings?: Finding[] } = {}): CheckRunReportInput {
  const policy = overrides.policy ?? { failOn: "error", scope: "introduced" };
  const hasBase = overrides.hasBase ?? true;
  const findings = overrides.findings ?? [];
  return {
    findings,
    failing: failing(findings, policy, hasBase),
    routes: [],
    removedRoutes: [],
    policy,
    hasBase,
    changedFiles: ["edge/mappings.yaml"],
    deletedFiles: [],
    target: { kind: "pull_request", numbers: [7] },
    headSha: HEAD,
    baseSha: hasBase ? BASE : null,
    ruleDocsUrl: (id) => `${DOCS}${id}.md`,
    ...overrides,
  };
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? "";
}

/** Table rows of a section: the lines starting with `|` after its heading, up to the next blank line after the table. */
function tableRows(summary: string, heading: string): string[] {
  const start = summary.indexOf(`### ${heading}`);
  assert.ok(start >= 0, `no section "${heading}" in:\n${summary}`);
  const rest = summary.slice(start).split("\n").slice(1);
  const rows: string[] = [];
  let inTable = false;
  for (const line of rest) {
    if (line.startsWith("|")) {
      inTable = true;
      rows.push(line);
    } else if (inTable || line.startsWith("###")) break;
  }
  return rows.slice(2);
}

describe("renderCheckRun: conclusion, title and verdict", () => {
  it("fails when something blocks, with counts in the title and the verdict first", () => {
    const findings = [
      finding(),
      finding({ line: 20, endLine: 20 }),
      finding({ severity: "warning", ruleId: "upstream-unverified" }),
      finding({ introduced: false }),
      finding({ introduced: false, severity: "warning" }),
      finding({ introduced: false, severity: "notice" }),
    ];
    const report = renderCheckRun(input({ findings }));
    assert.equal(report.conclusion, "failure");
    assert.equal(report.title, "2 errors introduced, 1 warning introduced · 2 blocking · 3 pre-existing");
    assert.equal(firstLine(report.summary), "❌ **Blocks merge:** 2 findings at or above `error` introduced by this change.");
  });

  it("passes when nothing reaches failOn, and says so", () => {
    const findings = [finding({ introduced: false }), finding({ introduced: false }), finding({ introduced: false, severity: "warning" })];
    const report = renderCheckRun(input({ findings }));
    assert.equal(report.conclusion, "success");
    assert.equal(report.title, "No new problems · 3 pre-existing");
    assert.equal(firstLine(report.summary), "✅ **No introduced findings at or above `error`.**");
    assert.deepEqual(report.annotations, [], "pre-existing findings are not annotated with scope: introduced");
    assert.match(report.summary, /\*\*Pre-existing\*\* \(the base has them too\): 2 errors, 1 warning, 0 notices: not annotated, not blocking/);
  });

  it("the conclusion follows `failing`, not the severities", () => {
    const findings = [finding({ severity: "warning" })];
    const passing = renderCheckRun(input({ findings }));
    assert.equal(passing.conclusion, "success");
    assert.equal(passing.title, "1 warning introduced · none blocking");
    const blocking = renderCheckRun(input({ findings, policy: { failOn: "warning", scope: "introduced" } }));
    assert.equal(blocking.conclusion, "failure");
    assert.equal(blocking.title, "1 warning introduced · 1 blocking");
    assert.equal(firstLine(blocking.summary), "❌ **Blocks merge:** 1 finding at or above `warning` introduced by this change.");
  });

  it("with scope all, pre-existing findings block and are annotated", () => {
    const old = finding({ introduced: false, file: "payments/tls.yaml", ruleId: "tls-context-secret-not-found" });
    const oldNotice = finding({ introduced: false, severity: "notice" });
    const policy = { failOn: "error", scope: "all" } as const;
    const report = renderCheckRun(input({ findings: [old, oldNotice], policy }));
    assert.equal(report.conclusion, "failure");
    assert.equal(report.title, "No new problems · 1 blocking (1 pre-existing) · 2 pre-existing");
    assert.equal(firstLine(report.summary), "❌ **Blocks merge:** 1 finding at or above `error`: 0 introduced by this change, 1 pre-existing (`scope: all`).");
    assert.equal(report.annotations.length, 1);
    assert.equal(report.annotations[0]?.message, `${old.message} (pre-existing)`);
    assert.equal(tableRows(report.summary, "Pre-existing findings that block (1)").length, 1);
  });

  it("without a base every finding is a finding of the tree", () => {
    const findings = [finding({ introduced: undefined }), finding({ introduced: undefined, severity: "notice" })];
    const report = renderCheckRun(input({ findings, hasBase: false }));
    assert.equal(report.conclusion, "failure");
    assert.equal(report.title, "1 error, 1 notice · 1 blocking");
    assert.match(firstLine(report.summary), /^❌ \*\*Blocks merge:\*\* 1 finding at or above `error` in this tree/);
    assert.equal(report.annotations.length, 2, "without a base all unsuppressed findings are annotated");
    assert.doesNotMatch(report.summary, /pre-existing/i);
    assert.equal(renderCheckRun(input({ hasBase: false })).title, "No problems found");
  });

  it("is deterministic and keeps the title short, without a trailing period", () => {
    const findings = [finding({ message: "x." }), finding({ introduced: false })];
    const a = renderCheckRun(input({ findings }));
    const b = renderCheckRun(input({ findings: [...findings].reverse() }));
    assert.deepEqual(a, b);
    assert.ok(a.title.length <= 255);
    assert.doesNotMatch(a.title, /\.$/);
  });
});

describe("renderCheckRun: summary sections", () => {
  it("lists introduced findings in a table with links and escapes cells", () => {
    const nasty = finding({
      message: "value a|b\nsecond line <script>alert(1)</script> *bold* [x](y)",
      resource: "Mapping/edge/odd|name",
      file: "edge/weird_name.yaml",
      line: 4,
      endLine: 4,
    });
    const report = renderCheckRun(
      input({ findings: [nasty], changedFiles: ["edge/weird_name.yaml"], fileUrl: (path, line) => `https://gh.example/blob/${HEAD}/${path}#L${line}` }),
    );
    const rows = tableRows(report.summary, "Introduced findings (1)");
    assert.deepEqual(rows, [
      "| **error** · blocking | [mapping-tls-context-not-found](https://docs.example/rules/mapping-tls-context-not-found.md) | " +
        `[edge/weird\\_name.yaml:4](https://gh.example/blob/${HEAD}/edge/weird_name.yaml#L4) | Mapping/edge/odd\\|name | ` +
        "value a\\|b second line &lt;script&gt;alert(1)&lt;/script&gt; \\*bold\\* \\[x\\](y) |",
    ]);
    assert.doesNotMatch(report.summary, /<script>/);
    // Every table row keeps exactly its 5 cells: unescaped pipes would add more.
    for (const row of rows) assert.equal(row.split(/(?<!\\)\|/).length - 2, 5, row);
  });

  it("without fileUrl the location is plain text", () => {
    const report = renderCheckRun(input({ findings: [finding({ line: 9, endLine: 9 })] }));
    const row = tableRows(report.summary, "Introduced findings (1)")[0] ?? "";
    assert.match(row, /\| edge\/mappings\.yaml:9 \|/);
  });

  it("marks findings in files the change did not touch in place (its blast radius), listing each finding once", () => {
    const inside = finding({ file: "edge/mappings.yaml" });
    const outside = finding({ file: "payments/tls-context.yaml", ruleId: "tls-context-secret-not-found", line: 8, endLine: 8, resource: "TLSContext/payments/upstream" });
    const report = renderCheckRun(
      input({ findings: [inside, outside], changedFiles: ["edge/mappings.yaml"], deletedFiles: ["payments/secret-upstream-certs.yaml"] }),
    );
    const rows = tableRows(report.summary, "Introduced findings (2)");
    assert.equal(rows.length, 2, "each finding once");
    assert.deepEqual(
      rows.map((r) => r.includes("↪")),
      [false, true],
      "the row outside the change is marked, the other is not",
    );
    assert.match(report.summary, /The row marked ↪ stands in a file this change did not touch[^\n]*annotated where it stands/);
    assert.doesNotMatch(report.summary, /### Caused outside/, "no second list repeating the findings");
    assert.match(report.summary, /### Deleted files and removed routes \(1\)\n- `payments\/secret-upstream-certs\.yaml` deleted/);
    assert.ok(report.annotations.some((a) => a.path === "payments/tls-context.yaml"), "annotated where it stands");
    const none = renderCheckRun(input({ findings: [inside] }));
    assert.doesNotMatch(none.summary, /did not touch/);
  });

  it("groups the consequences of one root cause on one resource: one row and one annotation listing them", () => {
    const root = finding({ ruleId: "mapping-tls-context-not-found", message: "no TLSContext is named x", fingerprint: "r" });
    const downgrade = finding({ ruleId: "mtls-downgrade", message: "was mtls, now plaintext", fingerprint: "d" });
    const required = finding({ ruleId: "mtls-required", message: "policy requires mTLS", fingerprint: "q" });
    const elsewhere = finding({ ruleId: "mtls-required", message: "another route", resource: "Mapping/edge/other", fingerprint: "o" });
    const report = renderCheckRun(input({ findings: [downgrade, required, root, elsewhere] }));
    assert.equal(report.annotations.length, 2, "one for the root cause and its consequences, one for the other route");
    const grouped = report.annotations.find((a) => a.title === "mapping-tls-context-not-found");
    assert.equal(grouped?.annotation_level, "failure");
    assert.equal(grouped?.message, "no TLSContext is named x\n\nConsequences on this route:\n- mtls-downgrade (error): was mtls, now plaintext\n- mtls-required (error): policy requires mTLS");
    assert.match(grouped?.raw_details ?? "", /Fingerprint: r, d, q/);
    const rows = tableRows(report.summary, "Introduced findings (4)");
    assert.equal(rows.length, 2);
    assert.match(rows[0] ?? "", /mapping-tls-context-not-found\]\([^)]*\) → \[mtls-downgrade\]\([^)]*\), \[mtls-required\]/);
    assert.match(rows[0] ?? "", /no TLSContext is named x \*\*Consequences:\*\* was mtls, now plaintext policy requires mTLS/);
    assert.match(report.title, /^4 errors introduced · 4 blocking/, "counts stay counts of findings");
  });

  it("names what happens to traffic first in the title", () => {
    const lost = route({ mapping: "payments/upstream-mapping", prefix: "/upstream/", change: "changed", baseMode: "mtls", mode: "plaintext", upstream: { scheme: "http", host: "upstream-service.payments", port: 80 } });
    const report = renderCheckRun(input({ findings: [finding({})], routes: [lost, route({ mapping: "edge/same", change: "unchanged" })] }));
    assert.equal(report.title, "1 route loses mTLS: /upstream/ now plaintext to upstream-service.payments:80 · 1 error introduced · 1 blocking");
  });

  it("marks downgrades and rejected routes in the changed routes table, with removed routes", () => {
    const routes = [
      route({ mapping: "edge/a-same", change: "unchanged" }),
      route({ mapping: "edge/b-added", change: "added", baseMode: null, mode: "tls" }),
      route({ mapping: "edge/c-down", change: "changed", baseMode: "mtls", mode: "plaintext", upstream: { scheme: "http", host: "c.edge", port: 80 } }),
      route({ mapping: "edge/d-up", change: "changed", baseMode: "tls", mode: "mtls" }),
      route({ mapping: "edge/e-rejected", change: "changed", baseMode: "tls", mode: "tls", rejected: "no service" }),
    ];
    const removed = [route({ mapping: "edge/f-gone", change: "removed", mode: "tls", baseMode: undefined })];
    const report = renderCheckRun(input({ routes, removedRoutes: removed }));
    assert.deepEqual(tableRows(report.summary, "Changed routes (5)"), [
      "| edge/c-down | /reports/ | http:&#8203;//c.edge:80 | changed | mtls → plaintext ⚠️ downgrade |",
      "| edge/e-rejected | /reports/ | https:&#8203;//reports.edge:443 | changed | tls → tls ⛔ rejected: no service |",
      "| edge/d-up | /reports/ | https:&#8203;//reports.edge:443 | changed | tls → mtls |",
      "| edge/b-added | /reports/ | https:&#8203;//reports.edge:443 | added | — → tls |",
      "| edge/f-gone | /reports/ | https:&#8203;//reports.edge:443 | removed | tls → removed |",
    ]);
    assert.match(report.summary, /- route `edge\/f-gone` removed \(was tls, prefix `\/reports\/`\)/);
    assert.doesNotMatch(report.summary, /a-same/, "unchanged routes are not listed");
    assert.match(report.summary, /Head: 5 routes \(2 mtls, 1 tls, 1 plaintext, 1 rejected\)\./);
  });

  it("counts suppressed findings and links every rule that appears", () => {
    const findings = [
      finding({ suppressed: { reason: "partner pins our cert" }, ruleId: "upstream-unverified" }),
      finding({ ruleId: "weak-tls-protocol", severity: "warning", introduced: false }),
    ];
    const report = renderCheckRun(input({ findings }));
    assert.equal(report.conclusion, "success");
    assert.equal(report.title, "No new problems · 1 pre-existing · 1 suppressed");
    assert.match(report.summary, /\*\*Suppressed\*\* \(`mtls-gate\.io\/ignore`\): 1;/);
    assert.match(
      report.summary,
      /### Rules\n- \[upstream-unverified\]\(https:\/\/docs\.example\/rules\/upstream-unverified\.md\)\n- \[weak-tls-protocol\]\(https:\/\/docs\.example\/rules\/weak-tls-protocol\.md\)$/,
    );
    assert.deepEqual(report.annotations, [], "suppressed and pre-existing findings are not annotated");
    assert.match(report.text ?? "", /suppressed: partner pins our cert/);
    assert.match(report.text ?? "", /\(pre-existing\)/);
  });

  it("names the pull request, the commits and the policy; the merge queue by its base", () => {
    const pr = renderCheckRun(input());
    assert.equal(
      pr.summary.split("\n")[2],
      "Pull request #7 · head `aaaaaaaaaaaa` compared with the merge base `bbbbbbbbbbbb` · policy `failOn: error`, `scope: introduced`",
    );
    const queue = renderCheckRun(input({ target: { kind: "merge_group", baseRef: "main" } }));
    assert.match(queue.summary.split("\n")[2] ?? "", /^Merge queue into `main` · head `aaaaaaaaaaaa` compared with the queue's base `bbbbbbbbbbbb`/);
    assert.equal(pr.text, undefined, "no findings: no text");
  });
});

describe("renderCheckRun: annotations", () => {
  it("maps severities to levels, rule id to title, and puts only resource, fingerprint and docs in raw_details", () => {
    const findings = [
      finding({ severity: "notice", ruleId: "tls-context-unused", fingerprint: "n1", resource: null }),
      finding({ severity: "warning", ruleId: "upstream-unverified", fingerprint: "w1", resource: "Mapping/edge/other" }),
      finding({ severity: "error", fingerprint: "e1", data: { secret: "do-not-show" } }),
    ];
    const report = renderCheckRun(input({ findings }));
    assert.deepEqual(
      report.annotations.map((a) => [a.annotation_level, a.title]),
      [
        ["failure", "mapping-tls-context-not-found"],
        ["warning", "upstream-unverified"],
        ["notice", "tls-context-unused"],
      ],
    );
    assert.equal(
      report.annotations[0]?.raw_details,
      "Resource: Mapping/edge/reports\nFingerprint: e1\nDocumentation: https://docs.example/rules/mapping-tls-context-not-found.md",
    );
    assert.equal(report.annotations[2]?.raw_details, "Fingerprint: n1\nDocumentation: https://docs.example/rules/tls-context-unused.md");
    assert.equal(report.annotations[0]?.message, findings[2]?.message);
    assert.doesNotMatch(JSON.stringify(report), /do-not-show/);
  });

  it("sets columns only on single-line ranges with a positive width, and clamps lines", () => {
    const report = renderCheckRun(
      input({
        findings: [
          finding({ file: "a.yaml", line: 5, column: 3, endLine: 5, endColumn: 9 }),
          finding({ file: "b.yaml", line: 5, column: 3, endLine: 7, endColumn: 9 }),
          finding({ file: "c.yaml", line: 5, column: 9, endLine: 5, endColumn: 9 }),
          finding({ file: "d.yaml", line: 0, column: 1, endLine: 0, endColumn: 4 }),
        ],
        changedFiles: ["a.yaml", "b.yaml", "c.yaml", "d.yaml"],
      }),
    );
    const [a, b, c, d] = report.annotations;
    assert.deepEqual([a?.start_line, a?.end_line, a?.start_column, a?.end_column], [5, 5, 3, 9]);
    assert.deepEqual([b?.start_line, b?.end_line], [5, 7]);
    assert.ok(b && !("start_column" in b) && !("end_column" in b), "no columns on a multi-line range");
    assert.ok(c && !("start_column" in c), "no columns on an empty range");
    assert.deepEqual([d?.start_line, d?.end_line, d?.start_column, d?.end_column], [1, 1, 1, 4]);
  });

  it("orders blocking first, then severity, file, line", () => {
    const policy = { failOn: "error", scope: "introduced" } as const;
    const findings = [
      finding({ severity: "warning", file: "a.yaml", line: 1, endLine: 1, ruleId: "w-a1" }),
      finding({ severity: "error", file: "b.yaml", line: 9, endLine: 9, ruleId: "e-b9" }),
      finding({ severity: "notice", file: "a.yaml", line: 1, endLine: 1, ruleId: "n-a1" }),
      finding({ severity: "error", file: "a.yaml", line: 30, endLine: 30, ruleId: "e-a30" }),
      finding({ severity: "error", file: "a.yaml", line: 2, endLine: 2, ruleId: "e-a2" }),
      finding({ severity: "warning", file: "a.yaml", line: 3, endLine: 3, ruleId: "w-a3" }),
    ];
    // One error does not block (an odd caller): blocking ones still come first.
    const blocking = failing(findings, policy, true).filter((f) => f.ruleId !== "e-a2");
    const report = renderCheckRun({ ...input({ findings, policy }), failing: blocking });
    assert.deepEqual(
      report.annotations.map((a) => a.title),
      ["e-a30", "e-b9", "e-a2", "w-a1", "w-a3", "n-a1"],
    );
  });

  it("matches the failing list by content, not object identity", () => {
    const findings = [finding({ severity: "warning" }), finding({ severity: "error", file: "z.yaml" })];
    const copies = findings.map((f) => ({ ...f }));
    const report = renderCheckRun({ ...input({ findings }), failing: copies.filter((f) => f.severity === "warning") });
    assert.equal(report.annotations[0]?.title, findings[0]?.ruleId);
    assert.equal(report.annotations[0]?.annotation_level, "warning");
  });

  it("caps annotations and says in the summary how many were left out", () => {
    const findings = Array.from({ length: 320 }, (_, i) => finding({ line: i + 1, endLine: i + 1 }));
    const report = renderCheckRun(input({ findings }));
    assert.equal(report.annotations.length, MAX_ANNOTATIONS);
    assert.match(report.summary, /⚠️ \*\*20 annotations left out:\*\* 300 of 320 are on the files/);
    const small = renderCheckRun(input({ findings: findings.slice(0, 5), maxAnnotations: 2 }));
    assert.equal(small.annotations.length, 2);
    assert.match(small.summary, /\*\*3 annotations left out:\*\* 2 of 5/);
    assert.doesNotMatch(renderCheckRun(input({ findings: findings.slice(0, 5) })).summary, /left out/);
  });

  it("truncates an oversized message and title to GitHub's limits", () => {
    const report = renderCheckRun(input({ findings: [finding({ message: "é".repeat(70000), ruleId: "r".repeat(300) })] }));
    const a = report.annotations[0];
    assert.ok(a);
    assert.ok(utf8Length(a.message) <= 65535, `message is ${utf8Length(a.message)} bytes`);
    assert.ok(a.message.endsWith("…"));
    assert.equal(a.title.length, 255);
  });
});

describe("renderCheckRun: GitHub's size limit", () => {
  const many = Array.from({ length: 5000 }, (_, i) =>
    finding({
      file: `apps/team-${i % 50}/mappings.yaml`,
      line: i + 1,
      endLine: i + 1,
      introduced: i % 5 !== 0,
      severity: i % 3 === 0 ? "warning" : "error",
      message: `Mapping number ${i} | uses a TLSContext that does not exist and so Emissary sends plaintext upstream`,
    }),
  );
  const report = renderCheckRun(
    input({
      findings: many,
      changedFiles: [],
      deletedFiles: Array.from({ length: 3000 }, (_, i) => `old/file-${i}.yaml`),
      routes: Array.from({ length: 2000 }, (_, i) => route({ mapping: `edge/r-${i}`, change: "changed", baseMode: "mtls", mode: "plaintext" })),
      fileUrl: (path, line) => `https://github.example/o/r/blob/${HEAD}/${path}#L${line}`,
    }),
  );

  it("keeps the summary and text under 65535 characters with an “N more” line", () => {
    assert.ok(report.summary.length <= MAX_OUTPUT_CHARS, `summary is ${report.summary.length}`);
    assert.ok(utf8Length(report.summary) <= MAX_OUTPUT_CHARS, `summary is ${utf8Length(report.summary)} bytes`);
    assert.ok(report.text !== undefined);
    assert.ok(utf8Length(report.text) <= MAX_OUTPUT_CHARS, `text is ${utf8Length(report.text)} bytes`);
    assert.match(report.summary, /\n\n… and \d+ more findings \(see annotations \/ run the CLI\)/);
    assert.match(report.text, /\n\n… and \d+ more findings \(run the CLI for the full list\)$/);
    assert.ok(report.summary.startsWith("❌ **Blocks merge:**"), "the verdict survives");
    assert.match(report.summary, /annotations left out/);
  });

  it("cuts whole rows only, and the numbers add up", () => {
    const introduced = many.filter((f) => f.introduced).length;
    const rows = tableRows(report.summary, `Introduced findings (${introduced})`);
    assert.ok(rows.length > 10, `only ${rows.length} rows`);
    for (const row of rows) assert.match(row, /^\| .* \|$/);
    const more = /… and (\d+) more findings \(see annotations/.exec(report.summary);
    assert.equal(rows.length + Number(more?.[1]), introduced);
    const lines = (report.text ?? "").split("\n").filter((l) => l.startsWith("- **"));
    const textMore = /… and (\d+) more findings/.exec(report.text ?? "");
    assert.equal(lines.length + Number(textMore?.[1]), many.length);
  });
});

describe("markdown helpers", () => {
  it("escape pipes, line breaks and HTML; code spans hold backticks as <code>, fences with a longer fence", () => {
    assert.equal(escapeInline("a|b\r\nc\nd<e>&"), "a\\|b c d&lt;e&gt;&amp;");
    assert.equal(codeSpan("a`b"), "<code>a\\`b</code>");
    assert.equal(codeSpan("`x`"), "<code>\\`x\\`</code>");
    assert.equal(fencedBlock("x ``` y"), "````text\nx ``` y\n````");
    assert.equal(truncateUtf8("ab€", 4), "a…");
  });
});

describe("other outputs", () => {
  it("no manifest changes: success with a one-line summary", () => {
    const report = renderNoManifestChanges({ headSha: HEAD, baseSha: BASE });
    assert.equal(report.conclusion, "success");
    assert.deepEqual(report.annotations, []);
    assert.ok(!report.summary.includes("\n"), "one line");
    assert.match(report.summary, /^✅ This change touches no Kubernetes manifests/);
    assert.match(report.summary, /`aaaaaaaaaaaa` compared with `bbbbbbbbbbbb`/);
  });

  it("internal error: failure, says how to re-run, problem in a fenced block", () => {
    const report = renderInternalError({ problem: "GitHub API answered 503 to GET /repos/o/r/git/trees/abc", attempt: "reading the head tree" });
    assert.equal(report.conclusion, "failure");
    assert.match(report.title, /^Internal error/);
    assert.match(report.title, /Re-run/);
    assert.match(report.title, /\/mtls-gate recheck/);
    assert.ok(report.title.length <= 255);
    assert.ok(report.summary.includes("```text\nGitHub API answered 503 to GET /repos/o/r/git/trees/abc\n```"));
    assert.match(report.summary, /\*\*Re-run\*\* button/);
    assert.match(report.summary, /`\/mtls-gate recheck`/);
    assert.match(report.summary, /reading the head tree/);
    assert.deepEqual(report.annotations, []);
  });

  it("invalid configuration: failure, every problem listed, refuses to pass", () => {
    const report = renderInvalidConfig({
      source: ".github/mtls-gate.yml on the default branch",
      problems: [
        { path: "failOn", problem: 'must be error or warning (did you mean "error"?)', line: 2 },
        { path: "rules.weak-tls", problem: "unknown rule | <b>" },
      ],
    });
    assert.equal(report.conclusion, "failure");
    assert.equal(report.title, "Invalid mtls-gate configuration");
    assert.match(report.summary, /refuses to pass any change until it is fixed/);
    assert.match(report.summary, /- `failOn` \(line 2\): must be error or warning/);
    assert.match(report.summary, /- `rules\.weak-tls`: unknown rule \\\| &lt;b&gt;/);
    const many = renderInvalidConfig({ source: "x", problems: Array.from({ length: 5000 }, (_, i) => ({ path: `k${i}`, problem: "p".repeat(100) })) });
    assert.ok(utf8Length(many.summary) <= MAX_OUTPUT_CHARS);
    assert.match(many.summary, /… and \d+ more problems$/);
  });

  it("exports the check name and an in-progress output", () => {
    assert.equal(CHECK_RUN_NAME, "mtls-gate");
    assert.ok(IN_PROGRESS_OUTPUT.title.length > 0 && IN_PROGRESS_OUTPUT.title.length <= 255);
    assert.ok(IN_PROGRESS_OUTPUT.summary.length > 0);
  });
});
