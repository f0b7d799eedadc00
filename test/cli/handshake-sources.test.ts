/**
 * `mtls-gate routes` on the handshake fixtures whose upstream certificates cert-manager writes (issue 20): the JSON's
 * `routes[].upstreamTls` says which Certificate and Issuer stand for the Secret, and the text prints each step.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { main } from "../../src/cli/main.js";
import type { UpstreamTlsView } from "../../src/core/views.js";
import {
  CM,
  CONFIGMAP_CA_LINE,
  EDGE,
  editedBase,
  HANDSHAKE_DIR,
  PAYMENTS,
  withClientCaConfigMap,
} from "../helpers/handshake-fixtures.js";

async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: () => undefined, isTty: false });
  return { code, stdout };
}

async function upstreamOf(tree: string): Promise<UpstreamTlsView | null | undefined> {
  const { code, stdout } = await cli([
    "routes",
    tree.startsWith("/") ? tree : join(HANDSHAKE_DIR, tree),
    "--format",
    "json",
  ]);
  assert.equal(code, 0);
  const report = JSON.parse(stdout) as { routes: { mapping: string; upstreamTls?: UpstreamTlsView | null }[] };
  return report.routes.find((r) => r.mapping === "edge/payments")?.upstreamTls;
}

test("routes --format json: a server certificate cert-manager writes from a CA Issuer in Git", async () => {
  const upstream = await upstreamOf("cert-manager");
  assert.equal(upstream?.state, "known");
  if (upstream?.state !== "known") return;
  assert.deepEqual(upstream.serverCertificate, {
    secret: "payments/payments-tls",
    key: "tls.crt",
    file: PAYMENTS,
    line: CM.lines.serverCertificate,
    issued: {
      certificate: "payments/payments",
      issuer: "Issuer payments/internal-ca",
      caSecret: "payments/internal-ca-key-pair",
      caFile: CM.issuer,
      caLine: CM.lines.issuerCaCrt,
      ca: upstream.serverCertificate.issued?.ca ?? null,
      names: ["payments", "payments.payments", "payments.payments.svc", "payments.payments.svc.cluster.local"],
      usages: ["digital signature", "key encipherment"],
    },
  });
  assert.equal(
    upstream.serverCertificate.issued?.ca?.subject,
    "O=mtls-gate handshake fixtures, CN=Handshake Intermediate CA",
  );
  // No leaf exists yet: nothing to show as the server's own certificate, and the path starts at the planned leaf.
  assert.equal(upstream.server, null);
  assert.deepEqual(upstream.serverCheck.path, [
    "the certificate of Certificate payments/payments",
    "O=mtls-gate handshake fixtures, CN=Handshake Intermediate CA",
    "O=mtls-gate handshake fixtures, CN=Handshake Root CA",
  ]);
  assert.equal(upstream.serverCheck.outcome, "ok");
  assert.equal(upstream.clientCheck.outcome, "ok");
  assert.equal(upstream.clientCheck.presented?.issued?.issuer, "ClusterIssuer client-ca");
  assert.equal(upstream.clientCheck.presented?.file, EDGE);
  assert.equal(upstream.clientCheck.presented?.line, CM.lines.clientCertificate);
  assert.equal(upstream.nameCovered, true);
});

test("routes --format json: the Issuer's CA rotated to one the route does not trust fails the server side", async () => {
  const upstream = await upstreamOf("cert-manager-rotated");
  assert.equal(upstream?.state === "known" && upstream.serverCheck.outcome, "fails");
  assert.equal(
    upstream?.state === "known" && upstream.serverCheck.why,
    "O=mtls-gate handshake fixtures, CN=Handshake Rotated CA is self-signed and not in the CA bundle",
  );
});

test("routes --format json: an ACME Issuer leaves the upstream unknown, with why", async () => {
  assert.deepEqual(await upstreamOf("cert-manager-acme"), {
    state: "unknown",
    why: "Certificate payments/payments's Issuer payments/internal-ca is an ACME issuer: the CA that signs the certificate is not in Git",
  });
});

test("routes (text): the Certificate, its Issuer and CA, and each step of the planned leaf's verification", async () => {
  const { stdout } = await cli(["routes", join(HANDSHAKE_DIR, "cert-manager")]);
  assert.match(
    stdout,
    /written by cert-manager: Certificate payments\/payments, Issuer payments\/internal-ca, CA Secret payments\/internal-ca-key-pair \(payments\/issuer\.yaml:18\): O=mtls-gate handshake fixtures, CN=Handshake Intermediate CA, \d+ days left/,
  );
  assert.match(
    stdout,
    /ok +the certificate of Certificate payments\/payments will be issued by O=mtls-gate handshake fixtures, CN=Handshake Intermediate CA \(cert-manager\)/,
  );
  assert.match(
    stdout,
    /ok +the certificate of Certificate payments\/payments allows serverAuth \(no extendedKeyUsage\)/,
  );
});

/** The tree written to a temporary directory, for the CLI to read. */
function written(tree: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mtls-gate-handshake-"));
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test("routes --format json: the upstream's client CA bundle from a ConfigMap it projects", async () => {
  const dir = written(editedBase({ [PAYMENTS]: (t) => withClientCaConfigMap(t, ["client-ca"]) }));
  try {
    const upstream = await upstreamOf(dir);
    assert.equal(upstream?.state, "known");
    if (upstream?.state !== "known") return;
    assert.deepEqual(upstream.clientCa, {
      secret: "payments/payments-client-ca",
      key: "ca.crt",
      file: PAYMENTS,
      line: CONFIGMAP_CA_LINE,
      kind: "ConfigMap",
    });
    assert.equal(upstream.clientCheck.outcome, "ok");
    assert.deepEqual(upstream.clientCheck.trustedBy, upstream.clientCa);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("routes --format json: a client CA ConfigMap that is not in the files leaves the client side skipped, with why", async () => {
  const dir = written(editedBase({ [PAYMENTS]: (t) => withClientCaConfigMap(t, []) }));
  try {
    const upstream = await upstreamOf(dir);
    assert.equal(upstream?.state, "known");
    if (upstream?.state !== "known") return;
    assert.equal(upstream.clientCa, null);
    assert.equal(upstream.clientCheck.outcome, "skipped");
    assert.equal(
      upstream.clientCheck.why,
      "the client CA file /etc/payments/client-ca/ca.crt comes from ConfigMap payments/payments-client-ca, which is not in the analysed files (a trust-manager Bundle or another controller may write it)",
    );
    assert.equal(upstream.serverCheck.outcome, "ok");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
