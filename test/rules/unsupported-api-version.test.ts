import { ruleTester } from "../helpers/rule-tester.js";

const supportedCrds = `# passes: v3alpha1 is current, v2 deprecated and v1 still processed
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: current, namespace: default}
spec: {prefix: /current/, service: current}
---
apiVersion: getambassador.io/v2
kind: Mapping
metadata: {name: deprecated, namespace: default}
spec: {prefix: /deprecated/, service: deprecated}
---
apiVersion: getambassador.io/v1
kind: TLSContext
metadata: {name: old, namespace: default}
spec: {secret: old-certs}
`;

const supportedAnnotation = `# passes: ambassador/v1 and ambassador/v2 are rewritten to getambassador.io/v1 and v2
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
      name: backend-v1
      prefix: /v1/
      service: backend
      ---
      apiVersion: ambassador/v2
      kind: Mapping
      name: backend-v2
      prefix: /v2/
      service: backend
      ---
      apiVersion: getambassador.io/v2
      kind: TLSContext
      name: backend-upstream
      secret: backend-client
spec:
  ports: [{port: 80}]
`;

const v0Crd = `# fails: getambassador.io/v0 is gone since Emissary 2.0
apiVersion: getambassador.io/v0
kind: Mapping
metadata:
  name: ancient
  namespace: default
spec:
  prefix: /ancient/
  service: ancient
`;

const v0Annotation = `apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: default
  annotations:
    getambassador.io/config: |
      ---
      # passes: v1 is still processed
      apiVersion: ambassador/v1
      kind: Mapping
      name: backend
      prefix: /backend/
      service: backend
      ---
      # fails: ambassador/v0 (line 17) is dropped as an unsupported group/version/kind
      apiVersion: ambassador/v0
      kind: TLSContext
      name: backend-upstream
      secret: backend-client
      ---
      # fails: so is getambassador.io/v0 (line 23)
      apiVersion: getambassador.io/v0
      kind: Module
      name: tls
      config: {}
spec:
  ports: [{port: 80}]
`;

const unknownVersion = `# fails: no such version of the Host CRD
apiVersion: getambassador.io/v4
kind: Host
metadata:
  name: api
  namespace: default
spec:
  hostname: api.example.com
`;

ruleTester("unsupported-api-version", [
  { name: "clean: v1, v2 and v3alpha1 CRDs", files: { "crds.yaml": supportedCrds }, expect: [] },
  { name: "clean: v1 and v2 annotation documents", files: { "svc.yaml": supportedAnnotation }, expect: [] },
  {
    name: "getambassador.io/v0 CRD: reported on its apiVersion",
    files: { "mapping.yaml": v0Crd },
    expect: [{ line: 2, column: 1, severity: "error", data: { apiVersion: "getambassador.io/v0", kind: "Mapping" } }],
  },
  {
    name: "v0 documents inside an annotation: reported on the annotation's lines",
    files: { "svc.yaml": v0Annotation },
    expect: [
      { line: 17, column: 7, severity: "error", data: { apiVersion: "ambassador/v0", kind: "TLSContext" } },
      { line: 23, column: 7, severity: "error", data: { apiVersion: "getambassador.io/v0", kind: "Module" } },
    ],
  },
  {
    name: "unknown future version",
    files: { "host.yaml": unknownVersion },
    expect: [{ line: 2, column: 1, severity: "error", data: { apiVersion: "getambassador.io/v4", kind: "Host" } }],
  },
  {
    name: "one finding per v0 resource, across files",
    files: { "a.yaml": v0Crd, "b.yaml": supportedCrds, "c.yaml": v0Crd.replace("name: ancient", "name: older") },
    expect: [
      { file: "a.yaml", line: 2, severity: "error" },
      { file: "c.yaml", line: 2, severity: "error" },
    ],
  },
]);
