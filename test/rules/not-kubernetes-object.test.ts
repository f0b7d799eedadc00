import { ruleTester } from "../helpers/rule-tester.js";

const inAnnotation = `# passes: ambassador/v1 documents are where they belong, inside a getambassador.io/config annotation
apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: default
  annotations:
    getambassador.io/config: |
      ---
      apiVersion: ambassador/v1
      kind: Mapping
      name: backend
      prefix: /backend/
      service: backend
      ---
      apiVersion: ambassador/v2
      kind: TLSContext
      name: backend-upstream
      secret: backend-client
spec:
  ports: [{port: 80}]
`;

const crd = `# passes: the CRD form uses the getambassador.io group
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: backend
  namespace: default
spec:
  prefix: /backend/
  service: backend
`;

const topLevelLegacy = `# fails: an annotation document pasted as a top-level object; kubectl has no "ambassador" API group
apiVersion: ambassador/v1
kind: Mapping
name: backend
prefix: /backend/
service: backend
`;

const mixed = `apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: default
spec:
  ports: [{port: 80}]
---
# fails: the TLSContext below is not a Kubernetes object
apiVersion: ambassador/v2
kind: TLSContext
name: backend-upstream
secret: backend-client
---
# fails: nor is this TLS Module, whatever its version
apiVersion: ambassador/v0
kind: Module
name: tls
config:
  upstream:
    secret: backend-client
`;

ruleTester("not-kubernetes-object", [
  { name: "clean: legacy documents inside an annotation", files: { "svc.yaml": inAnnotation }, expect: [] },
  { name: "clean: getambassador.io CRD", files: { "mapping.yaml": crd }, expect: [] },
  {
    name: "top-level ambassador/v1 Mapping: reported on its apiVersion",
    files: { "mapping.yaml": topLevelLegacy },
    expect: [{ line: 2, column: 1, severity: "error", data: { apiVersion: "ambassador/v1", kind: "Mapping" } }],
  },
  {
    name: "several legacy documents among real objects",
    files: { "backend.yaml": mixed },
    expect: [
      { line: 10, column: 1, severity: "error", data: { apiVersion: "ambassador/v2", kind: "TLSContext" } },
      { line: 16, column: 1, severity: "error", data: { apiVersion: "ambassador/v0", kind: "Module" } },
    ],
  },
  {
    name: "reported once per file, in each file",
    files: { "a/mapping.yaml": topLevelLegacy, "b/svc.yaml": inAnnotation, "c/mapping.yaml": topLevelLegacy },
    expect: [
      { file: "a/mapping.yaml", line: 2, severity: "error" },
      { file: "c/mapping.yaml", line: 2, severity: "error" },
    ],
  },
]);
