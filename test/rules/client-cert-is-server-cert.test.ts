import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";
import { ruleTester } from "../helpers/rule-tester.js";
import { clientSecret, docs, host, originating, secretYaml } from "../helpers/cert-fixtures.js";

/** No fixture carries both serverAuth and clientAuth: make one (self-signed, RSA 2048, SAN api.example.com). */
function dualUseSecret(name: string): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = "0a";
  cert.validity.notBefore = new Date("2025-01-01T00:00:00Z");
  cert.validity.notAfter = new Date("2049-12-31T00:00:00Z");
  const subject = [{ name: "commonName", value: "api.example.com" }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    { name: "subjectAltName", altNames: [{ type: 2, value: "api.example.com" }] },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  return secretYaml(name, { "tls.crt": b64(forge.pki.certificateToPem(cert)), "tls.key": b64(keyPem) });
}

/** Service billing (selector app: billing) and a Deployment whose pods carry `labels` and mount Secret `mounted`. */
const billingUpstream = (mounted: string, labels = "{app: billing}") => `apiVersion: v1
kind: Service
metadata: {name: billing, namespace: default}
spec:
  selector: {app: billing}
  ports: [{port: 8443}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: billing, namespace: default}
spec:
  selector: {matchLabels: ${labels}}
  template:
    metadata: {labels: ${labels}}
    spec:
      containers: [{name: billing, image: billing:1.0, volumeMounts: [{name: tls, mountPath: /etc/tls}]}]
      volumes:
        - name: tls
          secret: {secretName: ${mounted}}
`;

/** A TLSContext `upstream` with Secret `secret` and a Mapping to Service billing using it. */
const toBilling = (secret: string) => `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: upstream, namespace: default}
spec: {secret: ${secret}}
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: billing, namespace: default}
spec: {prefix: /billing/, service: "billing:8443", tls: upstream}
`;

/** A StatefulSet whose pods mount `secret` through a projected volume (its name on line 15). */
const projectedStatefulSet = (secret: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: billing-db, namespace: default}
spec:
  serviceName: billing
  selector: {matchLabels: {app: billing}}
  template:
    metadata: {labels: {app: billing, tier: db}}
    spec:
      containers: [{name: db, image: db:1.0}]
      volumes:
        - name: certs
          projected:
            sources:
              - secret: {name: ${secret}}
`;

const certManagerCertificate = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: billing, namespace: default}
spec:
  secretName: billing-tls
  dnsNames: [billing.default.svc]
  issuerRef: {name: internal-ca, kind: ClusterIssuer}
`;

ruleTester("client-cert-is-server-cert", [
  {
    name: "clean: a dedicated client certificate; the Host's Secret used by no origination context",
    files: {
      "s.yaml": docs(clientSecret("client", "ec-p256.crt", "ec-p256.key"), clientSecret("server", "eku-server-only.crt", "ec-p256.key")),
      "c.yaml": docs(originating({ secret: "client" }), host("h", "client.example.com", "server")),
    },
    expect: [],
  },
  {
    // passes: the upstream mounts its own server certificate; the gateway presents a dedicated one
    name: "clean: the upstream's workload mounts another Secret",
    files: {
      "s.yaml": docs(clientSecret("gateway-client", "ec-p256.crt", "ec-p256.key"), clientSecret("billing-tls", "rsa2048.crt", "rsa2048.key")),
      "c.yaml": toBilling("gateway-client"),
      "billing.yaml": billingUpstream("billing-tls"),
    },
    expect: [],
  },
  {
    // passes: a Deployment mounts the Secret, but the routed Service does not select its pods
    name: "clean: the workload mounting the Secret is not behind the routed Service",
    files: { "s.yaml": clientSecret("billing-tls", "ec-p256.crt", "ec-p256.key"), "c.yaml": toBilling("billing-tls"), "billing.yaml": billingUpstream("billing-tls", "{app: reports}") },
    expect: [],
  },
  {
    // fails: the gateway presents billing's own key pair (the Secret its Deployment mounts) back to billing
    name: "the upstream's own key pair, mounted by the Deployment behind the routed Service",
    files: { "s.yaml": clientSecret("billing-tls", "ec-p256.crt", "ec-p256.key"), "c.yaml": toBilling("billing-tls"), "billing.yaml": billingUpstream("billing-tls") },
    expect: [
      {
        file: "s.yaml",
        line: 8,
        severity: "warning",
        resource: "Secret/default/billing-tls",
        data: { problem: "upstream-key-pair", workload: "Deployment default/billing", service: "default/billing", mapping: "default/billing", contexts: "upstream" },
      },
    ],
  },
  {
    // fails: the Secret comes from cert-manager (reported where it is provided) and reaches the pods as a projected volume
    name: "a provided Secret mounted through a projected volume of a StatefulSet",
    files: {
      "certificate.yaml": certManagerCertificate,
      "c.yaml": toBilling("billing-tls"),
      "billing.yaml": billingUpstream("other").split("---\n")[0] ?? "",
      "db.yaml": projectedStatefulSet("billing-tls"),
    },
    expect: [{ file: "certificate.yaml", line: 5, severity: "warning", resource: "Certificate/default/billing", data: { problem: "upstream-key-pair", workload: "StatefulSet default/billing-db" } }],
  },
  {
    name: "the Host's tlsSecret reused as the client certificate",
    files: { "s.yaml": clientSecret("edge", "ec-p256.crt", "ec-p256.key"), "c.yaml": docs(originating({ secret: "edge" }), host("h", "client.example.com", "edge")) },
    expect: [{ line: 8, severity: "warning", resource: "Secret/default/edge", data: { problem: "host-secret", host: "default/h", hostname: "client.example.com", contexts: "upstream" } }],
  },
  {
    name: "a serverAuth+clientAuth certificate for the Host's hostname, in another Secret",
    files: {
      "s.yaml": dualUseSecret("client"),
      "c.yaml": docs(originating({ secret: "client" }), host("h", "api.example.com", "server"), clientSecret("server", "ec-p256.crt", "ec-p256.key")),
    },
    expect: [{ line: 8, severity: "warning", resource: "Secret/default/client", data: { problem: "public-identity", hostname: "api.example.com" } }],
  },
]);
