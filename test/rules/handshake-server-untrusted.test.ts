import { ruleTester } from "../helpers/rule-tester.js";
import { EDGE, editedBase, handshakeTree, LINES, PAYMENTS, withSecretKey } from "../helpers/handshake-fixtures.js";

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
