/**
 * internal-error: a rule that throws costs its own checks, never the run; the failure becomes this finding. No real rule
 * is known to throw, so the failing cases replace one rule's `check` (restored in `finally`), and the clean cases feed
 * hostile but valid YAML through every rule. The rule tester cannot express a throwing rule, hence plain node:test.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeFiles } from "../helpers/rule-tester.js";
import { RULES, RULES_BY_ID } from "../../src/core/rules/index.js";
import type { Rule } from "../../src/core/rules/rule.js";
import type { Finding } from "../../src/core/types.js";

const internalErrors = (findings: readonly Finding[]) => findings.filter((f) => f.ruleId === "internal-error");

/** Runs `body` with `ruleId`'s check replaced by `check`, restoring the original whatever happens. */
function withCheck<T>(ruleId: string, check: Rule["check"], body: () => T): T {
  const rule = RULES_BY_ID.get(ruleId);
  assert.ok(rule, `rule ${ruleId} is registered`);
  assert.ok(RULES.includes(rule), `${ruleId} is one of the RULES the analysis runs`);
  const original = rule.check;
  rule.check = check;
  try {
    return body();
  } finally {
    rule.check = original;
  }
}

/** Two findings for other rules: an upstream-unverified notice (line 7) and a weak-tls-protocol warning (line 12). */
const manifests = {
  "edge/api.yaml": `# https:// without tls: upstream-unverified
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: api, namespace: edge}
spec:
  prefix: /api/
  service: https://api
---
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: old, namespace: edge}
spec: {secret: client-cert, min_tls_version: v1.0}
`,
  "edge/other.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: other, namespace: edge}
spec:
  prefix: /other/
  service: other
`,
};

/** Odd but valid YAML: wrong types everywhere, empty and scalar documents, annotations that do not parse. */
const hostile: Record<string, Record<string, string>> = {
  "wrong types in every field": {
    "weird.yaml": `# clean: every value has the wrong type, nothing may throw
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: 123, namespace: [a], labels: 5, annotations: {mtls-gate.io/ignore: 7}}
spec: {prefix: [/a/], service: {host: x}, tls: {name: ctx}, resolver: 42, load_balancer: null}
---
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: ctx}
spec: {hosts: single, secret: [a, b], ca_secret: {}, cipher_suites: 5, min_tls_version: 1.0, secret_namespacing: maybe}
---
apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: h}
spec: {hostname: 5, tlsSecret: api-cert, tlsContext: [], tls: x, mappingSelector: {matchLabels: [1]}}
---
apiVersion: getambassador.io/v3alpha1
kind: Module
metadata: {name: tls}
spec: {config: [1, 2]}
---
apiVersion: v1
kind: Secret
metadata: {name: s}
type: 5
data: [1, 2]
stringData: x
`,
  },
  "empty, null, list and scalar documents": {
    "odd.yaml": `# clean: documents that are not objects at all
---
null
---
- a list
---
just a string
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
spec: {}
`,
  },
  "annotations that do not parse or hold odd documents": {
    "service.yaml": `# clean: bad annotation YAML is a yaml-syntax finding, not a crash
apiVersion: v1
kind: Service
metadata:
  name: svc
  annotations:
    getambassador.io/config: |
      ---
      apiVersion: ambassador/v1
      kind: Mapping
      name: [x]
      ---
      : : bad yaml [
      ---
      apiVersion: ambassador/v1
      kind: Module
      name: tls
      config: {upstream: {secret: x}, client: 5}
---
apiVersion: v1
kind: Service
metadata:
  name: svc2
  annotations:
    getambassador.io/config: 42
`,
  },
  "degenerate names and services": {
    "names.yaml": `# clean: dots everywhere, an IPv6 service with a bad port and a path, an empty service
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: a.b.c, namespace: x.y}
spec: {prefix: /, service: "https://[::1]:99999/path?q#f", tls: "..."}
---
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: "...", namespace: x.y}
spec: {secret: ".", ca_secret: "a.", crl_secret: ".b"}
---
apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: h, namespace: x.y}
spec: {tlsSecret: {name: ""}, tlsContext: {name: "..."}}
---
apiVersion: getambassador.io/v3alpha1
kind: TCPMapping
metadata: {name: t}
spec: {port: abc, service: "", tls: true}
`,
  },
  "anchors, self-referencing aliases and prototype keys": {
    "anchors.yaml": `# clean: aliases and keys named like Object.prototype members
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: &m {name: x, labels: *m}
spec:
  prefix: /x/
  service: x
  __proto__: {polluted: true}
  constructor: 1
