import { ruleTester } from "../helpers/rule-tester.js";

/** A TLSContext in `namespace` whose `secret:` (line 8) is `secret`; `extra` adds spec lines. */
const context = (namespace: string, secret: string, extra = "") => `# the context under test: its secret: is on line 8
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: ${namespace}
spec:
  secret: ${secret}
${extra}`;

/** A usable kubernetes.io/tls Secret. */
const secret = (name: string, namespace: string) => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${namespace}
type: kubernetes.io/tls
stringData:
  tls.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
  tls.key: "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"
`;

const mapping = `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: backend
  namespace: edge
spec:
  prefix: /backend/
  service: backend
  tls: upstream
`;

const certificate = (namespace: string) => `# cert-manager writes Secret client-certs (spec.secretName) in its own namespace
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: gateway-client
  namespace: ${namespace}
spec:
  secretName: client-certs
  commonName: gateway.edge
  issuerRef: {name: internal-ca, kind: ClusterIssuer}
`;

const sealedSecret = `# the sealed-secrets controller creates Secret client-certs in edge
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: client-certs
  namespace: edge
spec:
  encryptedData:
    tls.crt: AgBy3i4OJSWK+PiTySYZZA==
    tls.key: AgCtr8Hd2AlQ+RWN3cGZdw==
  template:
    type: kubernetes.io/tls
`;

const externalSecret = `# external-secrets creates Secret client-certs (spec.target.name) in edge
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: client-certs-from-vault
  namespace: edge
spec:
  secretStoreRef: {name: vault, kind: ClusterSecretStore}
  target:
    name: client-certs
    template: {type: kubernetes.io/tls}
  data:
    - secretKey: tls.crt
      remoteRef: {key: gateway/client, property: crt}
    - secretKey: tls.key
      remoteRef: {key: gateway/client, property: key}
`;

const kustomization = `# kustomize generates Secret client-certs and puts every listed file in namespace edge
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: edge
resources:
  - context.yaml
generatorOptions:
  disableNameSuffixHash: true
secretGenerator:
  - name: client-certs
    type: kubernetes.io/tls
    files:
      - tls.crt=certs/client.crt
      - tls.key=certs/client.key
`;

const sops = `# SOPS-encrypted: present in Git, bytes unreadable
apiVersion: v1
kind: Secret
metadata:
  name: client-certs
  namespace: edge
type: kubernetes.io/tls
data:
  tls.crt: ENC[AES256_GCM,data:bXlj,iv:aXY=,tag:dGFn,type:str]
  tls.key: ENC[AES256_GCM,data:bXlr,iv:aXY=,tag:dGFn,type:str]
sops:
  version: 3.8.1
`;

const noNamespacingModule = `apiVersion: getambassador.io/v3alpha1
kind: Module
metadata:
  name: ambassador
  namespace: emissary
spec:
  config:
    defaults:
      tls_secret_namespacing: false
`;

const annotation = `apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: shop
  annotations:
    getambassador.io/config: |
      ---
      # fails: the context takes the Service's namespace (shop); the Secret is not there (line 13)
      apiVersion: ambassador/v1
      kind: TLSContext
      name: backend-upstream
      secret: backend-client
      ---
      apiVersion: ambassador/v1
      kind: Mapping
      name: backend
      prefix: /backend/
      service: backend
      tls: backend-upstream
spec:
  ports: [{port: 443}]
`;

const tlsModule = `# fails: a TLS Module block without certificate keys defaults to Secret ambassador-certs
apiVersion: getambassador.io/v3alpha1
kind: Module
metadata:
  name: tls
  namespace: emissary
spec:
  config:
    upstream:
      alpn_protocols: h2
