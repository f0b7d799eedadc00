import { ruleTester } from "../helpers/rule-tester.js";
import { EDGE, editedBase, handshakeTree, LINES, PAYMENTS, withSecretKey } from "../helpers/handshake-fixtures.js";

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
        withSecretKey(t, "payments-client-ca", "ca.crt", ["rotated-client-ca"]).replace(/ +- --client-ca-file=.*\n/, ""),
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