`,
  },
  "odd kustomizations and secret providers": {
    "k/kustomization.yaml": `namespace: [a]
resources: 5
secretGenerator: [5, {name: [x]}, {name: g, files: 5, literals: [1, "a=b"]}]
`,
    "k/providers.yaml": `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: c}
spec: {secretName: [x]}
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: e}
spec: {target: 5, data: [5, {secretKey: [1]}]}
`,
  },
};

const HOSTILE_POLICY = "require: {mtls: {namespaces: [x.y], prefixes: ['*']}, verifiedUpstream: {prefixes: ['/*']}}";

for (const [name, files] of Object.entries(hostile)) {
  test(`internal-error: clean: ${name}`, () => {
    const analysis = analyzeFiles(files, HOSTILE_POLICY);
    assert.deepEqual(internalErrors(analysis.findings), []);
  });
}

test("internal-error: clean: the bundled manifests with every rule intact", () => {
  assert.deepEqual(internalErrors(analyzeFiles(manifests).findings), []);
});

test("internal-error: a rule that throws becomes one finding naming it; the other rules still report", () => {
  const analysis = withCheck(
    "weak-tls-protocol",
    () => {
      throw new TypeError("Cannot read properties of undefined");
    },
    () => analyzeFiles(manifests),
  );
  const errors = internalErrors(analysis.findings);
  assert.equal(errors.length, 1);
  const finding = errors[0] as Finding;
  assert.equal(finding.file, "edge/api.yaml");
  assert.equal(finding.line, 1);
  assert.equal(finding.column, 1);
  assert.equal(finding.severity, "error");
  assert.equal(finding.resource, null);
  assert.deepEqual(finding.data, { rule: "weak-tls-protocol", problem: "TypeError" });
  assert.match(finding.message, /weak-tls-protocol/);
  assert.equal(finding.fingerprint.length, 16);
  // Only the broken rule's checks are lost.
  assert.deepEqual(analysis.findings.filter((f) => f.ruleId === "weak-tls-protocol"), []);
  const unverified = analysis.findings.filter((f) => f.ruleId === "upstream-unverified");
  assert.deepEqual(unverified.map((f) => [f.file, f.line, f.severity]), [["edge/api.yaml", 7, "notice"]]);
});

test("internal-error: the original check is back after the patched run", () => {
  const analysis = analyzeFiles(manifests);
  assert.deepEqual(internalErrors(analysis.findings), []);
  const weak = analysis.findings.filter((f) => f.ruleId === "weak-tls-protocol");
  assert.deepEqual(weak.map((f) => [f.file, f.line, f.severity]), [["edge/api.yaml", 12, "warning"]]);
});

test("internal-error: a thrown non-Error is an unknown error; findings reported before the throw are kept", () => {
  const analysis = withCheck(
    "tls-context-unused",
    (_context, report) => {
      report({ at: { file: "edge/other.yaml", line: 3, column: 1, endLine: 3, endColumn: 2 }, resource: null, messageId: "unused", identity: { context: "partial" }, display: { suggestion: null } });
      throw "not an Error";
    },
    () => analyzeFiles(manifests),
  );
  const errors = internalErrors(analysis.findings);
  assert.deepEqual(
    errors.map((f) => [f.file, f.line, f.severity, f.data.rule, f.data.problem]),
    [["edge/api.yaml", 1, "error", "tls-context-unused", "unknown error"]],
  );
  assert.deepEqual(
    analysis.findings.filter((f) => f.ruleId === "tls-context-unused").map((f) => [f.file, f.line]),
    [["edge/other.yaml", 3]],
  );
});

test("internal-error: two broken rules give two findings; the policy sets their severity", () => {
  const boom: Rule["check"] = () => {
    throw new RangeError("boom");
  };
  const analysis = withCheck("mtls-required", boom, () =>
    withCheck("upstream-unverified", boom, () => analyzeFiles(manifests, "rules: {internal-error: warning}")),
  );
  assert.deepEqual(
    internalErrors(analysis.findings).map((f) => [f.severity, f.data.rule, f.data.problem]),
    [
      ["warning", "mtls-required", "RangeError"],
      ["warning", "upstream-unverified", "RangeError"],
    ],
  );
});

test("internal-error: with no manifest at all the finding points at the tree root", () => {
  const analysis = withCheck(
    "weak-tls-protocol",
    () => {
      throw new Error("boom");
    },
    () => analyzeFiles({ "README.md": "# not a manifest\n" }),
  );
  assert.deepEqual(
    internalErrors(analysis.findings).map((f) => [f.file, f.line, f.data.rule, f.data.problem]),
    [[".", 1, "weak-tls-protocol", "Error"]],
  );
});
