import { ruleTester } from "../helpers/rule-tester.js";
import { CM, EDGE, editedBase, handshakeTree, LINES, PAYMENTS, withSecretKey } from "../helpers/handshake-fixtures.js";

/** The cert-manager tree with the upstream's Certificate asking for these usages. */
const serverUsages = (...usages: string[]) =>
  editedBase(
    {
      [PAYMENTS]: (t) =>
        t.replace(
          "  issuerRef:\n    kind: Issuer",
          `  usages:\n${usages.map((u) => `    - ${u}\n`).join("")}  issuerRef:\n    kind: Issuer`,
        ),
    },
    "cert-manager",
  );

/** The route's ca_secret written by cert-manager from a Certificate signed by `issuer` (kind ClusterIssuer). */
const routeCaFromCertManager = (issuer: string) =>
  editedBase(
    {
      [EDGE]: (t) =>
        t.replace(
          /apiVersion: v1\nkind: Secret\nmetadata:\n {2}name: payments-ca\n[\s\S]*?\n---\n/,
          `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: payments-ca\n  namespace: edge\nspec:\n  secretName: payments-ca\n  dnsNames:\n    - edge.emissary\n  issuerRef:\n    kind: ClusterIssuer\n    name: ${issuer}\n---\n`,
        ),
    },
    "cert-manager",
  );

const server = (...certs: string[]) => ({
  [PAYMENTS]: (t: string) => withSecretKey(t, "payments-tls", "tls.crt", certs),
});

ruleTester("handshake-server-untrusted", [
  {
    name: "clean: the server chain reaches the route's root through the intermediate the upstream serves",
    files: handshakeTree("base"),
    expect: [],
  },
  {
    name: "clean: the intermediate is in the route's ca_secret instead of the upstream's chain",
    files: editedBase({
      ...server("payments-server"),
      [EDGE]: (t) => withSecretKey(t, "payments-ca", "tls.crt", ["intermediate-ca", "root-ca"]),
    }),
    expect: [],
  },
  {
    name: "the upstream's certificate was reissued by a CA the route does not trust (only the upstream's Secret changed)",
    files: handshakeTree("rotated-server"),
    expect: [
      {
        file: EDGE,
        line: LINES.caSecret,
        severity: "error",
        resource: "TLSContext/edge/payments-upstream",
        data: {
          mapping: "edge/payments",
          upstream: "payments.payments:8443",
          failure: "untrusted",
          prefix: "/payments/",
          serverSecret: "payments/payments-tls",
          serverFile: PAYMENTS,
          serverLine: LINES.serverCrt,
        },
      },
    ],
  },
  {
    name: "the upstream serves its leaf without the intermediate the route's CA needs",
    files: editedBase(server("payments-server")),
    expect: [{ file: EDGE, line: LINES.caSecret, severity: "error", data: { failure: "untrusted" } }],
  },
  {
    name: "the upstream's certificate expired",
    files: editedBase(server("payments-server-expired", "intermediate-ca")),
    expect: [{ file: EDGE, line: LINES.caSecret, severity: "error", data: { failure: "expired" } }],
  },
  {
    name: "the upstream's certificate is for clients only (extendedKeyUsage clientAuth)",
    files: editedBase(server("payments-server-client-eku", "intermediate-ca")),
    expect: [{ file: EDGE, line: LINES.caSecret, severity: "error", data: { failure: "wrong-purpose" } }],
  },
  {
    name: "clean: a name the certificate does not cover is no handshake failure (Emissary matches no names)",
    files: editedBase(server("payments-server-wrong-san", "intermediate-ca")),
    expect: [],
  },
  {
    name: "clean (cert-manager): the Issuer's CA (the intermediate, in Git with its root) chains to the route's root",
    files: handshakeTree("cert-manager"),
    expect: [],
  },
  {
    name: "cert-manager: only the Issuer's CA Secret changed, rotated to a CA the route does not trust",
    files: handshakeTree("cert-manager-rotated"),
    expect: [
      {
        file: EDGE,
        line: CM.lines.caSecret,
        severity: "error",
        resource: "TLSContext/edge/payments-upstream",
        data: {
          mapping: "edge/payments",
          failure: "untrusted",
          prefix: "/payments/",
          serverSecret: `payments/payments-tls (written by cert-manager Certificate payments/payments, Issuer payments/internal-ca with the CA in Secret payments/internal-ca-key-pair at ${CM.issuer}:${CM.lines.issuerCaCrt})`,
          serverFile: PAYMENTS,
          serverLine: CM.lines.serverCertificate,
        },
      },
    ],
  },
  {
    name: "clean (cert-manager, unknown): the Issuer is an ACME issuer, so its CA is not in Git and nothing is reported",
    files: handshakeTree("cert-manager-acme"),
    expect: [],
  },
  {
    name: "cert-manager: the upstream's Certificate asks for client auth only (extendedKeyUsage without serverAuth)",
    files: serverUsages("digital signature", "key encipherment", "client auth"),
    expect: [{ file: EDGE, line: CM.lines.caSecret, severity: "error", data: { failure: "wrong-purpose" } }],
  },
  {
    name: "clean (cert-manager): usages with server auth",
    files: serverUsages("digital signature", "key encipherment", "server auth"),
    expect: [],
  },
  {
    name: "cert-manager: the Issuer's CA Secret holds a leaf, not a CA (no basicConstraints cA)",
    files: editedBase(
      {
        [CM.issuer]: (t) =>
          withSecretKey(t, "internal-ca-key-pair", "tls.crt", ["payments-server", "intermediate-ca", "root-ca"]),
      },
      "cert-manager",
    ),
    expect: [{ file: EDGE, line: CM.lines.caSecret, severity: "error", data: { failure: "not-a-ca" } }],
  },
  {
    name: "cert-manager: the route's ca_secret is written by cert-manager from another CA (the client CA's ClusterIssuer)",
    files: routeCaFromCertManager("client-ca"),
    // The Certificate is four lines longer than the Secret it replaces: ca_secret moves down by four.
    expect: [{ file: EDGE, line: CM.lines.caSecret + 4, severity: "error", data: { failure: "untrusted" } }],
  },
  {
    name: "clean (cert-manager, unknown CA): the route's ca_secret comes from a ClusterIssuer not in the repository",
    files: routeCaFromCertManager("vault-ca"),
    expect: [],
  },
  {
    name: "clean (unknown upstream): the Mapping's Service is not in the repository, so nothing is reported",
    files: {
      ...handshakeTree("rotated-server"),
      [EDGE]: (handshakeTree("rotated-server")[EDGE] ?? "").replace(
        "https://payments.payments:8443",
        "https://billing.payments:8443",
      ),
    },
    expect: [],
  },
]);
