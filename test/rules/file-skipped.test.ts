import { ruleTester } from "../helpers/rule-tester.js";

const plain = `# passes: no template markup, plain text
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: api
  namespace: default
spec:
  prefix: /api/
  service: api
`;

const helmValue = `# fails: {{ .Values.x }} on line 9 makes this a Helm template, not a manifest
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: api
  namespace: default
spec:
  prefix: /api/
  service: {{ .Values.service.name }}
`;

const helmControl = `{{- if .Values.mtls.enabled }}
# fails: the control structure on line 1 (column 1) is template markup
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
spec:
  secret: upstream-certs
{{- end }}
`;

const helmInComment = `# passes: template markup inside a comment ({{ .Values.ignored }}) does not make a template
apiVersion: v1
kind: ConfigMap
metadata:
  name: notes
  namespace: default
data:
  owner: platform # rendered once from {{ .Values.owner }}
`;

const binary = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: blob\ndata:\n  tls.crt: \u0000\u0001\u0002\n`;

ruleTester("file-skipped", [
  { name: "clean: a plain manifest", files: { "api.yaml": plain }, expect: [] },
  { name: "clean: template markup only in comments", files: { "notes.yaml": helmInComment }, expect: [] },
  {
    // passes: a template that is not named .yaml/.yml is never read (NOTES.txt, _helpers.tpl)
    name: "clean: templates outside .yaml/.yml files are not read",
    files: { "chart/templates/_helpers.tpl": helmValue, "chart/templates/NOTES.txt": "{{ .Release.Name }}\u0000", "api.yaml": plain },
    expect: [],
  },
  {
    name: "Helm template: the first template action, line and column",
    files: { "chart/templates/mapping.yaml": helmValue },
    expect: [{ line: 9, column: 12, severity: "notice", data: { reason: "helm-template" } }],
  },
  {
    name: "Helm control structure with whitespace trimming on line 1",
    files: { "chart/templates/context.yml": helmControl },
    expect: [{ line: 1, column: 1, severity: "notice", data: { reason: "helm-template" } }],
  },
  {
    // fails: a NUL byte means the file is binary (or encrypted): reported on line 1
    name: "binary content (NUL bytes)",
    files: { "blob.yaml": binary },
    expect: [{ line: 1, column: 1, severity: "notice", data: { reason: "binary" } }],
  },
  {
    // fails: U+FFFD is what invalid UTF-8 decodes to
    name: "invalid UTF-8 (replacement characters)",
    files: { "latin1.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\ufffd}\n" },
    expect: [{ line: 1, column: 1, severity: "notice", data: { reason: "binary" } }],
  },
  {
    // fails: one notice per skipped file; the plain file is analysed
    name: "each skipped file is reported, the others analysed",
    files: { "api.yaml": plain, "b/blob.yaml": binary, "c/chart.yaml": helmValue },
    expect: [
      { file: "b/blob.yaml", line: 1, severity: "notice", data: { reason: "binary" } },
      { file: "c/chart.yaml", line: 9, severity: "notice", data: { reason: "helm-template" } },
    ],
  },
]);
