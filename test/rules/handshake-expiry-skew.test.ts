import { ruleTester } from "../helpers/rule-tester.js";
import { EDGE, editedBase, handshakeTree, LINES, PAYMENTS, withSecretKey } from "../helpers/handshake-fixtures.js";

ruleTester("handshake-expiry-skew", [
  { name: "clean: both halves run to 2049", files: handshakeTree("base"), expect: [] },
  {
    name: "the upstream's server certificate expires in 19 days, Emissary's client certificate was renewed",
    files: editedBase({
      [PAYMENTS]: (t) => withSecretKey(t, "payments-tls", "tls.crt", ["payments-server-short", "intermediate-ca"]),
    }),
    expect: [
      {
        file: EDGE,
        line: LINES.caSecret,
        severity: "warning",
        data: { mapping: "edge/payments", pairKind: "server-client", notAfter: "2026-06-20", days: 19 },
      },
    ],
  },
  {
    name: "clean: an expired certificate is a handshake failure, not a skew",
    files: editedBase({
      [PAYMENTS]: (t) => withSecretKey(t, "payments-tls", "tls.crt", ["payments-server-expired", "intermediate-ca"]),
    }),
    expect: [],
  },
]);
