import { ruleTester } from "../helpers/rule-tester.js";
import { EDGE, handshakeTree, LINES } from "../helpers/handshake-fixtures.js";

ruleTester("upstream-identity-unchecked", [
  {
    name: "clean: the route's CA issued no other service's certificate in the repository",
    files: handshakeTree("base"),
    expect: [],
  },
  {
    name: "the route's CA also issued the orders StatefulSet's certificate, and the upstream's own names another host",
    files: handshakeTree("shared-ca"),
    expect: [
      {
        file: EDGE,
        line: LINES.caSecret,
        severity: "warning",
        resource: "TLSContext/edge/payments-upstream",
        data: {
          mapping: "edge/payments",
          name: "payments.payments",
          nameCovered: false,
          others: "Service payments/orders (Secret orders-tls, payments/orders.yaml:46)",
        },
      },
    ],
  },
]);
