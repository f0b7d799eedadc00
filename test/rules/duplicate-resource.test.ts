import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeFiles, ruleTester } from "../helpers/rule-tester.js";

/** Mapping `name` (its name on line 5) in `namespace`, routing to `service`. */
const mapping = (service: string, namespace = "default", name = "api", kind = "Mapping") => `# Mapping ${name}: metadata.name is on line 5
apiVersion: getambassador.io/v3alpha1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  prefix: /api/
  service: ${service}
`;

const secret = (crt: string) => `apiVersion: v1
kind: Secret
metadata:
  name: client-certs
  namespace: default
type: kubernetes.io/tls
stringData:
  tls.crt: ${crt}
  tls.key: key
`;

const context = (secretName: string) => `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: default
spec:
  secret: ${secretName}
`;

const annotation = `apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: default
  annotations:
    getambassador.io/config: |
      ---
      # fails: copy-pasted, the first definition (name on line 12) is replaced by the second
      apiVersion: ambassador/v1
      kind: Mapping
      name: backend
      prefix: /backend/
      service: backend:8080
      ---
      apiVersion: ambassador/v1
      kind: Mapping
      name: backend
      prefix: /backend/
      service: backend:9090
spec:
  ports: [{port: 8080}]
`;

/** Emissary's own Service carrying the TLS Module and a Mapping in its annotation (metadata.name on line 4). */
const tlsModuleService = `apiVersion: v1
kind: Service
metadata:
  name: ambassador
  namespace: default
  annotations:
    getambassador.io/config: |
      ---
      apiVersion: ambassador/v1
      kind: Module
      name: tls
      config:
        upstream:
          secret: client-certs
      ---
      apiVersion: ambassador/v1
      kind: Mapping
      name: billing
      prefix: /billing/
      service: billing
      tls: upstream
spec:
  selector: {app: ambassador}
  ports: [{port: 80, targetPort: 8080}]
`;

/** The same Service without the annotation, as a base manifest or a chart writes it (metadata.name on line 4). */
const plainService = `apiVersion: v1
kind: Service
metadata:
  name: ambassador
  namespace: default
spec:
  selector: {app: ambassador}
  ports: [{port: 80, targetPort: 8080}]
`;

