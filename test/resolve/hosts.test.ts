import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeFiles } from "../helpers/rule-tester.js";

const secret = `
apiVersion: v1
kind: Secret
metadata: {name: site-cert, namespace: edge}
type: kubernetes.io/tls
stringData: {tls.crt: "-----BEGIN CERTIFICATE-----", tls.key: "-----BEGIN PRIVATE KEY-----"}
`;

const host = (spec: string) => `
apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: site, namespace: edge}
spec:
  hostname: site.example.com
${spec.trim().split("\n").map((l) => `  ${l}`).join("\n")}
`;

function hostState(docs: string[]) {
  const analysis = analyzeFiles({ "hosts.yaml": docs.join("\n---\n") });
  const view = analysis.hosts[0];
  assert.ok(view);
  return view;
}

test("a Host with an existing tlsSecret terminates with an implicit <name>-context", () => {
  const view = hostState([host("tlsSecret: {name: site-cert}"), secret]);
  assert.deepEqual([view.state, view.active, view.tlsSecret, view.tlsContext], ["terminates", true, "edge/site-cert", "site-context"]);
});

test("a missing tlsSecret makes the Host inactive", () => {
  const view = hostState([host("tlsSecret: {name: nope}")]);
  assert.deepEqual([view.state, view.active], ["inactive-secret", false]);
});

test("tls or tlsContext without tlsSecret terminates nothing", () => {
  const view = hostState([host("tlsContext: {name: x}")]);
  assert.equal(view.state, "no-tls");
});

test("an unknown tlsContext drops the Host; a context with another secret drops it too", () => {
  assert.equal(hostState([host("tlsSecret: {name: site-cert}\ntlsContext: {name: nope}"), secret]).state, "dropped-unknown-context");
  const other = `
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: other, namespace: edge}
spec: {secret: other-cert, hosts: [site.example.com]}
`;
  assert.equal(hostState([host("tlsSecret: {name: site-cert}\ntlsContext: {name: other}"), secret, other]).state, "dropped-secret-mismatch");
});
