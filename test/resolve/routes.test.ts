import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeFiles } from "../helpers/rule-tester.js";
import type { RouteView } from "../../src/core/views.js";

const secret = (name: string, namespace = "default") => `
apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: ${namespace}}
type: kubernetes.io/tls
stringData: {tls.crt: "-----BEGIN CERTIFICATE-----", tls.key: "-----BEGIN PRIVATE KEY-----"}
`;

const context = (name: string, fields: string, namespace = "default") => `
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: ${name}, namespace: ${namespace}}
spec:
${fields.trim().split("\n").map((l) => `  ${l}`).join("\n")}
`;

const mapping = (name: string, service: string, tls?: string, namespace = "default", apiVersion = "getambassador.io/v3alpha1") => `
apiVersion: ${apiVersion}
kind: Mapping
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  prefix: /${name}/
  service: "${service}"
${tls === undefined ? "" : `  tls: ${tls}`}
`;

function routesOf(docs: string[], policy?: string): RouteView[] {
  return analyzeFiles({ "all.yaml": docs.join("\n---\n") }, policy).routes;
}

function route(docs: string[], name: string, policy?: string): RouteView {
  const found = routesOf(docs, policy).find((r) => r.mapping.endsWith(`/${name}`));
  assert.ok(found, `route ${name}`);
  return found;
}

const usable = [context("ctx", "secret: certs"), secret("certs")];

test("origination table: every row", () => {
  const rows: { service: string; tls?: string; mode: string; scheme: string; port: number; context: string | null }[] = [
    { service: "https://svc", tls: "ctx", mode: "mtls", scheme: "https", port: 443, context: "ctx" },
    { service: "https://svc", mode: "tls", scheme: "https", port: 443, context: "(null context)" },
    { service: "https://svc", tls: "missing", mode: "tls", scheme: "https", port: 443, context: "(null context)" },
    { service: "svc", tls: "ctx", mode: "mtls", scheme: "https", port: 443, context: "ctx" },
    { service: "svc", tls: "missing", mode: "plaintext", scheme: "http", port: 80, context: null },
    { service: "http://svc", tls: "ctx", mode: "mtls", scheme: "https", port: 443, context: "ctx" },
    { service: "http://svc", mode: "plaintext", scheme: "http", port: 80, context: null },
    { service: "svc", mode: "plaintext", scheme: "http", port: 80, context: null },
  ];
  rows.forEach((row, index) => {
    const r = route([...usable, mapping(`m${index}`, row.service, row.tls)], `m${index}`);
    assert.deepEqual(
      { mode: r.mode, scheme: r.upstream.scheme, port: r.upstream.port, context: r.tlsContext },
      { mode: row.mode, scheme: row.scheme, port: row.port, context: row.context },
      `${row.service} tls=${row.tls ?? "none"}`,
    );
  });
});

test("tls: true (v2) originates TLS with the null context", () => {
  const r = route([mapping("legacy", "svc", "true", "default", "getambassador.io/v2")], "legacy");
  assert.equal(r.mode, "tls");
  assert.equal(r.tlsContext, "(null context)");
  assert.equal(r.upstream.port, 443);
});

test("an unusable context counts as not defined: no scheme means plaintext to port 80", () => {
  const r = route([context("ctx", "secret: absent"), mapping("m", "svc", "ctx")], "m");
  assert.equal(r.mode, "plaintext");
  assert.equal(r.upstream.port, 80);
  assert.equal(r.requestedTlsContext, "ctx");
});

test("service forms: namespace qualification and ports", () => {
  const policy = "emissary: {namespace: ambassador}";
  const cases: [string, string, string, number][] = [
    ["svc", "apps", "svc.apps", 80],
    ["svc:8080", "apps", "svc.apps", 8080],
    ["svc.other", "apps", "svc.other", 80],
    ["svc.other:9000", "apps", "svc.other", 9000],
    ["http://svc:81", "apps", "svc.apps", 81],
    ["SVC", "apps", "svc.apps", 80],
    ["localhost:8500", "apps", "localhost", 8500],
    ["svc", "ambassador", "svc", 80],
  ];
  cases.forEach(([service, namespace, host, port], index) => {
    const r = route([mapping(`s${index}`, service, undefined, namespace)], `s${index}`, policy);
    assert.deepEqual({ host: r.upstream.host, port: r.upstream.port }, { host, port }, `${service} in ${namespace}`);
  });
});

test("a malformed service or an unknown resolver rejects the Mapping", () => {
  assert.equal(route([mapping("bad", "svc:http")], "bad").rejected, "malformed-service");
  const unknownResolver = mapping("r", "svc").replace("  prefix:", "  resolver: nowhere\n  prefix:");
  assert.equal(route([unknownResolver], "r").rejected, "unknown-resolver");
});

