import { ruleTester } from "../helpers/rule-tester.js";
import {
  CM,
  CONFIGMAP_CA_LINE,
  EDGE,
  editedBase,
  handshakeTree,
  LINES,
  PAYMENTS,
  withClientCaConfigMap,
  withSecretKey,
} from "../helpers/handshake-fixtures.js";

/** The cert-manager tree where the upstream's client CA Secret is written by cert-manager, signed by `kind name`. */
const clientCaFromCertManager = (kind: string, name: string) =>
  editedBase(
    {
      [CM.clientCa]: () =>
        `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: payments-client-ca\n  namespace: payments\nspec:\n  secretName: payments-client-ca\n  dnsNames:\n    - payments.payments\n  issuerRef:\n    kind: ${kind}\n    name: ${name}\n`,
    },
    "cert-manager",
  );

ruleTester("handshake-client-untrusted", [
  {
    name: "clean: the upstream's client CA issued Emissary's client certificate",
    files: handshakeTree("base"),
    expect: [],
  },
  {
    name: "the upstream trusts only a rotated client CA (only its Secret changed)",
    files: handshakeTree("rotated-client-ca"),
    expect: [
      {
        file: EDGE,
        line: LINES.secret,
        severity: "error",
        resource: "TLSContext/edge/payments-upstream",
        data: {
          mapping: "edge/payments",
          failure: "untrusted",
          clientCaSecret: "payments/payments-client-ca",
          clientCaFile: PAYMENTS,
          clientCaLine: LINES.clientCaCrt,
          workload: "Deployment payments/payments",
        },
      },
    ],
  },
  {
    name: "Emissary's client certificate has serverAuth only",
    files: editedBase({ [EDGE]: (t) => withSecretKey(t, "payments-client", "tls.crt", ["edge-client-server-eku"]) }),
    expect: [{ file: EDGE, line: LINES.secret, severity: "error", data: { failure: "wrong-purpose" } }],
  },
  {
    name: "clean (cert-manager): Emissary's client certificate will be issued by the ClusterIssuer client-ca the upstream trusts",
    files: handshakeTree("cert-manager"),
    expect: [],
  },
  {
    name: "cert-manager: the upstream's client CA is the ca.crt of a Secret cert-manager writes from the Issuer internal-ca (the root, not the client CA)",
    files: clientCaFromCertManager("Issuer", "internal-ca"),
    expect: [
      {
        file: EDGE,
        line: CM.lines.secret,
        severity: "error",
        data: {
          failure: "untrusted",
          clientCaFile: CM.clientCa,
          clientCaLine: 7,
          clientSecret: `edge/payments-client (written by cert-manager Certificate edge/payments-client, ClusterIssuer client-ca with the CA in Secret cert-manager/client-ca-key-pair at ${CM.clientIssuer}:17)`,
        },
      },
    ],
  },
  {
    name: "clean (cert-manager): the upstream's client CA is the ca.crt of a Secret the ClusterIssuer client-ca writes",
    files: clientCaFromCertManager("ClusterIssuer", "client-ca"),
    expect: [],
  },
  {
    name: "cert-manager: Emissary's client Certificate asks for server auth only",
    files: editedBase({ [EDGE]: (t) => t.replace("    - client auth\n", "    - server auth\n") }, "cert-manager"),
    expect: [{ file: EDGE, line: CM.lines.secret, severity: "error", data: { failure: "wrong-purpose" } }],
  },
  {
    name: "clean (ConfigMap): the client CA bundle is a ConfigMap the Deployment projects, holding the client CA",
    files: editedBase({ [PAYMENTS]: (t) => withClientCaConfigMap(t, ["client-ca"]) }),
    expect: [],
  },
  {
    name: "ConfigMap: the client CA bundle ConfigMap holds only the rotated client CA",
    files: editedBase({ [PAYMENTS]: (t) => withClientCaConfigMap(t, ["rotated-client-ca"]) }),
    expect: [
      {
        file: EDGE,
        line: LINES.secret,
        severity: "error",
        data: {
          failure: "untrusted",
          clientCaSecret: "payments/payments-client-ca (a ConfigMap)",
          clientCaFile: PAYMENTS,
          clientCaLine: CONFIGMAP_CA_LINE,
        },
      },
    ],
  },
  {
    name: "clean (ConfigMap, unknown): the client CA ConfigMap is not in the files (a trust-manager Bundle writes it)",
    files: editedBase({ [PAYMENTS]: (t) => withClientCaConfigMap(t, []) }),
    expect: [],
  },
  {
    name: "clean: both client CAs during a rotation",
    files: editedBase({
      [PAYMENTS]: (t) => withSecretKey(t, "payments-client-ca", "ca.crt", ["client-ca", "rotated-client-ca"]),
    }),
    expect: [],
  },
  {
    // cert-manager writes a ca.crt (the server certificate's issuer) into every Secret: mounted, it does not say the
    // upstream asks for client certificates, so a guess must not block a merge.
    name: "clean (not simulated): the upstream mounts a ca.crt that would not verify, but names no client CA file",
    files: editedBase({
      [PAYMENTS]: (t) =>
        withSecretKey(t, "payments-client-ca", "ca.crt", ["rotated-client-ca"]).replace(
          / +- --client-ca-file=.*\n/,
          "",
        ),
    }),
    expect: [],
  },
  {
    name: "clean (not simulated): the upstream names no client CA and mounts none",
    files: editedBase({
      [PAYMENTS]: (t) =>
        withSecretKey(t, "payments-client-ca", "ca.crt", ["rotated-client-ca"])
          .replace(/ +- --client-ca-file=.*\n/, "")
          .replace("  ca.crt:", "  other.pem:"),
    }),
    expect: [],
  },
]);
