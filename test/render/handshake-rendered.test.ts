/**
 * The handshake simulation (issue 20) on a rendered environment: a kustomization renders the cert-manager tree, and the
 * upstream side's locations (the Certificate standing for the Secret, the Issuer's CA Secret) point at the source files
 * a person edits, in the route's JSON and in the finding's message, as the finding's own location does.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, test } from "node:test";
import { main } from "../../src/cli/main.js";
import type { JsonReport } from "../../src/report/json.js";
import { CM, EDGE, handshakeTree, PAYMENTS } from "../helpers/handshake-fixtures.js";
import { toolEnv, writeTree } from "./tools.js";

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function analyze(files: Record<string, string>): Promise<JsonReport> {
  const dir = writeTree(files);
  dirs.push(dir);
  let stdout = "";
  let stderr = "";
  const code = await main(["analyze", dir, "--format", "json", "--now", "2026-06-01T00:00:00Z", "--exit-zero"], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    isTty: false,
    env: toolEnv(),
  });
  assert.ok(stdout, `no JSON output (exit ${code}): ${stderr}`);
  return JSON.parse(stdout) as JsonReport;
}

/** The tree as one kustomization listing every file. */
function kustomized(tree: Record<string, string>): Record<string, string> {
  return {
    ...tree,
    "kustomization.yaml": `resources:\n${Object.keys(tree)
      .sort()
      .map((path) => `  - ${path}\n`)
      .join("")}`,
  };
}

test("rendered (kustomize): the upstream's Certificate and the Issuer's CA Secret are located in their source files", async () => {
  const report = await analyze(kustomized(handshakeTree("cert-manager-rotated")));
  const finding = report.findings.find((f) => f.ruleId === "handshake-server-untrusted");
  assert.ok(finding, JSON.stringify(report.findings.map((f) => f.ruleId)));
  assert.deepEqual([finding.file, finding.line], [EDGE, CM.lines.caSecret]);
  assert.doesNotMatch(finding.message, /mtls-gate-rendered/);
  assert.match(finding.message, new RegExp(`\\(${PAYMENTS}:${CM.lines.serverCertificate}\\)`));
  assert.match(finding.message, new RegExp(`at ${CM.issuer}:${CM.lines.issuerCaCrt}\\)`));

  const upstream = report.routes.find((r) => r.mapping === "edge/payments")?.upstreamTls;
  assert.equal(upstream?.state, "known");
  if (upstream?.state !== "known") return;
  assert.deepEqual(
    [upstream.serverCertificate.file, upstream.serverCertificate.line],
    [PAYMENTS, CM.lines.serverCertificate],
  );
  assert.deepEqual(
    [upstream.serverCertificate.issued?.caFile, upstream.serverCertificate.issued?.caLine],
    [CM.issuer, CM.lines.issuerCaCrt],
  );
  assert.deepEqual([upstream.clientCa?.file, upstream.clientCa?.line], [CM.clientCa, CM.lines.clientCaCrt]);
  const checks = [upstream.serverCheck, upstream.clientCheck];
  for (const file of checks.flatMap((c) => [c.presented, c.trustedBy])) {
    assert.ok(file && !file.file.includes("mtls-gate-rendered"), JSON.stringify(file));
  }
  assert.deepEqual([upstream.serverCheck.trustedBy?.file], [EDGE]);
});

test("rendered (helm): a chart's template mounts the upstream's Secret; its locations are the template's lines", async () => {
  const tree = handshakeTree("cert-manager-rotated");
  const chart = "charts/payments";
  const files: Record<string, string> = {
    [EDGE]: tree[EDGE] ?? "",
    [CM.clientIssuer]: tree[CM.clientIssuer] ?? "",
    [`${chart}/Chart.yaml`]: "apiVersion: v2\nname: payments\nversion: 0.1.0\n",
    [`${chart}/values.yaml`]: "{}\n",
    [`${chart}/templates/payments.yaml`]: tree[PAYMENTS] ?? "",
    [`${chart}/templates/issuer.yaml`]: tree[CM.issuer] ?? "",
    [`${chart}/templates/client-ca.yaml`]: tree[CM.clientCa] ?? "",
  };
  const report = await analyze(files);
  const finding = report.findings.find((f) => f.ruleId === "handshake-server-untrusted");
  assert.ok(finding, JSON.stringify(report.findings.map((f) => [f.ruleId, f.message])));
  assert.deepEqual([finding.file, finding.line], [EDGE, CM.lines.caSecret]);
  assert.doesNotMatch(finding.message, /mtls-gate-rendered/);
  assert.match(finding.message, new RegExp(`\\(${chart}/templates/payments\\.yaml:${CM.lines.serverCertificate}\\)`));
  const upstream = report.routes.find((r) => r.mapping === "edge/payments")?.upstreamTls;
  assert.equal(upstream?.state, "known");
  if (upstream?.state !== "known") return;
  assert.deepEqual(
    [upstream.serverCertificate.file, upstream.serverCertificate.line],
    [`${chart}/templates/payments.yaml`, CM.lines.serverCertificate],
  );
  assert.deepEqual(
    [upstream.serverCertificate.issued?.caFile, upstream.serverCertificate.issued?.caLine],
    [`${chart}/templates/issuer.yaml`, CM.lines.issuerCaCrt],
  );
});
