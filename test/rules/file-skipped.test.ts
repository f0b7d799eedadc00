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

// `openssl enc -aes-256-cbc -pbkdf2 -a` of a three-line ConfigMap: base64 text, which YAML would read as one string.
const opensslBase64 = `U2FsdGVkX1+eBdQ8kpO8aXtDC29LpXfmNEmIA+55TsJ2ChJNZsV3UDcsam+OFIUj
FeTEw4YBQ3OwyyAxzI78C3/aPZu5Vm57ZS3cnXvN+8s=
`;

// Raw `openssl enc` output: the "Salted__" magic, then salt and ciphertext bytes (a NUL and invalid UTF-8 here).
const opensslRaw = "Salted__\u0000\u0007\ufffd\ufffd\u0012K\ufffd\u0001";

const sopsSecret = `# passes: SOPS keeps the YAML structure and encrypts the values: the file is read as usual
apiVersion: v1
kind: Secret
metadata:
  name: client-certs
  namespace: default
type: kubernetes.io/tls
data:
  tls.crt: ENC[AES256_GCM,data:Zml4dHVyZQ==,iv:aXY=,tag:dGFn,type:str]
sops:
  version: 3.8.1
`;

const workflow = `# passes: a GitHub workflow; its \${{ }} expressions are not Helm
name: ci
on: [push]
jobs:
  build:
    runs-on: \${{ matrix.os }}
    steps:
    - run: echo "\${{ github.sha }}" \${{github.ref}}
`;

ruleTester("file-skipped", [
  { name: "clean: a plain manifest", files: { "api.yaml": plain }, expect: [] },
  { name: "clean: template markup only in comments", files: { "notes.yaml": helmInComment }, expect: [] },
  {
    name: "clean: GitHub Actions expressions (${{ }}) make a workflow file, not a template",
    files: { ".github/workflows/ci.yml": workflow, "action.yml": "name: gate\nruns:\n  using: composite\n  steps:\n    - run: echo ${{inputs.path}}\n      shell: bash\n" },
    expect: [],
  },
  {
    name: "a Helm marker beside GitHub Actions expressions is still a template",
    files: { "deploy.yml": `${workflow}    - run: deploy {{ .Values.tag }}\n` },
    expect: [{ line: 9, column: 19, severity: "notice", data: { reason: "helm-template" } }],
  },
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
  { name: "clean: a SOPS-encrypted Secret named *.enc.yaml is readable YAML", files: { "secret.enc.yaml": sopsSecret }, expect: [] },
  {
    // fails: unreadable bytes under a *.enc.yaml name: an encrypted file, format unknown
    name: "encrypted: binary content named *.enc.yaml",
    files: { "secrets/tls.enc.yaml": binary },
    expect: [{ line: 1, column: 1, severity: "notice", data: { reason: "encrypted", format: null } }],
  },
  {
    name: "encrypted: invalid UTF-8 named *.enc.yml",
    files: { "tls.enc.yml": "\ufffd\ufffd\u0003garbage" },
    expect: [{ line: 1, severity: "notice", data: { reason: "encrypted", format: null } }],
  },
  {
    // fails: the Salted__ magic of openssl enc, whatever the file's name
    name: "encrypted: raw openssl enc output named .yaml",
    files: { "backup.yaml": opensslRaw },
    expect: [{ line: 1, column: 1, severity: "notice", data: { reason: "encrypted", format: "openssl enc" } }],
  },
  {
    // fails: openssl enc -a writes base64 text; without this check it would parse as a lone string and vanish silently
    name: "encrypted: base64 openssl enc -a output is text, still encrypted",
    files: { "secrets.yml": opensslBase64 },
    expect: [{ line: 1, column: 1, severity: "notice", data: { reason: "encrypted", format: "openssl enc" } }],
  },
  {
    name: "encrypted: OpenPGP and age armour, Ansible Vault",
    files: {
      "a.yaml": "-----BEGIN PGP MESSAGE-----\n\nhQEMA0xyz\n-----END PGP MESSAGE-----\n",
      "b.yaml": "-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24=\n-----END AGE ENCRYPTED FILE-----\n",
      "c.yaml": "$ANSIBLE_VAULT;1.1;AES256\n6162636465666768\n",
    },
    expect: [
      { file: "a.yaml", line: 1, severity: "notice", data: { reason: "encrypted", format: "OpenPGP" } },
      { file: "b.yaml", line: 1, severity: "notice", data: { reason: "encrypted", format: "age" } },
      { file: "c.yaml", line: 1, severity: "notice", data: { reason: "encrypted", format: "Ansible Vault" } },
    ],
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
