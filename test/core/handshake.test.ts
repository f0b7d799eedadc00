/** The handshake simulation (issue 20) through the core's public entry points: the route view, the diff, explain, text. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeDiff, analyzeTree, failingFindings } from "../../src/core/analyze.js";
import { explain } from "../../src/core/explain.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import type { SourceFile } from "../../src/core/types.js";
import { renderRoutes } from "../../src/report/text.js";
import { CM, EDGE, editedBase, handshakeTree, LINES, PAYMENTS, withSecretKey } from "../helpers/handshake-fixtures.js";
import { FIXED_NOW } from "../helpers/rule-tester.js";

const sources = (tree: Record<string, string>): SourceFile[] =>
  Object.entries(tree).map(([path, text]) => ({ path, text }));
const options = { policy: loadPolicy(undefined).policy, now: FIXED_NOW };

test("route view: the upstream's side found through Service, Deployment and the files its arguments name", () => {
  const route = analyzeTree(sources(handshakeTree("base")), options).routes[0];
  const upstream = route?.upstreamTls;
  assert.equal(upstream?.state, "known");
  if (upstream?.state !== "known") return;
  assert.equal(upstream.service, "payments/payments");
  assert.equal(upstream.workload, "Deployment/payments/payments");
  assert.deepEqual(upstream.serverCertificate, {
    secret: "payments/payments-tls",
    key: "tls.crt",
    file: PAYMENTS,
    line: LINES.serverCrt,
  });
  assert.deepEqual(upstream.clientCa, {
    secret: "payments/payments-client-ca",
    key: "ca.crt",
    file: PAYMENTS,
    line: LINES.clientCaCrt,
  });
  assert.equal(upstream.server?.subject, "O=mtls-gate handshake fixtures, CN=payments.payments");
  assert.deepEqual(
    [upstream.serverCheck.outcome, upstream.clientCheck.outcome, upstream.nameCovered],
    ["ok", "ok", true],
  );
  assert.deepEqual(upstream.serverCheck.path, [
    "O=mtls-gate handshake fixtures, CN=payments.payments",
    "O=mtls-gate handshake fixtures, CN=Handshake Intermediate CA",
    "O=mtls-gate handshake fixtures, CN=Handshake Root CA",
  ]);
  assert.ok(upstream.serverCheck.steps.every((step) => step.ok));
});

test("route view: unknown, with why, when the upstream's side is not in the files", () => {
  const why = (tree: Record<string, string>) => {
    const upstream = analyzeTree(sources(tree), options).routes[0]?.upstreamTls;
    return upstream?.state === "unknown" ? upstream.why : upstream?.state;
  };
  const base = handshakeTree("base");
  assert.equal(why({ [EDGE]: base[EDGE] ?? "" }), "Service payments/payments is not in the analysed files");
  assert.equal(
    why({ ...base, [EDGE]: (base[EDGE] ?? "").replace("payments.payments:8443", "api.partner.example:443") }),
    "api.partner.example is not a Kubernetes Service name",
  );
  assert.equal(
    why(
      editedBase({
        [PAYMENTS]: (t) => t.replace("  selector:\n    app.kubernetes.io/name: payments\n  ports:", "  ports:"),
      }),
    ),
    "Service payments/payments has no selector",
  );
  assert.equal(
    why(
      editedBase({
        [PAYMENTS]: (t) =>
          t.replace("    app.kubernetes.io/name: payments\n  ports:", "    app.kubernetes.io/name: billing\n  ports:"),
      }),
    ),
    "no workload in the analysed files runs the pods of Service payments/payments",
  );
  // Without the argument naming it, two mounted key pairs leave the server certificate ambiguous.
  const twoPairs = editedBase({
    [PAYMENTS]: (t) => t.replace(/ +- --tls-cert-file=.*\n/, "").replace("  ca.crt:", "  tls.key: AAAA\n  tls.crt:"),
  });
  assert.match(why(twoPairs) ?? "", /mounts 2 key pairs \(payments-tls, payments-client-ca\)/);
  // The TLS route's upstream is plaintext-only Services: no field at all.
  assert.equal(
    analyzeTree(
      sources({
        [EDGE]: (base[EDGE] ?? "").replace("service: https://", "service: ").replace("  tls: payments-upstream\n", ""),
      }),
      options,
    ).routes[0]?.upstreamTls,
    null,
  );
});

test("route view: files the arguments name by a relative name (Kubernetes Dashboard's --tls-cert-file=dashboard.crt) are found in the mounted Secrets", () => {
  const upstreamOf = (tree: Record<string, string>) => analyzeTree(sources(tree), options).routes[0]?.upstreamTls;
  // Key names no fallback knows, named only by the arguments, relative to the program's certificate directory.
  const relative = editedBase({
    [PAYMENTS]: (t) =>
      t
        .replace("--tls-cert-file=/etc/payments/tls/tls.crt", "--tls-cert-file=dashboard.crt")
        .replace("--tls-private-key-file=/etc/payments/tls/tls.key", "--tls-private-key-file=dashboard.key")
        .replace("--client-ca-file=/etc/payments/client-ca/ca.crt", "--client-ca-file=./ca.crt")
        .replace("  tls.crt: ", "  dashboard.crt: ")
        .replace("  tls.key: ", "  dashboard.key: "),
  });
  const upstream = upstreamOf(relative);
  assert.equal(upstream?.state, "known", upstream?.state === "unknown" ? upstream.why : "");
  if (upstream?.state !== "known") return;
  assert.deepEqual(upstream.serverCertificate, {
    secret: "payments/payments-tls",
    key: "dashboard.crt",
    file: PAYMENTS,
    line: LINES.serverCrt,
  });
  assert.equal(upstream.clientCa?.secret, "payments/payments-client-ca");
  // The client CA is named, so the client side is simulated rather than skipped.
  assert.deepEqual([upstream.serverCheck.outcome, upstream.clientCheck.outcome], ["ok", "ok"]);
  // A relative name that no mounted Secret holds finds nothing, as before.
  const missing = upstreamOf(
    editedBase({
      [PAYMENTS]: (t) =>
        t
          .replace("--tls-cert-file=/etc/payments/tls/tls.crt", "--tls-cert-file=server.pem")
          .replace("  tls.crt: ", "  dashboard.crt: ")
          .replace("  tls.key: ", "  dashboard.key: "),
    }),
  );
  assert.equal(missing?.state, "unknown");
});

test("route view: a bare service name is looked up in Emissary's namespace when Emissary leaves it unqualified, and a Consul service is no Kubernetes Service", () => {
  const inPayments = { ...options, policy: loadPolicy("emissary:\n  namespace: payments\n").policy };
  const upstreamOf = (tree: Record<string, string>) => analyzeTree(sources(tree), inPayments).routes[0]?.upstreamTls;
  const bare = (t: string) => t.replace("service: https://payments.payments:8443", "service: https://payments:8443");
  // The Module makes Emissary dial "payments" from its own pod, in its namespace (payments), not the Mapping's (edge).
  const module =
    "---\napiVersion: getambassador.io/v3alpha1\nkind: Module\nmetadata:\n  name: ambassador\n  namespace: payments\nspec:\n  config:\n    use_ambassador_namespace_for_service_resolution: true\n";
  const unqualified = upstreamOf(editedBase({ [EDGE]: (t) => bare(t) + module }));
  assert.equal(unqualified?.state, "known", unqualified?.state === "unknown" ? unqualified.why : "");
  assert.equal(unqualified?.state === "known" && unqualified.service, "payments/payments");
  // Without the Module, Emissary qualifies it with the Mapping's namespace.
  const qualified = upstreamOf(editedBase({ [EDGE]: bare }));
  assert.deepEqual(qualified, { state: "unknown", why: "Service edge/payments is not in the analysed files" });
  const consul = upstreamOf(
    editedBase({
      [EDGE]: (t) =>
        bare(t).replace("  tls: payments-upstream", "  tls: payments-upstream\n  resolver: consul-dc1") +
        "---\napiVersion: getambassador.io/v3alpha1\nkind: ConsulResolver\nmetadata:\n  name: consul-dc1\n  namespace: payments\nspec:\n  address: consul-server.consul:8500\n  datacenter: dc1\n",
    }),
  );
  assert.deepEqual(consul, { state: "unknown", why: "payments is a Consul service, not a Kubernetes Service" });
});

test("route view: unknown says which resource makes the key pair, or which mounted Secrets no file defines", () => {
  const why = (tree: Record<string, string>) => {
    const upstream = analyzeTree(sources(tree), options).routes[0]?.upstreamTls;
    return upstream?.state === "unknown" ? upstream.why : upstream?.state;
  };
  // The key pair's Secret is cert-manager's, not in the files.
  const withoutServerSecret = (t: string) =>
    t.replace(/---\napiVersion: v1\nkind: Secret\nmetadata:\n {2}name: payments-tls\n[\s\S]*?(?=---\n|$)/, "");
  const certificate =
    "---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: payments-server\n  namespace: payments\nspec:\n  secretName: payments-tls\n  issuerRef:\n    name: internal-ca\n";
  // A cert-manager Certificate is followed to its issuer (resolve/issued-secrets.ts): here the issuer is missing.
  assert.equal(
    why(editedBase({ [PAYMENTS]: (t) => `${withoutServerSecret(t)}${certificate}` })),
    "Certificate payments/payments-server's Issuer payments/internal-ca is not in the analysed files",
  );
  // Another maker of Secrets (a SealedSecret) is named.
  const sealed =
    "---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: payments-tls\n  namespace: payments\nspec:\n  encryptedData:\n    tls.crt: AgBy\n    tls.key: AgBy\n";
  assert.equal(
    why(editedBase({ [PAYMENTS]: (t) => `${withoutServerSecret(t)}${sealed}` })),
    "the key pair Secret payments/payments-tls is created outside Git (by SealedSecret payments/payments-tls)",
  );
  // Nothing makes it in the files: the pod still mounts it, which says where to look.
  assert.equal(
    why(editedBase({ [PAYMENTS]: withoutServerSecret })),
    "Deployment payments/payments mounts no Secret with a server certificate and key in the analysed files; it mounts a Secret no file defines (payments/payments-tls), likely made at deploy time",
  );
});

test("diff: a route whose handshake verified in the base and fails in the head is introduced, though only the upstream's Secret changed", () => {
  const diff = analyzeDiff(sources(handshakeTree("base")), sources(handshakeTree("rotated-server")), options);
  const finding = diff.findings.find((f) => f.ruleId === "handshake-server-untrusted");
  assert.ok(finding);
  assert.deepEqual([finding.file, finding.line, finding.introduced], [EDGE, LINES.caSecret, true]);
  assert.ok(failingFindings(diff.findings, diff.policy, true).includes(finding), "it blocks");
  const route = diff.routes[0];
  assert.equal(route?.change, "changed");
  assert.equal(route?.upstreamTls?.state === "known" && route.upstreamTls.serverCheck.outcome, "fails");
  // The same failure in both trees is pre-existing.
  const again = analyzeDiff(
    sources(handshakeTree("rotated-server")),
    sources(handshakeTree("rotated-server")),
    options,
  );
  assert.equal(again.findings.find((f) => f.ruleId === "handshake-server-untrusted")?.introduced, false);
});

test("explain and routes: the upstream's Secret, subject, days left and each verification step with its outcome", () => {
  const analysis = analyzeTree(sources(handshakeTree("rotated-server")), options);
  const result = explain(analysis, "/payments/");
  assert.equal(result.kind, "found");
  if (result.kind !== "found") return;
  const upstream = result.explanation.steps.find((s) => s.kind === "Upstream");
  assert.match(
    upstream?.summary ?? "",
    /Service payments\/payments -> Deployment\/payments\/payments, server certificate from Secret payments\/payments-tls \(tls\.crt\)/,
  );
  assert.ok(upstream?.details.includes("issuer: O=mtls-gate handshake fixtures, CN=Handshake Rotated CA"));
  assert.deepEqual(upstream?.at && [upstream.at.file, upstream.at.line], [PAYMENTS, LINES.serverCrt]);
  const handshake = result.explanation.steps.filter((s) => s.kind === "Handshake");
  assert.match(
    handshake[0]?.summary ?? "",
    /^server certificate \(Envoy verifies the upstream\): fails \(no certificate in the CA bundle/,
  );
  assert.deepEqual(handshake[0]?.at && [handshake[0].at.file, handshake[0].at.line], [EDGE, LINES.caSecret]);
  assert.match(handshake[1]?.summary ?? "", /^client certificate \(the upstream verifies Emissary\): ok/);
  assert.ok(result.explanation.findings.some((f) => f.ruleId === "handshake-server-untrusted"));

  const text = renderRoutes(analysis.routes, { color: false });
  assert.match(text, /HANDSHAKE/);
  assert.match(text, /edge\/payments .* fails/);
  assert.match(text, /server side \(Envoy verifies the upstream\): fails\n {6}FAIL no certificate in the CA bundle/);
  assert.match(
    text,
    /client side \(the upstream verifies Emissary\): ok\n {6}ok {3}O=mtls-gate handshake fixtures, CN=edge\.emissary is signed by/,
  );
  const expired = analyzeTree(
    sources(
      editedBase({
        [PAYMENTS]: (t) => withSecretKey(t, "payments-tls", "tls.crt", ["payments-server-expired", "intermediate-ca"]),
      }),
    ),
    options,
  );
  assert.match(
    renderRoutes(expired.routes, { color: false }),
    /FAIL O=mtls-gate handshake fixtures, CN=payments\.payments expired on 2021-01-01/,
  );
});

test("explain (cert-manager): the Certificate and Issuer that write the upstream's Secret, the CA, each step", () => {
  const analysis = analyzeTree(sources(handshakeTree("cert-manager-rotated")), options);
  const result = explain(analysis, "/payments/");
  assert.equal(result.kind, "found");
  if (result.kind !== "found") return;
  const upstream = result.explanation.steps.find((s) => s.kind === "Upstream");
  assert.deepEqual(upstream?.at && [upstream.at.file, upstream.at.line], [PAYMENTS, CM.lines.serverCertificate]);
  assert.ok(
    upstream?.details.includes(
      `server certificate written by cert-manager from Certificate payments/payments (${PAYMENTS}:${CM.lines.serverCertificate}), Issuer payments/internal-ca`,
    ),
    JSON.stringify(upstream?.details),
  );
  assert.ok(
    upstream?.details.some((d) =>
      d.startsWith(
        `server certificate CA: Secret payments/internal-ca-key-pair (${CM.issuer}:${CM.lines.issuerCaCrt}), O=mtls-gate handshake fixtures, CN=Handshake Rotated CA, `,
      ),
    ),
  );
  const handshake = result.explanation.steps.filter((s) => s.kind === "Handshake");
  assert.equal(
    handshake[0]?.summary,
    "server certificate (Envoy verifies the upstream): fails (O=mtls-gate handshake fixtures, CN=Handshake Rotated CA is self-signed and not in the CA bundle)",
  );
  assert.deepEqual(handshake[0]?.details, [
    "ok: the certificate of Certificate payments/payments will be issued by O=mtls-gate handshake fixtures, CN=Handshake Rotated CA (cert-manager)",
    "FAILS: O=mtls-gate handshake fixtures, CN=Handshake Rotated CA is self-signed and not in the CA bundle",
  ]);
  // The Issuer's CA Secret is on the route's chain: findings about it (its private key in Git) are explained too.
  assert.ok(result.explanation.findings.some((f) => f.ruleId === "secret-private-key-in-git" && f.file === CM.issuer));
});
