import assert from "node:assert/strict";
import { test } from "node:test";
import { modelOf } from "../../helpers/model.js";

test("providers reader: cert-manager, SealedSecret and ExternalSecret each make their Secret exist, at the line naming it", () => {
  const model = modelOf({
    "p.yaml": `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: upstream, namespace: edge}
spec:
  secretName: upstream-cert
  issuerRef: {name: ca}
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: sealed, namespace: edge}
spec:
  encryptedData: {tls.crt: AgB, tls.key: AgC}
  template:
    metadata: {name: sealed-cert}
    type: kubernetes.io/tls
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: from-vault, namespace: edge}
spec:
  target:
    name: vault-cert
  data:
    - {secretKey: tls.crt, remoteRef: {key: a}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: no-secret, namespace: edge}
spec: {issuerRef: {name: ca}}
`,
  });
  const row = (key: string) =>
    model.providers.get(key)?.map((p) => [p.kind, p.keys, p.type, p.resource?.id, p.location?.line]);
  assert.deepEqual(row("edge/upstream-cert"), [
    ["cert-manager", ["tls.crt", "tls.key", "ca.crt"], "kubernetes.io/tls", "Certificate/edge/upstream", 5],
  ]);
  assert.deepEqual(row("edge/sealed-cert"), [
    ["sealed-secret", ["tls.crt", "tls.key"], "kubernetes.io/tls", "SealedSecret/edge/sealed", 10],
  ]);
  assert.deepEqual(row("edge/vault-cert"), [
    ["external-secret", ["tls.crt"], undefined, "ExternalSecret/edge/from-vault", 22],
  ]);
  assert.equal(model.providers.size, 3);
});

test("providers reader: kustomize secretGenerator, the caller's external Secrets and the Istio integration's istio-certs", () => {
  const model = modelOf(
    {
      "edge/kustomization.yaml": `namespace: edge
secretGenerator:
  - name: generated
    files: [certs/tls.crt, tls.key=keys/k.pem]
    literals: [mode=strict]
`,
      "emissary.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: emissary, namespace: ambassador}
spec:
  template:
    spec:
      containers:
        - name: ambassador
          image: docker.io/emissaryingress/emissary:3.9.1
          env:
            - {name: AMBASSADOR_ISTIO_SECRET_DIR, value: /etc/istio-certs}
            - name: AMBASSADOR_NAMESPACE
              valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
`,
    },
    { externalSecrets: ["vault/ext-cert", "no-slash"] },
  );
  const row = (key: string) => model.providers.get(key)?.map((p) => [p.kind, p.keys, p.location?.line ?? null]);
  assert.deepEqual(row("edge/generated"), [["kustomize-secret-generator", ["tls.crt", "tls.key", "mode"], 3]]);
  assert.deepEqual(row("vault/ext-cert"), [["policy", ["tls.crt", "tls.key"], null]]);
  // Emissary writes istio-certs into its own namespace, here its pod's namespace
  // (AMBASSADOR_NAMESPACE from the fieldRef); without that variable Emissary's entrypoint uses `default`.
  assert.deepEqual(row("ambassador/istio-certs"), [["istio", ["tls.crt", "tls.key"], null]]);
  assert.equal(model.providers.has("default/no-slash"), false);
});
