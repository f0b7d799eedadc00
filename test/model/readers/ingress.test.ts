import assert from "node:assert/strict";
import { test } from "node:test";
import { modelOf } from "../../helpers/model.js";

const ingressClass = (name: string, controller: string, extra = "") => `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: ${name}
  annotations: {${extra}}
spec: {controller: ${controller}}
`;
const ingress = (name: string, meta: string, spec: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: web
${meta}spec:
${spec}`;
const backend = "{service: {name: site, port: {number: 80}}}";

test("ingress reader: Emissary takes an Ingress by class name, by the class annotation, or through the default class", () => {
  const model = modelOf({
    "classes.yaml": [
      ingressClass(
        "ambassador",
        "getambassador.io/ingress-controller",
        '"ingressclass.kubernetes.io/is-default-class": "true"',
      ),
      ingressClass("nginx", "k8s.io/ingress-nginx"),
    ].join("---\n"),
    "ingresses.yaml": [
      ingress("by-name", "", `  ingressClassName: ambassador\n  defaultBackend: ${backend}\n`),
      ingress(
        "by-annotation",
        "  annotations: {kubernetes.io/ingress.class: ambassador}\n",
        `  defaultBackend: ${backend}\n`,
      ),
      ingress("by-default", "", `  defaultBackend: ${backend}\n`),
      ingress("nginx", "", `  ingressClassName: nginx\n  defaultBackend: ${backend}\n`),
      ingress(
        "other-id",
        "  annotations: {kubernetes.io/ingress.class: ambassador, getambassador.io/ambassador-id: blue}\n",
        `  defaultBackend: ${backend}\n`,
      ),
    ].join("---\n"),
  });
  assert.deepEqual(
    model.ingresses.map(({ ingress: i, claim }) => [i.name, claim]),
    [
      ["by-name", "class-name"],
      ["by-annotation", "class-annotation"],
      ["by-default", "default-class"],
    ],
  );
  assert.deepEqual(
    model.otherInstallations.map((r) => [r.id, r.ambassadorId]),
    [["Ingress/web/other-id", ["blue"]]],
  );
});

test("ingress reader: rules become Mappings (named ports looked up on the Service), spec.tls becomes Hosts with its Secret", () => {
  const model = modelOf({
    "site.yaml": `apiVersion: v1
kind: Service
metadata: {name: site, namespace: web}
spec: {ports: [{name: http, port: 8080}]}
---
${ingress(
  "site",
  "  annotations: {kubernetes.io/ingress.class: ambassador}\n",
  `  tls:
    - hosts: [www.example.com]
      secretName: site-cert
  rules:
    - host: www.example.com
      http:
        paths:
          - path: /shop
            pathType: Prefix
            backend: {service: {name: site, port: {name: http}}}
`,
)}`,
  });
  assert.deepEqual(
    model.mappings.map((m) => [m.name, m.prefix, m.service, m.hostname, m.fromIngress]),
    [["site-0-0", "/shop", "site.web:8080", "www.example.com", "web/site"]],
  );
  assert.deepEqual(
    model.hosts.map((h) => [h.name, h.hostname, h.tlsSecret]),
    [["site-0-0", "www.example.com", { name: "site-cert", namespace: undefined }]],
  );
});
