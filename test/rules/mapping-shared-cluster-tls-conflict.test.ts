import { ruleTester } from "../helpers/rule-tester.js";

/** Two usable contexts presenting client certificates: client-ctx and other-ctx. */
const contexts = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: client-ctx, namespace: shop}
spec:
  secret: client-cert
---
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: other-ctx, namespace: shop}
spec:
  secret: client-cert
---
apiVersion: v1
kind: Secret
metadata: {name: client-cert, namespace: shop}
type: kubernetes.io/tls
stringData:
  tls.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
  tls.key: "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"
`;

/** A Mapping document, `---` first: service on its line 6, tls (left out when null) on its line 8. */
const mapping = (name: string, service: string, tls: string | null, namespace = "shop") => `---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  service: ${service}
  prefix: /${name}/
${tls === null ? "" : `  tls: ${tls}\n`}`;

ruleTester("mapping-shared-cluster-tls-conflict", [
  {
    name: "clean: distinct services get distinct clusters",
    files: {
      "mappings.yaml": `# api-v2 and api talk to different backends: no shared cluster
${mapping("api-v2", "https://backend-v2", null)}${mapping("api", "https://backend", "client-ctx")}`,
      "contexts.yaml": contexts,
    },
    expect: [],
  },
  {
    name: "clean: the same https:// service with the same tls: on every Mapping",
    files: {
      "mappings.yaml": `# they share a cluster, but agree on its TLS
${mapping("api-v2", "https://backend", "client-ctx")}${mapping("api", "https://backend", "client-ctx")}`,
      "contexts.yaml": contexts,
    },
    expect: [],
  },
  {
    name: "clean: the same service in two namespaces: the namespace is part of the cluster key",
    files: {
      "mappings.yaml": `# one cluster per namespace
${mapping("api-v2", "https://backend.shop", null, "edge")}${mapping("api", "https://backend.shop", "client-ctx")}`,
      "contexts.yaml": contexts,
    },
    expect: [],
  },
  {
    name: "clean: without a scheme the context name is part of the cluster key",
    files: {
      "mappings.yaml": `# no scheme: different contexts, different clusters
${mapping("api-v2", "backend", "other-ctx")}${mapping("api", "backend", "client-ctx")}`,
      "contexts.yaml": contexts,
    },
    expect: [],
  },
  {
    name: "api-v2 sorts before api and has no tls: api loses its client certificate",
    files: {
      "mappings.yaml": `# fails: "api-v2.shop" < "api.shop", so api-v2 decides the cluster's TLS: no client cert for api
${mapping("api", "https://backend", "client-ctx")}${mapping("api-v2", "https://backend", null)}`,
      "contexts.yaml": contexts,
    },
    expect: [
      {
        line: 9,
        column: 3,
        severity: "error",
        resource: "Mapping/shop/api",
        data: { mapping: "shop/api", ownContext: "client-ctx", leader: "shop/api-v2", leaderContext: null, service: "https://backend", namespace: "shop", mode: "tls" },
      },
    ],
  },
  {
    name: "the first Mapping has the context: the later one without tls: silently gets it (warning, on service)",
    files: {
      "mappings.yaml": `# fails softly: api asked for no client certificate and presents client-ctx's
${mapping("api-v2", "https://backend", "client-ctx")}${mapping("api", "https://backend", null)}`,
      "contexts.yaml": contexts,
    },
    expect: [{ line: 15, severity: "warning", resource: "Mapping/shop/api", data: { ownContext: null, leader: "shop/api-v2", leaderContext: "client-ctx", mode: "mtls" } }],
  },
  {
    name: "two different client contexts on one https:// cluster: the later Mapping presents the other certificate",
    files: {
      "mappings.yaml": `# fails softly: still mTLS, but with other-ctx, not the client-ctx api asked for
${mapping("api-v2", "https://backend", "other-ctx")}${mapping("api", "https://backend", "client-ctx")}`,
      "contexts.yaml": contexts,
    },
    expect: [{ line: 17, severity: "warning", data: { ownContext: "client-ctx", leaderContext: "other-ctx", mode: "mtls" } }],
  },
  {
    name: "every later Mapping is reported, each naming the same leader",
    files: {
      "mappings.yaml": `# fails twice: a-leader sorts first and has no tls:
${mapping("b-orders", "https://backend", "client-ctx")}${mapping("a-leader", "https://backend", null)}${mapping("c-users", "https://backend", "client-ctx")}`,
      "contexts.yaml": contexts,
    },
    expect: [
      { line: 9, severity: "error", resource: "Mapping/shop/b-orders", data: { leader: "shop/a-leader" } },
      { line: 24, severity: "error", resource: "Mapping/shop/c-users", data: { leader: "shop/a-leader" } },
    ],
  },
  {
    name: "a TCPMapping on the same https:// service joins the HTTP Mapping's cluster, even if its name sorts first",
    files: {
      "mappings.yaml": `# fails: every Mapping is processed before any TCPMapping, so web (no tls:) decides
${mapping("web", "https://backend", null)}---
apiVersion: getambassador.io/v3alpha1
kind: TCPMapping
metadata: {name: a-tcp, namespace: shop}
spec:
  port: 9000
  service: https://backend
  tls: client-ctx
`,
      "contexts.yaml": contexts,
    },
    expect: [{ line: 16, severity: "error", resource: "TCPMapping/shop/a-tcp", data: { leader: "shop/web", mode: "tls" } }],
  },
]);
