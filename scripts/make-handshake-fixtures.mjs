#!/usr/bin/env node
// Generates the handshake fixtures in test/fixtures/handshake/ (issue 20): a small PKI and the GitOps trees that use it.
//
// Run once and commit the output; the tests read the committed files and never run this script. Keys are fresh on every
// run (node:crypto), certificates are signed with node-forge. Dates are fixed so that tests inject a clock (--now):
//   good certificates: 2025-01-01 .. 2049-12-31 (UTCTime's last year)
//   expired:           2020-01-01 .. 2021-01-01
//   short-lived:       2025-01-01 .. 2026-06-20 (expires within 30 days of the tests' 2026-06-01 clock)
//
// Usage: node scripts/make-handshake-fixtures.mjs [output-dir]   (default: test/fixtures/handshake)
import { Buffer } from "node:buffer";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import forge from "node-forge";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = resolve(process.argv[2] ?? join(root, "test/fixtures/handshake"));
const GOOD = [new Date("2025-01-01T00:00:00Z"), new Date("2049-12-31T23:59:59Z")];
const EXPIRED = [new Date("2020-01-01T00:00:00Z"), new Date("2021-01-01T00:00:00Z")];
const SHORT = [new Date("2025-01-01T00:00:00Z"), new Date("2026-06-20T00:00:00Z")];

let serial = 0x2000;

function newKey() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const key = forge.pki.privateKeyFromPem(pem);
  return { pem, key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

/**
 * One certificate. `issuer` is another result of `issue` (undefined: self-signed). `kind`: "ca" (cA, keyCertSign),
 * "server" (serverAuth), "client" (clientAuth), "client-server-eku" (a client certificate with serverAuth only),
 * "server-client-eku" (a server certificate with clientAuth only).
 */
function issue(cn, kind, { issuer, sans = [], dates = GOOD, pathLength } = {}) {
  const own = newKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = own.publicKey;
  cert.serialNumber = (serial++).toString(16).padStart(4, "0");
  cert.validity.notBefore = dates[0];
  cert.validity.notAfter = dates[1];
  const subject = [
    { name: "organizationName", value: "mtls-gate handshake fixtures" },
    { name: "commonName", value: cn },
  ];
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);
  const ca = kind === "ca";
  const eku = {
    server: ["serverAuth"],
    client: ["clientAuth"],
    "client-server-eku": ["serverAuth"],
    "server-client-eku": ["clientAuth"],
  }[kind];
  const extensions = [
    {
      name: "basicConstraints",
      cA: ca,
      critical: true,
      ...(ca && pathLength !== undefined ? { pathLenConstraint: pathLength } : {}),
    },
    ca
      ? { name: "keyUsage", critical: true, keyCertSign: true, cRLSign: true }
      : { name: "keyUsage", critical: true, digitalSignature: true, keyEncipherment: true },
    { name: "subjectKeyIdentifier" },
  ];
  if (eku) extensions.push({ name: "extKeyUsage", ...Object.fromEntries(eku.map((usage) => [usage, true])) });
  if (sans.length > 0) extensions.push({ name: "subjectAltName", altNames: sans.map((value) => ({ type: 2, value })) });
  if (issuer)
    extensions.push({
      name: "authorityKeyIdentifier",
      keyIdentifier: issuer.cert.generateSubjectKeyIdentifier().getBytes(),
    });
  cert.setExtensions(extensions);
  cert.sign(issuer ? issuer.key : own.key, forge.md.sha256.create());
  return { cert, key: own.key, keyPem: own.pem, pem: forge.pki.certificateToPem(cert) };
}

// --- The PKI ---------------------------------------------------------------------------------------------------------
const rootCa = issue("Handshake Root CA", "ca");
const intermediate = issue("Handshake Intermediate CA", "ca", { issuer: rootCa, pathLength: 0 });
const rotatedCa = issue("Handshake Rotated CA", "ca");
const clientCa = issue("Handshake Client CA", "ca");
const rotatedClientCa = issue("Handshake Rotated Client CA", "ca");

