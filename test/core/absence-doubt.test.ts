/**
 * A finding that concludes something is absent softens to a notice when files in scope could not be analysed (the
 * missing resource may be in them). A pull request must not be able to buy that softening by adding such a file.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeDiff, analyzeTree } from "../../src/core/analyze.js";
import { defaultPolicy } from "../../src/core/policy/policy.js";
import { decide } from "../../src/core/verdict.js";

const mapping = (tls: string) =>
  [
    "apiVersion: getambassador.io/v3alpha1",
    "kind: Mapping",
    "metadata:",
    "  name: billing",
    "  namespace: payments",
    "spec:",
    "  prefix: /billing/",
    "  service: billing",
    `  tls: ${tls}`,
    "",
  ].join("\n");
const context = [
  "apiVersion: getambassador.io/v3alpha1",
  "kind: TLSContext",
  "metadata:",
  "  name: billing-ctx",
  "  namespace: payments",
  "spec:",
  "  secret: billing-certs",
  "",
].join("\n");
/** A Helm template: skipped, it could hold any resource. */
const chart = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Values.name }}\n";

const policy = defaultPolicy();
const notFound = (findings: ReturnType<typeof analyzeTree>["findings"]) =>
  findings.find((f) => f.ruleId === "mapping-tls-context-not-found");

describe("absence findings and skipped files", () => {
  it("a template the change adds does not soften the error the change introduces: it still blocks", () => {
    const base = [
      { path: "mapping.yaml", text: mapping("billing-ctx") },
      { path: "context.yaml", text: context },
    ];
    const head = [
      { path: "mapping.yaml", text: mapping("billing-cxt") },
      { path: "context.yaml", text: context },
      { path: "templates/secret.yaml", text: chart },
    ];
    const diff = analyzeDiff(base, head, { policy });
    assert.equal(diff.coverage.skipped.templated, 1, "the template is counted as skipped");
    assert.equal(notFound(diff.findings)?.severity, "error");
    assert.equal(decide(diff.findings, policy, { hasBase: true, coverage: diff.coverage }).conclusion, "failure");
  });

  it("a template the base already had unchanged may hold the context: a notice that says so", () => {
    const base = [
      { path: "mapping.yaml", text: mapping("billing-ctx") },
      { path: "context.yaml", text: context },
      { path: "templates/secret.yaml", text: chart },
    ];
    const head = [
      { path: "mapping.yaml", text: mapping("billing-cxt") },
      { path: "context.yaml", text: context },
      { path: "templates/secret.yaml", text: chart },
    ];
    const found = notFound(analyzeDiff(base, head, { policy }).findings);
    assert.equal(found?.severity, "notice");
    assert.match(
      found?.message ?? "",
      /in the analysed files \(1 manifest file in scope could not be analysed and may hold it\)/,
    );
  });

  it("without a base every skipped file counts", () => {
    const tree = [
      { path: "mapping.yaml", text: mapping("billing-cxt") },
      { path: "templates/secret.yaml", text: chart },
    ];
    assert.equal(notFound(analyzeTree(tree, { policy }).findings)?.severity, "notice");
  });
});
