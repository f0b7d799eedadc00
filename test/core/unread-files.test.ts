/**
 * Files the app's reader left unread (`SourceFile.unread`): past the manifest limits, or never reached in a tarball over
 * `MTLS_GATE_MAX_TARBALL_BYTES`. The analysis reports each one and never parses its empty text; the verdict fails
 * closed when one of them is among the change's files (`DecideOptions.changedFiles`), and only then.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeDiff } from "../../src/core/analyze.js";
import { DEFAULT_LOAD_LIMITS } from "../../src/core/limits.js";
import { defaultPolicy } from "../../src/core/policy/policy.js";
import type { SourceFile } from "../../src/core/types.js";
import { decide } from "../../src/core/verdict.js";

const mapping = (name: string) =>
  `apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: ${name}, namespace: default}\nspec: {prefix: /${name}/, service: ${name}}\n`;

const NOW = new Date("2026-06-01T12:00:00Z");
const limits = { ...DEFAULT_LOAD_LIMITS, maxManifestFiles: 2, maxTarballBytes: 4096 };

/** a.yaml and b.yaml read; c.yaml past the files limit; d.yaml never reached in the tarball. */
function tree(edit = ""): SourceFile[] {
  return [
    { path: "a.yaml", text: mapping("a") + edit },
    { path: "b.yaml", text: mapping("b") },
    { path: "c.yaml", text: "", size: 300, unread: "manifest-limits" },
    { path: "d.yaml", text: "", size: 200, unread: "tarball-bytes" },
  ];
}

describe("unread files", () => {
  const policy = defaultPolicy();
  const analysis = analyzeDiff(tree(), tree("# edited\n"), { policy, now: NOW, limits });

  it("each is reported on line 1 with the limit that left it out, and no resource of it is read", () => {
    const tooLarge = analysis.findings
      .filter((f) => f.ruleId === "file-too-large")
      .map((f) => [f.file, f.line, f.messageId]);
    assert.deepEqual(tooLarge, [
      ["c.yaml", 1, "files"],
      ["d.yaml", 1, "tarball-bytes"],
    ]);
    const message = analysis.findings.find((f) => f.file === "d.yaml")?.message ?? "";
    assert.match(message, /download limit of 4,096 bytes \(MTLS_GATE_MAX_TARBALL_BYTES\)/);
    assert.deepEqual(analysis.routes.map((r) => r.mapping).sort(), ["default/a", "default/b"]);
    assert.equal(analysis.coverage.skipped["too-large"], 2);
  });

  it("a file never reached in the tarball takes no part in the files limit", () => {
    // 0.yaml sorts first: counted, it would push b.yaml past the limit of 2.
    const files: SourceFile[] = [
      { path: "0.yaml", text: "", size: 100, unread: "tarball-bytes" },
      { path: "a.yaml", text: mapping("a") },
      { path: "b.yaml", text: mapping("b") },
    ];
    const result = analyzeDiff(files, files, { policy, now: NOW, limits });
    assert.deepEqual(result.routes.map((r) => r.mapping).sort(), ["default/a", "default/b"]);
    assert.deepEqual(
      result.findings.filter((f) => f.ruleId === "file-too-large").map((f) => f.file),
      ["0.yaml"],
    );
  });

  it("the verdict blocks when an unread file is among the changed files, naming its limit", () => {
    const verdict = decide(analysis.findings, policy, {
      hasBase: true,
      coverage: analysis.coverage,
      changedFiles: ["d.yaml"],
    });
    assert.equal(verdict.conclusion, "failure");
    assert.deepEqual(verdict.blocking, [], "no finding blocks by itself: the coverage does");
    assert.equal(verdict.coverage?.unreadChanged, 1);
    assert.equal(
      verdict.coverage?.reason,
      "a changed manifest file (d.yaml) was not analysed: the commit is over a per-commit analysis limit (MTLS_GATE_MAX_TARBALL_BYTES)",
    );
    const both = decide(analysis.findings, policy, {
      hasBase: true,
      coverage: analysis.coverage,
      changedFiles: ["c.yaml", "d.yaml", "a.yaml"],
    });
    assert.match(
      both.coverage?.reason ?? "",
      /^2 changed manifest files were not analysed: .*\(MTLS_GATE_MAX_MANIFEST_FILES, MTLS_GATE_MAX_TARBALL_BYTES\)$/,
    );
  });

  it("does not block when the change touched only files that were read; without changedFiles nothing changes", () => {
    const verdict = decide(analysis.findings, policy, {
      hasBase: true,
      coverage: analysis.coverage,
      changedFiles: ["a.yaml"],
    });
    assert.equal(verdict.conclusion, "success");
    assert.deepEqual(verdict.coverage, { skipped: 2, blocks: false, reason: null, unreadChanged: 0 });
    const cli = decide(analysis.findings, policy, { hasBase: true, coverage: analysis.coverage });
    assert.deepEqual(cli.coverage, { skipped: 2, blocks: false, reason: null });
  });

  it("a policy that turns file-too-large off also turns off failing closed: the operator's trusted choice", () => {
    const off = { ...policy, rules: { ...policy.rules, "file-too-large": "off" as const } };
    const quiet = analyzeDiff(tree(), tree("# edited\n"), { policy: off, now: NOW, limits });
    const verdict = decide(quiet.findings, off, { hasBase: true, coverage: quiet.coverage, changedFiles: ["d.yaml"] });
    assert.equal(verdict.conclusion, "success");
  });
});