`;

ruleTester("tls-context-secret-not-found", [
  {
    name: "clean: the Secret is in the context's namespace",
    files: { "context.yaml": context("edge", "client-certs"), "secret.yaml": secret("client-certs", "edge") },
    expect: [],
  },
  {
    // passes: "certs.other" is split at its last dot into Secret certs in namespace other, which exists
    name: "clean: a dotted name reaches another namespace",
    files: { "context.yaml": context("edge", "certs.other"), "secret.yaml": secret("certs", "other") },
    expect: [],
  },
  {
    // passes: secret_namespacing: false keeps "my.certs" whole, in the context's namespace
    name: "clean: secret_namespacing false keeps a dotted name",
    files: { "context.yaml": context("edge", "my.certs", "  secret_namespacing: false\n"), "secret.yaml": secret("my.certs", "edge") },
    expect: [],
  },
  {
    // passes: the ambassador Module turns namespacing off for every context
    name: "clean: the ambassador Module's tls_secret_namespacing false",
    files: { "context.yaml": context("edge", "my.certs"), "module.yaml": noNamespacingModule, "secret.yaml": secret("my.certs", "edge") },
    expect: [],
  },
  {
    name: "clean: provided by a cert-manager Certificate",
    files: { "context.yaml": context("edge", "client-certs"), "certificate.yaml": certificate("edge") },
    expect: [],
  },
  { name: "clean: provided by a SealedSecret", files: { "context.yaml": context("edge", "client-certs"), "sealed.yaml": sealedSecret }, expect: [] },
  {
    name: "clean: provided by an ExternalSecret",
    files: { "context.yaml": context("edge", "client-certs"), "external.yaml": externalSecret },
    expect: [],
  },
  {
    // passes: the context's own namespace (default) is rewritten to edge by kustomize, like the generated Secret's
    name: "clean: provided by a kustomize secretGenerator",
    files: { "overlay/context.yaml": context("default", "client-certs"), "overlay/kustomization.yaml": kustomization },
    expect: [],
  },
  { name: "clean: SOPS-encrypted Secret", files: { "context.yaml": context("edge", "client-certs"), "secret.enc.yaml": sops }, expect: [] },
  {
    name: "clean: listed in the policy's externalSecrets",
    files: { "context.yaml": context("edge", "partner-client") },
    policy: "externalSecrets: [edge/partner-client]\n",
    expect: [],
  },
  {
    // passes: with the Istio integration on, istio-certs exists in Emissary's namespace
    name: "clean: istio-certs with the Istio integration enabled",
    files: { "context.yaml": context("emissary", "istio-certs", "  alpn_protocols: istio\n") },
    policy: "emissary: {namespace: emissary, integrations: {istio: true}}\n",
    expect: [],
  },
  {
    name: "clean: ambassador-consul-connect with the Consul integration enabled",
    files: { "context.yaml": context("default", "ambassador-consul-connect") },
    policy: "emissary: {integrations: {consul: true}}\n",
    expect: [],
  },
  {
    name: "missing everywhere",
    files: { "context.yaml": context("edge", "client-certs") },
    expect: [
      {
        line: 8,
        column: 3,
        severity: "error",
        resource: "TLSContext/edge/upstream",
        data: {
          context: "upstream",
          written: "client-certs",
          name: "client-certs",
          namespace: "edge",
          split: false,
          elsewhere: null,
          integration: null,
          consequence: "No Mapping uses it yet.",
        },
      },
    ],
  },
  {
    name: "the Mappings using the context are named",
    files: { "context.yaml": context("edge", "client-certs"), "mapping.yaml": mapping },
    expect: [{ file: "context.yaml", line: 8, severity: "error", data: { consequence: "Mappings using it (edge/backend) see it as not defined." } }],
  },
  {
    // fails: the namespace defaults to the context's (edge), not to where the Secret happens to live
    name: "the Secret exists in other namespaces only",
    files: { "context.yaml": context("edge", "client-certs"), "secrets.yaml": `${secret("client-certs", "prod")}---\n${secret("client-certs", "infra")}` },
    expect: [{ line: 8, severity: "error", data: { namespace: "edge", elsewhere: "infra, prod", elsewhereFirst: "infra", split: false } }],
  },
  {
    // fails: "my.certs" is split into Secret "my" in namespace "certs"; the Secret my.certs in edge is not used
    name: "a dotted name is split at its last dot",
    files: { "context.yaml": context("edge", "my.certs"), "secret.yaml": secret("my.certs", "edge") },
    expect: [{ line: 8, severity: "error", data: { written: "my.certs", name: "my", namespace: "certs", split: true, elsewhere: null } }],
  },
  {
    name: "the cert-manager Certificate writes its Secret in another namespace",
    files: { "context.yaml": context("edge", "client-certs"), "certificate.yaml": certificate("cert-manager") },
    expect: [{ line: 8, severity: "error", data: { namespace: "edge", elsewhere: "cert-manager" } }],
  },
  {
    name: "externalSecrets lists the Secret in another namespace",
    files: { "context.yaml": context("edge", "partner-client") },
    policy: "externalSecrets: [default/partner-client]\n",
    expect: [{ line: 8, severity: "error", data: { name: "partner-client", namespace: "edge", elsewhere: "default" } }],
  },
  {
    // fails: istio-certs is created at runtime; the policy must enable the integration
    name: "istio-certs without the Istio integration",
    files: { "context.yaml": context("emissary", "istio-certs", "  alpn_protocols: istio\n") },
    policy: "emissary: {namespace: emissary}\n",
    expect: [
      {
        line: 8,
        severity: "error",
        data: { name: "istio-certs", namespace: "emissary", integration: "Istio", integrationKey: "emissary.integrations.istio: true" },
      },
    ],
  },
  {
    // fails: the integration creates istio-certs in Emissary's namespace (emissary), not in the context's (default)
    name: "istio-certs looked up outside Emissary's namespace",
    files: { "context.yaml": context("default", "istio-certs") },
    policy: "emissary: {namespace: emissary, integrations: {istio: true}}\n",
    expect: [{ line: 8, severity: "error", data: { namespace: "default", elsewhere: "emissary", elsewhereFirst: "emissary" } }],
  },
  {
    name: "ambassador-consul-connect without the Consul integration",
    files: { "context.yaml": context("default", "ambassador-consul-connect") },
    expect: [{ line: 8, severity: "error", data: { integration: "Consul Connect", integrationKey: "emissary.integrations.consul: true" } }],
  },
  {
    name: "annotation TLSContext: namespace from the Service, finding on the annotation's line",
    files: { "svc.yaml": annotation, "secret.yaml": secret("backend-client", "edge") },
    expect: [
      {
        line: 13,
        column: 7,
        severity: "error",
        resource: "TLSContext/shop/backend-upstream",
        data: {
          context: "backend-upstream",
          namespace: "shop",
          elsewhere: "edge",
          consequence: "Mappings using it (shop/backend) see it as not defined.",
        },
      },
    ],
  },
  {
    // fails: no secret: key, so the implicit ambassador-certs is looked up; reported on the block's key (line 9)
    name: "TLS Module block: the implicit ambassador-certs Secret",
    files: { "tls-module.yaml": tlsModule },
    expect: [
      {
        line: 9,
        column: 5,
        severity: "error",
        resource: "Module/emissary/tls",
        data: { context: "upstream", name: "ambassador-certs", namespace: "emissary" },
      },
    ],
  },
]);