const paymentsNames = ["payments", "payments.payments", "payments.payments.svc", "payments.payments.svc.cluster.local"];
const ordersNames = ["orders", "orders.payments", "orders.payments.svc", "orders.payments.svc.cluster.local"];
const certs = {
  "root-ca": rootCa,
  "intermediate-ca": intermediate,
  "rotated-ca": rotatedCa,
  "client-ca": clientCa,
  "rotated-client-ca": rotatedClientCa,
  // The upstream's server certificate, issued by the intermediate: its chain is served with the intermediate.
  "payments-server": issue("payments.payments", "server", { issuer: intermediate, sans: paymentsNames }),
  // The same names, reissued by a new CA the route's ca_secret does not hold: the classic rotation outage.
  "payments-server-rotated": issue("payments.payments", "server", { issuer: rotatedCa, sans: paymentsNames }),
  // Issued by the right CA, but for clients only: Envoy (as an SSL client) refuses it.
  "payments-server-client-eku": issue("payments.payments", "server-client-eku", {
    issuer: intermediate,
    sans: paymentsNames,
  }),
  // Issued by the right CA, but for another name: Emissary checks no names, so the handshake still succeeds.
  "payments-server-wrong-san": issue("legacy.example.com", "server", {
    issuer: intermediate,
    sans: ["legacy.example.com"],
  }),
  "payments-server-expired": issue("payments.payments", "server", {
    issuer: intermediate,
    sans: paymentsNames,
    dates: EXPIRED,
  }),
  "payments-server-short": issue("payments.payments", "server", {
    issuer: intermediate,
    sans: paymentsNames,
    dates: SHORT,
  }),
  // Another service the same CA issued for: it could answer as payments.
  "orders-server": issue("orders.payments", "server", { issuer: intermediate, sans: ordersNames }),
  "edge-client": issue("edge.emissary", "client", { issuer: clientCa, sans: ["edge.emissary"] }),
  "edge-client-rotated": issue("edge.emissary", "client", { issuer: rotatedClientCa, sans: ["edge.emissary"] }),
  "edge-client-server-eku": issue("edge.emissary", "client-server-eku", { issuer: clientCa, sans: ["edge.emissary"] }),
};

mkdirSync(join(out, "pki"), { recursive: true });
for (const [name, { pem, keyPem }] of Object.entries(certs)) {
  writeFileSync(join(out, "pki", `${name}.crt`), pem);
  writeFileSync(join(out, "pki", `${name}.key`), keyPem);
}

// --- The GitOps trees ------------------------------------------------------------------------------------------------
const b64 = (...parts) => Buffer.from(parts.join("")).toString("base64");

function secret(name, namespace, data, type = "kubernetes.io/tls") {
  const lines = Object.entries(data).map(([key, value]) => `  ${key}: ${value}`);
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ntype: ${type}\ndata:\n${lines.join("\n")}\n`;
}

/** A cert-manager Certificate that writes Secret `secretName`, signed by `issuer` (kind Issuer or ClusterIssuer). */
function certificate(name, namespace, secretName, issuerKind, issuerName, dnsNames, usages = []) {
  return `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  secretName: ${secretName}
  dnsNames:
${dnsNames.map((n) => `    - ${n}`).join("\n")}
${usages.length > 0 ? `  usages:\n${usages.map((u) => `    - ${u}`).join("\n")}\n` : ""}  issuerRef:
    kind: ${issuerKind}
    name: ${issuerName}
`;
}

/** A CA issuer and its key pair Secret (`chain`: the CA first, then its issuers), as cert-manager's docs set one up. */
function caIssuer(kind, name, namespace, secretName, chain) {
  const metadata = kind === "ClusterIssuer" ? `  name: ${name}\n` : `  name: ${name}\n  namespace: ${namespace}\n`;
  return [
    `apiVersion: cert-manager.io/v1\nkind: ${kind}\nmetadata:\n${metadata}spec:\n  ca:\n    secretName: ${secretName}\n`,
    secret(secretName, namespace, {
      "tls.crt": b64(...chain.map((c) => certs[c].pem)),
      "tls.key": b64(certs[chain[0]].keyPem),
    }),
  ].join("---\n");
}

/**
 * Emissary's side: the client certificate it presents, the CA it verifies the upstream with, the route. With
 * `clientFromCertManager`, the client Secret is not in Git: a Certificate signed by the ClusterIssuer `client-ca` writes it.
 */
function edge(client, clientFromCertManager = false) {
  return [
    clientFromCertManager
      ? certificate(
          "payments-client",
          "edge",
          "payments-client",
          "ClusterIssuer",
          "client-ca",
          ["edge.emissary"],
          ["digital signature", "key encipherment", "client auth"],
        )
      : secret("payments-client", "edge", { "tls.crt": b64(certs[client].pem), "tls.key": b64(certs[client].keyPem) }),
    secret("payments-ca", "edge", { "tls.crt": b64(rootCa.pem) }, "Opaque"),
    `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: payments-upstream
  namespace: edge
spec:
  secret: payments-client
  ca_secret: payments-ca
`,
    `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: payments
  namespace: edge
spec:
  prefix: /payments/
  service: https://payments.payments:8443
  tls: payments-upstream
`,
  ].join("---\n");
}

/**
 * The upstream's side, as public charts write it: a Service selecting a Deployment that mounts its key pair as a secret
 * volume and the client CA through a projected volume, and names both files in its arguments.
 */
function payments(server, trustedClientCa, serverFromCertManager = false) {
  return [
    `apiVersion: v1
kind: Service
metadata:
  name: payments
  namespace: payments
spec:
  selector:
    app.kubernetes.io/name: payments
  ports:
    - name: https
      port: 8443
`,
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments
  namespace: payments
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: payments
  template:
    metadata:
      labels:
        app.kubernetes.io/name: payments
    spec:
      containers:
        - name: server
          image: ghcr.io/example/payments:1.4.2
          args:
            - --tls-cert-file=/etc/payments/tls/tls.crt
            - --tls-private-key-file=/etc/payments/tls/tls.key
            - --client-ca-file=/etc/payments/client-ca/ca.crt
          volumeMounts:
            - name: tls
              mountPath: /etc/payments/tls
              readOnly: true
            - name: client-ca
              mountPath: /etc/payments/client-ca
              readOnly: true
      volumes:
        - name: tls
          secret:
            secretName: payments-tls
        - name: client-ca
          projected:
            sources:
              - secret:
                  name: payments-client-ca
                  items:
                    - key: ca.crt
                      path: ca.crt
`,
    serverFromCertManager
      ? certificate("payments", "payments", "payments-tls", "Issuer", "internal-ca", paymentsNames)
      : secret("payments-tls", "payments", {
          "tls.crt": b64(certs[server].pem, intermediate.pem),
          "tls.key": b64(certs[server].keyPem),
        }),
    ...(trustedClientCa
      ? [secret("payments-client-ca", "payments", { "ca.crt": b64(certs[trustedClientCa].pem) }, "Opaque")]
      : []),
  ].join("---\n");
}

