/**
 * Finding identity: a fingerprint hashes the rule, the resource, the message id and the identity data only, so what
 * only describes a finding (the Mappings a broken context breaks, the days left) can change without making an old
 * finding look introduced.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeDiff, analyzeTree } from "../../src/core/analyze.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { RULES_BY_ID } from "../../src/core/rules/index.js";
import type { Report } from "../../src/core/rules/rule.js";
import type { Finding, SourceFile } from "../../src/core/types.js";
import { b64, docs, secretYaml } from "../helpers/cert-fixtures.js";
import { assertDeclaredMessage, FIXED_NOW } from "../helpers/rule-tester.js";
import { certificatePem } from "../hardening/generate.js";

const POLICY = loadPolicy(undefined).policy;

/** A TLSContext whose secret does not exist: Emissary refuses it. */
const BROKEN_CONTEXT = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: upstream, namespace: default}
spec: {secret: no-such-secret}
`;

function mapping(name: string): string {
  return `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: ${name}, namespace: default}
spec: {prefix: /${name}/, service: "https://${name}", tls: upstream}
`;
}

function tree(files: Record<string, string>): SourceFile[] {
  return Object.entries(files).map(([path, text]) => ({ path, text }));
}

const describe = (f: Finding) => `${f.ruleId} ${f.resource ?? "-"} ${f.message}`;
const introduced = (findings: readonly Finding[]) => findings.filter((f) => f.introduced !== false);

test("identity: removing a Mapping from a broken context introduces nothing", () => {
  const base = tree({ "context.yaml": BROKEN_CONTEXT, "mappings.yaml": docs(mapping("orders"), mapping("billing")) });
  const head = tree({ "context.yaml": BROKEN_CONTEXT, "mappings.yaml": mapping("orders") });
  const diff = analyzeDiff(base, head, { policy: POLICY, now: FIXED_NOW });
  assert.deepEqual(introduced(diff.findings).map(describe), []);
  // The context's finding is still there and says something different (its consequence), under the same identity.
  const context = (findings: readonly Finding[]) => findings.find((f) => f.ruleId === "tls-context-secret-not-found");
  const before = context(diff.base.findings);
  const after = context(diff.findings);
  assert.ok(before && after);
  assert.match(before.message, /default\/billing/);
  assert.doesNotMatch(after.message, /default\/billing/);
  assert.equal(after.fingerprint, before.fingerprint);
});

test("identity: adding a Mapping to a broken context introduces only the Mapping's findings", () => {
  const base = tree({ "context.yaml": BROKEN_CONTEXT, "mappings.yaml": mapping("orders") });
  const head = tree({ "context.yaml": BROKEN_CONTEXT, "mappings.yaml": docs(mapping("orders"), mapping("billing")) });
  const diff = analyzeDiff(base, head, { policy: POLICY, now: FIXED_NOW });
  const added = introduced(diff.findings);
  assert.ok(
    added.some((f) => f.ruleId === "mapping-tls-context-not-found"),
    added.map(describe).join("\n"),
  );
  assert.deepEqual(
    added.filter((f) => f.resource !== "Mapping/default/billing").map(describe),
    [],
    "only the new Mapping's findings are introduced",
  );
  assert.ok(diff.findings.some((f) => f.ruleId === "tls-context-secret-not-found" && f.introduced === false));
});

/** A client certificate (clientAuth, RSA 2048 with the fixture key) that expires at `notAfter`. */
function expiringClient(notAfter: string, serial = 7): Record<string, string> {
  const crt = certificatePem({
    serial,
    subject: "orders-client",
    signer: "rsa2048",
    clientAuth: true,
    notAfter: new Date(notAfter),
  });
  return {
    "secret.yaml": secretYaml("client", {
      "tls.crt": Buffer.from(crt).toString("base64"),
      "tls.key": b64("rsa2048.key"),
    }),
    "context.yaml": `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: upstream, namespace: default}
