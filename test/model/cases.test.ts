/**
 * Issue 16's cases, each as Emissary does it (docs/emissary-model.md names the deciding source per case).
 *
 * Every table row below was run through Emissary's own config compiler at commit 3ebe0f468 (emissary-ingress/emissary)
 * with `python3 scripts/emissary-compile.py <checkout> <dir of the row's files> --default-listeners` (plus
 * `--ambassador-id ambassador-edge` for that row), and the expectations are its answers: which Mappings get a cluster
 * and a route, the cluster's upstream host:port and TLS (client certificate, trusted CA), which Hosts a Listener serves.
 * The compiler agreed with the model on every row. The v3alpha1 Mappings carry `hostname: "*"` because the compiler
 * builds no route for a v3alpha1 Mapping without one (irhost.py, matches_httpgroup), which mtls-gate does not model.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeFiles } from "../helpers/rule-tester.js";

const ruleIds = (files: Record<string, string>, policy?: string) =>
  analyzeFiles(files, policy).findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`);

// Compiler: the resolver is registered from the annotation; the Mapping (v2, so hostname "*" by conversion) gets an
// EDS cluster for consul/dc1/quote-sidecar-proxy and a route.
test("annotations: a ConsulResolver in a Service's getambassador.io/config is registered like a top-level one", () => {
  const files = {
    "consul.yaml": `apiVersion: v1
kind: Service
metadata:
  name: consul-config
  namespace: ambassador
  annotations:
    getambassador.io/config: |
      apiVersion: getambassador.io/v2
      kind: ConsulResolver
      name: consul-dc1
      address: consul-server.consul:8500
      datacenter: dc1
      ---
      apiVersion: getambassador.io/v2
      kind: Mapping
      name: quote
      prefix: /quote/
      service: quote-sidecar-proxy
      resolver: consul-dc1
spec: {ports: [{port: 80}]}
`,
  };
  const analysis = analyzeFiles(files);
  assert.deepEqual(
    analysis.findings.filter((f) => f.ruleId === "mapping-rejected"),
    [],
  );
  const route = analysis.routes.find((r) => r.mapping === "ambassador/quote");
  assert.deepEqual(route && [route.rejected, route.upstream.host, route.mode], [
    null,
    "quote-sidecar-proxy",
    "plaintext",
  ]);
  assert.equal(analysis.model.resolvers.get("consul-dc1"), "consul");
});

// Compiler: the redirect route exists and no cluster is built for it.
test("redirects: host_redirect opens no upstream, so mtls-required and upstream-unverified cannot fire on it", () => {
  const files = {
    "redirect.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: old-site, namespace: web}
spec:
  prefix: /old/
  service: new.example.com
  host_redirect: true
  path_redirect: /new/
  hostname: "*"
`,
  };
  const analysis = analyzeFiles(files, "require: {mtls: {namespaces: [web]}, verifiedUpstream: {namespaces: [web]}}\n");
  assert.deepEqual(analysis.routes, []);
  assert.deepEqual(
    analysis.redirects.map((r) => [r.mapping, r.redirectTo, r.line]),
    [["web/old-site", "new.example.com", 7]],
  );
  assert.deepEqual(
    analysis.findings.map((f) => f.ruleId),
    [],
  );
});

// Compiler: a cluster backend.web:80 and a plain route to it; path_redirect alone redirects nothing.
test("redirects: path_redirect without host_redirect is no redirect (Emissary reads it only with host_redirect)", () => {
  const analysis = analyzeFiles({
    "m.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: m, namespace: web}
spec: {prefix: /m/, service: backend, path_redirect: /x/, hostname: "*"}
`,
  });
  assert.deepEqual(
    analysis.routes.map((r) => [r.mapping, r.mode]),
    [["web/m", "plaintext"]],
  );
  assert.deepEqual(analysis.redirects, []);
});

// Compiler: clusters and routes for auto and none (AMBASSADOR_ID default); for auto, edge-list and edge-string with
// AMBASSADOR_ID=ambassador-edge; `[]` is never taken.
test("ambassador_id: only the installation's resources are simulated (list, string, none = default, _automatic_)", () => {
  const mapping = (name: string, id: string) => `---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: ${name}, namespace: apps}
spec: {prefix: /${name}/, service: ${name}, hostname: "*"${id ? `, ambassador_id: ${id}` : ""}}
`;
  const files = {
    "m.yaml": [
      mapping("edge-list", "[ambassador-edge]"),
      mapping("edge-string", "ambassador-edge"),
      mapping("none", ""),
      mapping("auto", "[_automatic_]"),
      mapping("empty", "[]"),
    ].join(""),
  };
  const routes = (policy?: string) =>
    analyzeFiles(files, policy)
      .routes.map((r) => r.mapping)
      .sort();
  assert.deepEqual(routes(), ["apps/auto", "apps/none"]);
  assert.deepEqual(routes("emissary: {ambassadorId: ambassador-edge}\n"), [
    "apps/auto",
    "apps/edge-list",
    "apps/edge-string",
  ]);
});

const ingress = (extra: string, annotations = "{}") => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: web
  annotations: ${annotations}
spec:
${extra}  tls:
    - hosts: [shop.example.com]
      secretName: shop-tls
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /cart
            pathType: Prefix
            backend:
              service:
                name: cart
                port: {name: https}
`;
const cartService = `apiVersion: v1
kind: Service
metadata: {name: cart, namespace: web}
spec: {ports: [{name: https, port: 8443}]}
`;
const ingressClass = (
  isDefault: boolean,
  controller = "getambassador.io/ingress-controller",
) => `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: ambassador
  annotations: {ingressclass.kubernetes.io/is-default-class: "${isDefault}"}
spec: {controller: ${controller}}
`;

// Compiler: Mapping web/shop-0-0 to cart.web:8443 without TLS in the first three rows, nothing in the last two; Host
// shop-0-0 inactive ("Secret shop-tls.web unknown"). The default-IngressClass row is the API server's admission
// (it writes ingressClassName on create), which the script does for the compiler.
test("Ingress: class ambassador by ingressClassName, annotation, or default IngressClass becomes Mappings and a Host", () => {
  const cases: [string, Record<string, string>, boolean][] = [
    [
      "ingressClassName of Emissary's controller",
      { "i.yaml": ingress("  ingressClassName: ambassador\n"), "c.yaml": ingressClass(false) },
      true,
    ],
    [
      "kubernetes.io/ingress.class annotation",
      { "i.yaml": ingress("", "{kubernetes.io/ingress.class: ambassador}") },
      true,
    ],
    ["the one default IngressClass is Emissary's", { "i.yaml": ingress(""), "c.yaml": ingressClass(true) }, true],
    [
      "an IngressClass of another controller",
      { "i.yaml": ingress("  ingressClassName: ambassador\n"), "c.yaml": ingressClass(true, "k8s.io/ingress-nginx") },
      false,
    ],
    ["no class at all", { "i.yaml": ingress("") }, false],
  ];
  for (const [name, files, taken] of cases) {
    const analysis = analyzeFiles({ ...files, "svc.yaml": cartService });
    const routes = analysis.routes.map((r) => [r.mapping, r.upstream.host, r.upstream.port, r.mode, r.prefix, r.host]);
    assert.deepEqual(
      routes,
      taken ? [["web/shop-0-0", "cart.web", 8443, "plaintext", "/cart", "shop.example.com"]] : [],
      name,
    );
    // spec.tls terminates with the Secret: a Host named <ingress>-<tls>-<host>, here inactive (no Secret in the files)
    assert.deepEqual(
      analysis.hosts.map((h) => [h.host, h.hostname, h.tlsSecret, h.state]),
      taken ? [["web/shop-0-0", "shop.example.com", "web/shop-tls", "inactive-secret"]] : [],
      name,
    );
  }
  const findings = ruleIds({
    "i.yaml": ingress("", "{kubernetes.io/ingress.class: ambassador}"),
    "svc.yaml": cartService,
  });
  // the missing Secret on the Ingress's secretName line; cleartext to the port named https, on the backend's service
  assert.deepEqual(findings.sort(), ["host-tls-secret-not-found i.yaml:10", "plaintext-to-tls-port i.yaml:19"]);
});

const listener = (binding: string) => `apiVersion: getambassador.io/v3alpha1
kind: Listener
metadata: {name: https, namespace: ambassador}
spec: {port: 8443, protocol: HTTPS, securityModel: XFP, hostBinding: ${binding}}
`;
const plainHost = (namespace: string, labels = "{}") => `apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: api, namespace: ${namespace}, labels: ${labels}}
spec: {hostname: api.example.com}
`;

// Compiler: the Host has a virtual host on the Listener exactly in the rows marked true; in the others Emissary logs
// "No matching Hosts/TCPMappings found, disabling!" for the Listener (and "from=selector is not yet supported").
test("Listeners: a Host serves only when a Listener's hostBinding takes it (ALL, SELF, SELECTOR, selector)", () => {
  const rows: [string, string, string, boolean][] = [
    ["{namespace: {from: ALL}}", "apps", "{}", true],
    ["{namespace: {from: SELF}}", "apps", "{}", false],
    ["{namespace: {from: SELF}}", "ambassador", "{}", true],
    ["{namespace: {from: SELECTOR}}", "apps", "{}", false],
    ["{namespace: {from: ALL}, selector: {matchLabels: {edge: public}}}", "apps", "{edge: public}", true],
    ["{namespace: {from: ALL}, selector: {matchLabels: {edge: public}}}", "apps", "{}", false],
    ["{selector: {matchLabels: {edge: public}}}", "ambassador", "{edge: public}", true],
  ];
  for (const [binding, namespace, labels, active] of rows) {
    const analysis = analyzeFiles({ "l.yaml": listener(binding), "h.yaml": plainHost(namespace, labels) });
    assert.equal(analysis.hosts[0]?.active, active, `${binding} ${namespace} ${labels}`);
  }
});

// Compiler: cluster ratings.apps:9080 with TLS, client certificate istio.default, trusted CA its root-cert.pem.
test("Istio secrets: a secret carrying root-cert.pem is the context's CA too, so the route is verified", () => {
  const pem = `"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"`;
  const files = {
    "istio.yaml": `apiVersion: v1
kind: Secret
metadata: {name: istio.default, namespace: apps}
type: istio.io/key-and-cert
stringData: {cert-chain.pem: ${pem}, key.pem: "-----BEGIN PRIVATE KEY-----", root-cert.pem: ${pem}}
---
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: istio-upstream, namespace: apps}
spec: {secret: istio.default, secret_namespacing: false, alpn_protocols: istio}
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: ratings, namespace: apps}
spec: {prefix: /ratings/, service: https://ratings:9080, tls: istio-upstream, hostname: "*"}
`,
  };
  const route = analyzeFiles(files).routes[0];
  assert.deepEqual(route && [route.mode, route.upstreamVerified, route.caSecret], ["mtls", true, "apps/istio.default"]);
});

// Compiler: the Host's virtual host is "*".
test("empty hostname on a Host: Emissary serves it as *", () => {
  const analysis = analyzeFiles({
    "h.yaml": plainHost("ambassador").replace("hostname: api.example.com", 'hostname: ""'),
  });
  assert.equal(analysis.hosts[0]?.hostname, "*");
});

// Compiler: never sees it (the CRDs serve v1, v2, v3alpha1; the API server refuses v0), so no cluster, no route.
test("dropped apiVersions name the resource in the finding", () => {
  const analysis = analyzeFiles({
    "v0.yaml": `apiVersion: getambassador.io/v0
kind: Mapping
metadata: {name: legacy, namespace: apps}
spec: {prefix: /legacy/, service: legacy}
`,
  });
  assert.deepEqual(
    analysis.findings.map((f) => [f.ruleId, f.resource]),
    [["unsupported-api-version", "Mapping/apps/legacy"]],
  );
});

// Compiler: the annotation's ambassador/v0 Mapping is refused ('unsupported GroupVersionKind "getambassador.io/v0,
// Kind=Mapping", ignoring' on the Service); ambassador/v1 and getambassador.io/v2 Mappings get hostname "*" by
// conversion and a route: legacy.apps:80 without TLS, and legacy.apps:443 with TLS, no client certificate, no CA.
test("ambassador/vN in an annotation: v0 is refused and named, v1 and v2 are read (tls: true is TLS, unverified)", () => {
  const analysis = analyzeFiles({
    "svc.yaml": `apiVersion: v1
kind: Service
metadata:
  name: legacy
  namespace: apps
  annotations:
    getambassador.io/config: |
      ---
      apiVersion: ambassador/v0
      kind: Mapping
      name: v0-mapping
      prefix: /v0/
      service: legacy
      ---
      apiVersion: ambassador/v1
      kind: Mapping
      name: v1-mapping
      prefix: /v1/
      service: legacy
      ---
      apiVersion: getambassador.io/v2
      kind: Mapping
      name: v2-mapping
      prefix: /v2/
      service: https://legacy
      tls: true
spec: {ports: [{port: 80}]}
`,
  });
  assert.deepEqual(
    analysis.routes.map((r) => [
      r.mapping,
      `${r.upstream.host}:${r.upstream.port}`,
      r.originatesTls,
      r.secret,
      r.caSecret,
      r.rejected,
    ]),
    [
      ["apps/v1-mapping", "legacy.apps:80", false, null, null, null],
      ["apps/v2-mapping", "legacy.apps:443", true, null, null, null],
    ],
  );
  assert.deepEqual(
    analysis.findings.filter((f) => f.ruleId === "unsupported-api-version").map((f) => [f.file, f.line, f.resource]),
    [["svc.yaml", 9, "Mapping/apps/v0-mapping"]],
  );
});
