import { ruleTester } from "../helpers/rule-tester.js";
import { CM, EDGE, handshakeTree, LINES } from "../helpers/handshake-fixtures.js";

/** A second upstream whose certificate cert-manager writes from the same Issuer as payments'. */
const ORDERS = `apiVersion: v1
kind: Service
metadata:
  name: orders
  namespace: payments
spec:
  selector:
    app: orders
  ports:
    - port: 443
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  namespace: payments
spec:
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
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: orders
  namespace: payments
spec:
  secretName: orders-tls
  dnsNames:
    - orders.payments
  issuerRef:
    name: internal-ca
`;

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
  {
    name: "clean (cert-manager): the Issuer signs only the payments upstream's certificate",
    files: handshakeTree("cert-manager"),
    expect: [],
  },
  {
    name: "cert-manager: the same Issuer also signs the orders upstream's certificate, so orders could answer as payments",
    files: { ...handshakeTree("cert-manager"), "payments/orders.yaml": ORDERS },
    expect: [
      {
        file: EDGE,
        line: CM.lines.caSecret,
        severity: "warning",
        data: {
          name: "payments.payments",
          nameCovered: true,
          others: "Service payments/orders (Secret orders-tls, payments/orders.yaml:43)",
        },
      },
    ],
  },
]);