spec: {secret: client}
`,
    "mappings.yaml": mapping("orders"),
  };
}

/** The one finding of `ruleId` on each simulated day, from `first` on. */
function daily(files: Record<string, string>, ruleId: string, first: string, days: number): Finding[] {
  const start = new Date(first).getTime();
  return Array.from({ length: days }, (_, day) => {
    const now = new Date(start + day * 86_400_000);
    const found = analyzeTree(tree(files), { policy: POLICY, now }).findings.filter((f) => f.ruleId === ruleId);
    assert.equal(found.length, 1, `${ruleId} on ${now.toISOString()}: ${found.map(describe).join("\n")}`);
    return found[0] as Finding;
  });
}

test("identity: a certificate expiring over several simulated days keeps its fingerprint", () => {
  const files = expiringClient("2026-06-20T12:00:00Z");
  const soon = daily(files, "cert-expires-soon", "2026-06-01T08:00:00Z", 19);
  assert.deepEqual(
    soon.map((f) => f.data.days),
    Array.from({ length: 19 }, (_, day) => 19 - day),
    "the days left are counted down in the message",
  );
  assert.equal(new Set(soon.map((f) => f.message)).size, 19);
  assert.equal(new Set(soon.map((f) => f.fingerprint)).size, 1, "one fingerprint across the days");

  const expired = daily(files, "cert-expired", "2026-06-22T08:00:00Z", 10);
  assert.equal(new Set(expired.map((f) => f.message)).size, 10);
  assert.equal(new Set(expired.map((f) => f.fingerprint)).size, 1, "one fingerprint across the days");

  // The expiry date is identity: a renewed certificate that expires soon too is a new finding.
  const renewed = daily(expiringClient("2026-06-25T12:00:00Z", 8), "cert-expires-soon", "2026-06-10T08:00:00Z", 1);
  assert.notEqual(renewed[0]?.fingerprint, soon[0]?.fingerprint);
});

test("identity: the same certificate under a longer warning threshold keeps its fingerprint", () => {
  const files = expiringClient("2026-06-20T12:00:00Z");
  const at = (policy: string) =>
    analyzeTree(tree(files), {
      policy: loadPolicy(policy).policy,
      now: new Date("2026-06-01T08:00:00Z"),
    }).findings.find((f) => f.ruleId === "cert-expires-soon");
  const month = at("certificates: {expiryWarningDays: 30}\n");
  const quarter = at("certificates: {expiryWarningDays: 90}\n");
  assert.ok(month && quarter);
  assert.notEqual(month.message, quarter.message);
  assert.equal(month.fingerprint, quarter.fingerprint);
});

test("identity: the rule tester refuses a message id the rule does not declare, as ESLint's does", () => {
  const rule = RULES_BY_ID.get("tls-context-secret-not-found");
  assert.ok(rule);
  assertDeclaredMessage(rule, "not-found");
  assert.throws(() => assertDeclaredMessage(rule, "not-fonud"), /unknown messageId "not-fonud".*declares "not-found"/);
});

test("identity: a report with an undeclared message, or a datum both identity and display, is the rule's internal error", () => {
  const rule = RULES_BY_ID.get("tls-context-unused");
  assert.ok(rule);
  const original = rule.check;
  const at = { file: "context.yaml", line: 1, column: 1, endLine: 1, endColumn: 2 };
  const bad: Report[] = [
    { at, resource: null, messageId: "no-such-message", identity: {} },
    { at, resource: null, messageId: "unused", identity: { context: "a" }, display: { context: "b" } },
  ];
  try {
    for (const report of bad) {
      rule.check = (_context, emit) => emit(report);
      const findings = analyzeTree(tree({ "context.yaml": BROKEN_CONTEXT }), {
        policy: POLICY,
        now: FIXED_NOW,
      }).findings;
      assert.deepEqual(
        findings.filter((f) => f.ruleId === "internal-error").map((f) => f.data.rule),
        ["tls-context-unused"],
      );
      assert.deepEqual(
        findings.filter((f) => f.ruleId === "tls-context-unused"),
        [],
      );
    }
  } finally {
    rule.check = original;
  }
});