test("every API version and style yields the same route; v0 yields none", () => {
  const annotation = (apiVersion: string) => `
apiVersion: v1
kind: Service
metadata:
  name: upstream
  namespace: default
  annotations:
    getambassador.io/config: |
      ---
      apiVersion: ${apiVersion}
      kind: Mapping
      name: annotated
      prefix: /a/
      service: upstream-service
      tls: ctx
`;
  for (const apiVersion of ["getambassador.io/v3alpha1", "getambassador.io/v2", "getambassador.io/v1"]) {
    const r = route([...usable, mapping("crd", "upstream-service", "ctx", "default", apiVersion)], "crd");
    assert.equal(r.mode, "mtls", apiVersion);
  }
  for (const apiVersion of ["ambassador/v1", "ambassador/v2", "getambassador.io/v2"]) {
    const r = route([...usable, annotation(apiVersion)], "annotated");
    assert.equal(r.mode, "mtls", apiVersion);
    assert.equal(r.file, "all.yaml");
  }
  assert.equal(routesOf([...usable, mapping("old", "svc", "ctx", "default", "getambassador.io/v0")]).length, 0);
  assert.equal(routesOf([...usable, annotation("ambassador/v0")]).length, 0);
});

test("context names are global: the first in name.namespace order keeps the bare name", () => {
  const docs = [
    context("ctx", "secret: certs", "a"),
    secret("certs", "a"),
    context("ctx", "secret: certs", "b"),
    secret("certs", "b"),
    mapping("in-b", "svc", "ctx", "b"),
    mapping("in-b-explicit", "svc2", "ctx.b", "b"),
  ];
  assert.equal(route(docs, "in-b").secret, "a/certs");
  assert.equal(route(docs, "in-b-explicit").secret, "b/certs");
});

test("dotted secret names: split at the last dot unless namespacing is off", () => {
  const split = [context("ctx", "secret: certs.other"), secret("certs", "other"), mapping("m", "svc", "ctx")];
  assert.equal(route(split, "m").secret, "other/certs");
  const istio = [context("ctx", "secret: istio.default\nsecret_namespacing: false"), secret("istio.default"), mapping("m", "svc", "ctx")];
  assert.equal(route(istio, "m").secret, "default/istio.default");
  assert.equal(route(istio, "m").mode, "mtls");
  const moduleOff = `
apiVersion: getambassador.io/v3alpha1
kind: Module
metadata: {name: ambassador, namespace: default}
spec:
  config:
    defaults:
      tls_secret_namespacing: false
`;
  const viaModule = [moduleOff, context("ctx", "secret: istio.default"), secret("istio.default"), mapping("m", "svc", "ctx")];
  assert.equal(route(viaModule, "m").mode, "mtls");
  const broken = [context("ctx", "secret: istio.default"), secret("istio.default"), mapping("m", "svc", "ctx")];
  assert.equal(route(broken, "m").mode, "plaintext");
});

test("shared clusters: the first Mapping in name.namespace order decides TLS for https:// services", () => {
  const docs = [...usable, mapping("api", "https://backend", "ctx"), mapping("api-v2", "https://backend")];
  // api-v2.default sorts before api.default ('-' < '.'), so api-v2 (no tls:) decides: api loses its client certificate.
  const api = route(docs, "api");
  assert.equal(api.mode, "tls");
  assert.equal(api.sharedClusterWith, "default/api-v2");
  // Without a scheme the context name is part of the cluster key: no sharing.
  const separate = [...usable, mapping("api", "backend", "ctx"), mapping("api-v2", "backend")];
  assert.equal(route(separate, "api").mode, "mtls");
});

test("the TLS Module's blocks are origination contexts named after their key", () => {
  const module = `
apiVersion: getambassador.io/v2
kind: Module
metadata: {name: tls, namespace: default}
spec:
  config:
    upstream:
      secret: certs
`;
  const r = route([module, secret("certs"), mapping("m", "svc", "upstream")], "m");
  assert.equal(r.mode, "mtls");
  assert.equal(r.secret, "default/certs");
});

test("files as kubectl sees them: .yml files, kustomization.yml's namespace, else the policy's defaultNamespace; not .YAML", () => {
  const bare = (name: string) => `apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: ${name}}\nspec: {prefix: /${name}/, service: ${name}}\n`;
  const analysis = analyzeFiles(
    {
      "apps/kustomization.yml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: apps\nresources: [listed.yml]\n",
      "apps/listed.yml": bare("listed"),
      "apps/unlisted.yml": bare("unlisted"),
      "other/plain.yml": bare("plain"),
      // kubectl apply -R matches .json, .yaml and .yml case-sensitively: it skips this file, and so do the default paths
      "other/upper.YAML": bare("upper"),
    },
    "defaultNamespace: team\nemissary: {namespace: ambassador}\n",
  );
  assert.deepEqual(
    analysis.routes.map((r) => [r.mapping, r.upstream.host]).sort(),
    [["apps/listed", "listed.apps"], ["team/plain", "plain.team"], ["team/unlisted", "unlisted.team"]],
  );
});

test("kustomize namespace overrides metadata.namespace", () => {
  const analysis = analyzeFiles({
    "apps/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: apps\nresources: [mapping.yaml]\n",
    "apps/mapping.yaml": mapping("m", "svc", undefined, "ignored"),
  }, "emissary: {namespace: ambassador}");
  assert.equal(analysis.routes[0]?.mapping, "apps/m");
  assert.equal(analysis.routes[0]?.upstream.host, "svc.apps");
});
