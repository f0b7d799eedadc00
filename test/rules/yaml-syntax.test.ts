import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeFiles, ruleTester } from "../helpers/rule-tester.js";

const valid = `# passes: plain, well-formed multi-document YAML (a CRD and an annotated Service)
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: api
  namespace: default
spec:
  prefix: /api/
  service: api
---
apiVersion: v1
kind: Service
metadata:
  name: legacy
  namespace: default
  annotations:
    getambassador.io/config: |
      ---
      apiVersion: ambassador/v1
      kind: Mapping
      name: legacy
      prefix: /legacy/
      service: legacy
spec:
  ports: [{port: 80}]
`;

const tab = `# fails: line 6 is indented with a tab
apiVersion: v1
kind: Secret
metadata:
  name: certs
\tnamespace: default
`;

const indentation = `# fails: service: is indented one column deeper than prefix:, so the parser reads "/api/ service" as one key
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: api
  namespace: default
spec:
  prefix: /api/
   service: api
`;

const duplicateKey = `# fails: name appears twice in one mapping (kubectl's strict decoding rejects it too)
apiVersion: v1
kind: Secret
metadata:
  name: certs
  name: other-certs
`;

const unclosedQuote = `# fails: the string opened on line 7 is never closed; the parser notices at the end of the file
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: api
spec:
  prefix: "/api/
  service: api
`;

// The unterminated "[" of line 17 is reported on line 18, where the parser gives up.
const secondDocumentBroken = `# fails: only the second document is broken; the first one is still read
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: first
  namespace: default
spec:
  prefix: /first/
  service: first
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: second
  namespace: default
spec:
  prefix: [/second/
  service: second
`;

// The annotation's header is line 8 and its text starts on line 9; "prefix: [/bad/" is line 19, and the parser reports
// the unterminated flow sequence where it gives up, on the next line (20), at the block's indentation (column 7).
const annotationBroken = `# fails: a YAML error inside the getambassador.io/config block points at the file's own line
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
      name: backend-good
      prefix: /good/
      service: backend
      ---
      apiVersion: ambassador/v1
      kind: Mapping
      name: backend-bad
      prefix: [/bad/
      service: backend
spec:
  ports: [{port: 80}]
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: after-the-service
  namespace: default
spec:
  prefix: /after/
  service: after
`;

// Line 12 of the file is the annotation's "name:" line, indented with six spaces and then a TAB (column 7).
const annotationTab = `# fails: a TAB inside the getambassador.io/config block; the next document is still read
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
      \tname: backend
      prefix: /backend/
      service: backend
spec:
  ports: [{port: 80}]
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: after-the-service, namespace: default}
spec: {prefix: /after/, service: after}
`;

// Nine levels of nine-fold aliases: 9^9 (387 million) strings once expanded.
const aliasBomb = `# fails: a "billion laughs" alias bomb is refused long before it is expanded
apiVersion: v1
kind: ConfigMap
metadata: {name: lol, namespace: default}
data:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: survivor, namespace: default}
spec: {prefix: /survivor/, service: survivor}
`;

const fewAliases = `# passes: a handful of ordinary anchors and aliases is fine
apiVersion: v1
kind: ConfigMap
metadata: {name: shared, namespace: default}
data:
  primary: &region eu-west-1
  replica: *region
  backup: *region
`;

ruleTester("yaml-syntax", [
  { name: "clean: valid multi-document file with an annotation block", files: { "edge/api.yaml": valid }, expect: [] },
  { name: "clean: a few anchors and aliases", files: { "config.yaml": fewAliases }, expect: [] },
  {
    name: "clean: a broken file outside the policy's paths is not read",
    files: { "vendor/broken.yaml": tab, "edge/api.yaml": valid },
    policy: "paths: {exclude: [\"vendor/**\"]}\n",
    expect: [],
  },
  {
    name: "tab used for indentation",
    files: { "secret.yaml": tab },
    expect: [{ line: 6, column: 1, severity: "error", data: { problem: "Tabs are not allowed as indentation" } }],
  },
  {
    name: "inconsistent indentation: two parser errors on the same line",
    files: { "mapping.yaml": indentation },
    expect: [
      { line: 8, column: 11, severity: "error", data: { problem: "Implicit keys need to be on a single line" } },
      { line: 8, column: 11, severity: "error", data: { problem: "Nested mappings are not allowed in compact mappings" } },
    ],
  },
  {
    name: "duplicate key",
    files: { "secret.yaml": duplicateKey },
    expect: [{ line: 6, column: 3, severity: "error", data: { problem: "Map keys must be unique" } }],
  },
  {
    name: "unclosed quoted string",
    files: { "mapping.yaml": unclosedQuote },
    expect: [{ line: 9, column: 1, severity: "error", data: { problem: 'Missing closing "quote' } }],
  },
  {
    name: "only the broken document of a multi-document file is reported",
    files: { "mappings.yaml": secondDocumentBroken },
    expect: [{ line: 18, column: 3, severity: "error" }],
  },
  {
    name: "error inside a getambassador.io/config annotation: mapped to the file's line and column",
    files: { "svc.yaml": annotationBroken },
    expect: [{ line: 20, column: 7, severity: "error" }],
  },
  {
    name: "TAB inside a getambassador.io/config annotation: the annotation's own line and column",
    files: { "svc.yml": annotationTab },
    expect: [{ line: 12, column: 7, severity: "error", data: { problem: "Tabs are not allowed as indentation", where: "annotation" } }],
  },
  {
    name: "billion laughs alias bomb",
    files: { "bomb.yaml": aliasBomb },
    expect: [{ line: 2, column: 1, severity: "error", data: { problem: "the document expands too many aliases (an alias bomb?)" } }],
  },
  {
    name: "each broken file is reported in its own file",
    files: { "a.yaml": tab, "b.yaml": duplicateKey },
    expect: [
      { file: "a.yaml", line: 6, severity: "error" },
      { file: "b.yaml", line: 6, severity: "error" },
    ],
  },
]);

test("yaml-syntax: the rest of a file with a broken document or annotation is still analysed", () => {
  const mappings = (files: Record<string, string>) => analyzeFiles(files).routes.map((r) => r.mapping).sort();
  assert.deepEqual(mappings({ "mappings.yaml": secondDocumentBroken }), ["default/first"]);
  assert.ok(mappings({ "svc.yaml": annotationBroken }).includes("default/after-the-service"));
  assert.deepEqual(mappings({ "bomb.yaml": aliasBomb }), ["default/survivor"]);
  assert.deepEqual(mappings({ "svc.yml": annotationTab, "other.yaml": valid }), ["default/after-the-service", "default/api", "default/legacy"]);
});

test("yaml-syntax: an alias bomb costs milliseconds, not memory", () => {
  const started = performance.now();
  for (let i = 0; i < 5; i++) analyzeFiles({ "bomb.yaml": aliasBomb });
  assert.ok(performance.now() - started < 2000, "five alias bombs analysed in under 2 s");
});