/** A second upstream the same intermediate issued for, mounted the cert-manager way (tls.crt, tls.key, ca.crt). */
function orders() {
  return [
    `apiVersion: v1
kind: Service
metadata:
  name: orders
  namespace: payments
spec:
  selector:
    app: orders
  ports:
    - port: 443
`,
    `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: orders
  namespace: payments
spec:
  serviceName: orders
  selector:
    matchLabels:
      app: orders
  template:
    metadata:
      labels:
        app: orders
    spec:
      containers:
        - name: orders
          image: ghcr.io/example/orders:2.0.0
          volumeMounts:
            - name: certs
              mountPath: /certs
      volumes:
        - name: certs
          secret:
            secretName: orders-tls
`,
    secret("orders-tls", "payments", {
      "tls.crt": b64(certs["orders-server"].pem, intermediate.pem),
      "tls.key": b64(certs["orders-server"].keyPem),
      "ca.crt": b64(rootCa.pem),
    }),
  ].join("---\n");
}

const trees = {
  // Every check passes: the server chain reaches the root through the served intermediate, the client CA is the one
  // that issued Emissary's client certificate.
  base: {
    "edge/payments.yaml": edge("edge-client"),
    "payments/payments.yaml": payments("payments-server", "client-ca"),
  },
  // Only the upstream's Secret changed: its server certificate now comes from a CA the route does not trust.
  "rotated-server": {
    "edge/payments.yaml": edge("edge-client"),
    "payments/payments.yaml": payments("payments-server-rotated", "client-ca"),
  },
  // Only the upstream's client CA changed: it no longer trusts the client certificate Emissary presents.
  "rotated-client-ca": {
    "edge/payments.yaml": edge("edge-client"),
    "payments/payments.yaml": payments("payments-server", "rotated-client-ca"),
  },
  // The route's CA issued for another service too, and the payments certificate names another host.
  "shared-ca": {
    "edge/payments.yaml": edge("edge-client"),
    "payments/payments.yaml": payments("payments-server-wrong-san", "client-ca"),
    "payments/orders.yaml": orders(),
  },
  // cert-manager writes both certificates: the upstream's from the Issuer payments/internal-ca (the intermediate, whose
  // key pair Secret is in Git), Emissary's client certificate from the ClusterIssuer client-ca. Both directions verify.
  "cert-manager": certManagerTree("payments/internal-ca", ["intermediate-ca", "root-ca"]),
  // Only the Issuer's CA Secret changed: the CA was rotated to one the route's ca_secret does not hold.
  "cert-manager-rotated": certManagerTree("payments/internal-ca", ["rotated-ca"]),
  // The Issuer is an ACME issuer: its CA is not in Git, so the handshake is unknown.
  "cert-manager-acme": certManagerTree("acme", []),
};

function certManagerTree(issuer, chain) {
  return {
    "edge/payments.yaml": edge("edge-client", true),
    "payments/payments.yaml": payments(undefined, undefined, true),
    "payments/client-ca.yaml": secret(
      "payments-client-ca",
      "payments",
      { "ca.crt": b64(certs["client-ca"].pem) },
      "Opaque",
    ),
    "payments/issuer.yaml":
      issuer === "acme"
        ? `apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: internal-ca
  namespace: payments
spec:
  acme:
    server: https://acme.example.com/directory
    privateKeySecretRef:
      name: internal-ca-account
    solvers:
      - http01:
          ingress:
            ingressClassName: ambassador
`
        : caIssuer("Issuer", "internal-ca", "payments", "internal-ca-key-pair", chain),
    "cert-manager/client-issuer.yaml": caIssuer("ClusterIssuer", "client-ca", "cert-manager", "client-ca-key-pair", [
      "client-ca",
    ]),
  };
}
for (const [tree, files] of Object.entries(trees)) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(out, tree, path)), { recursive: true });
    writeFileSync(
      join(out, tree, path),
      `# Generated by scripts/make-handshake-fixtures.mjs; do not edit by hand.\n${text}`,
    );
  }
}
process.stdout.write(
  `wrote ${Object.keys(certs).length} certificates and ${Object.keys(trees).length} trees to ${out}\n`,
);