ruleTester("duplicate-resource", [
  {
    // passes: same name in two namespaces: two objects
    name: "clean: same name, different namespaces",
    files: { "a.yaml": mapping("api"), "b.yaml": mapping("api", "staging") },
    expect: [],
  },
  {
    // passes: a Mapping and a TCPMapping are different kinds, hence different objects
    name: "clean: same name, different kinds",
    files: { "a.yaml": mapping("api"), "b.yaml": mapping("api:5432", "default", "api", "TCPMapping") },
    expect: [],
  },
  { name: "clean: different names", files: { "a.yaml": mapping("api"), "b.yaml": mapping("api", "default", "api-v2") }, expect: [] },
  {
    // fails: a/ is applied before b/, so b/'s definition wins and a/'s route disappears
    name: "same Mapping in two files: the one applied first is reported",
    files: { "b/mapping.yaml": mapping("api-v2"), "a/mapping.yaml": mapping("api-v1") },
    expect: [
      {
        file: "a/mapping.yaml",
        line: 5,
        column: 3,
        severity: "warning",
        resource: "Mapping/default/api",
        data: { resource: "Mapping default/api", winner: "b/mapping.yaml", identical: false, lost: "this definition's route disappears" },
      },
    ],
  },
  {
    // fails: kubectl apply -R walks directory entries by name, depth first: apps/ (sub/a.yaml, then z.yaml) comes
    // before apps-extra.yaml, although "apps-extra.yaml" < "apps/sub/a.yaml" as plain strings
    name: "kubectl apply -R order: a directory is walked where its name sorts",
    files: { "apps-extra.yaml": mapping("three"), "apps/z.yaml": mapping("two"), "apps/sub/a.yaml": mapping("one") },
    expect: [
      { file: "apps/sub/a.yaml", line: 5, severity: "warning", data: { winner: "apps-extra.yaml" } },
      { file: "apps/z.yaml", line: 5, severity: "warning", data: { winner: "apps-extra.yaml" } },
    ],
  },
  {
    // fails (notice only): the second document is the same object with the same spec
    name: "identical duplicate in one file",
    files: { "api.yaml": `${mapping("api")}---\n${mapping("api")}` },
    expect: [{ line: 5, column: 3, severity: "notice", data: { identical: true, winner: "api.yaml" } }],
  },
  {
    // fails: 1.yaml is identical to the winner (notice), 2.yaml differs (warning)
    name: "three definitions: each replaced one is reported",
    files: { "1.yaml": mapping("api"), "2.yaml": mapping("other"), "3.yaml": mapping("api") },
    expect: [
      { file: "1.yaml", line: 5, severity: "notice", data: { identical: true, winner: "3.yaml" } },
      { file: "2.yaml", line: 5, severity: "warning", data: { identical: false, winner: "3.yaml" } },
    ],
  },
  {
    // fails: without metadata.namespace the Mapping is in the policy's defaultNamespace (default): the same object
    name: "an omitted namespace is the default namespace",
    files: { "1.yaml": mapping("api").replace("  namespace: default\n", ""), "2.yaml": mapping("other") },
    expect: [{ file: "1.yaml", line: 5, severity: "warning", resource: "Mapping/default/api" }],
  },
  {
    name: "Secret defined twice: its keys are not what the cluster holds",
    files: { "secrets/a.yaml": secret("old"), "secrets/b.yaml": secret("new"), "context.yaml": context("client-certs") },
    expect: [
      {
        file: "secrets/a.yaml",
        line: 4,
        column: 3,
        severity: "warning",
        resource: "Secret/default/client-certs",
        data: { winner: "secrets/b.yaml", lost: "this definition's keys are not what the cluster holds" },
      },
    ],
  },
  {
    name: "TLSContext defined twice: its settings are lost",
    files: { "a.yaml": context("client-certs"), "b.yaml": context("other-certs") },
    expect: [{ file: "a.yaml", line: 4, severity: "warning", data: { lost: "this definition's settings are lost" } }],
  },
  {
    // passes: Emissary reads no annotation on either definition (the Service itself is outside its concern)
    name: "clean: a plain Service defined twice",
    files: { "a/svc.yaml": plainService, "b/svc.yaml": plainService.replace("port: 80,", "port: 81,") },
    expect: [],
  },
  {
    // fails: b/ is applied after a/ and has no annotation: the Service in the cluster has none, TLS Module included
    name: "a plain Service applied after the one carrying the TLS Module: the TLS settings are lost",
    files: { "a/ambassador-service.yaml": tlsModuleService, "b/ambassador-service.yaml": plainService, "secret.yaml": secret("x") },
    expect: [
      {
        file: "a/ambassador-service.yaml",
        line: 4,
        column: 3,
        severity: "warning",
        resource: "Service/default/ambassador",
        data: {
          resource: "Service default/ambassador",
          winner: "b/ambassador-service.yaml",
          identical: false,
          lost: "its getambassador.io/config annotation is not in the cluster, so Emissary loses the TLS Module (its TLS settings), Mapping default/billing (its route)",
        },
      },
    ],
  },
  {
    // fails softly: the annotated definition wins, so Emissary gets its resources; the plain one's settings are replaced
    name: "the annotated Service applied last: nothing of Emissary's is lost",
    files: { "a/svc.yaml": plainService.replace("port: 80,", "port: 8000,"), "b/svc.yaml": tlsModuleService },
    expect: [{ file: "a/svc.yaml", line: 4, severity: "warning", data: { winner: "b/svc.yaml", lost: "this definition's settings are lost" } }],
  },
  {
    // fails (notice only): the same annotated Service twice; reported once, on the Service, not per annotation document
    name: "an annotated Service defined twice, identically",
    files: { "base/svc.yaml": tlsModuleService, "overlay/svc.yaml": tlsModuleService },
    expect: [{ file: "base/svc.yaml", line: 4, severity: "notice", resource: "Service/default/ambassador", data: { identical: true, winner: "overlay/svc.yaml" } }],
  },
  {
    // fails: the second annotation keeps the Mapping but drops the TLS Module
    name: "the winner's annotation defines only part of the loser's",
    files: {
      "1.yaml": tlsModuleService,
      "2.yaml": tlsModuleService.replace(/ {6}---\n {6}apiVersion: ambassador\/v1\n {6}kind: Module\n[\s\S]*?(?= {6}---)/, ""),
    },
    expect: [
      {
        file: "1.yaml",
        line: 4,
        severity: "warning",
        data: { lost: "its getambassador.io/config annotation is replaced by the later one, so Emissary loses the TLS Module (its TLS settings)" },
      },
    ],
  },
  {
    // fails: both annotations define Mapping billing, the later one with another service
    name: "the winner's annotation redefines the loser's Mapping differently",
    files: { "1.yaml": tlsModuleService, "2.yaml": tlsModuleService.replace("service: billing\n", "service: billing-v2\n") },
    expect: [
      {
        file: "1.yaml",
        line: 4,
        severity: "warning",
        data: { lost: "its getambassador.io/config annotation is replaced by the later one, so Mapping default/billing takes the later definition's settings" },
      },
    ],
  },
  {
    name: "annotation: the same Mapping twice in one block, on the first one's name line",
    files: { "svc.yaml": annotation },
    expect: [{ line: 12, column: 7, severity: "warning", resource: "Mapping/default/backend", data: { identical: false, winner: "svc.yaml" } }],
  },
]);

test("duplicate-resource: the replaced Service's annotation is gone from the simulation too", () => {
  const files = { "a/svc.yaml": tlsModuleService, "b/svc.yaml": plainService };
  const analysis = analyzeFiles(files);
  assert.deepEqual(analysis.routes.map((r) => r.mapping), [], "the annotation's Mapping does not exist");
  assert.equal(analysis.simulation.contexts.all.length, 0, "nor do the TLS Module's contexts");
  const reversed = analyzeFiles({ "a/svc.yaml": plainService, "b/svc.yaml": tlsModuleService });
  assert.deepEqual(reversed.routes.map((r) => r.mapping), ["default/billing"]);
  assert.deepEqual(reversed.simulation.contexts.all.map((c) => c.registeredName), ["upstream"]);
});
