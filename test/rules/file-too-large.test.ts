import { ruleTester } from "../helpers/rule-tester.js";

const MIB = 1024 * 1024;

const mapping = `# passes: an ordinary manifest, far under the limit
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: api
  namespace: default
spec:
  prefix: /api/
  service: api
`;

/** A valid YAML file of exactly `bytes` bytes (ASCII): a Mapping followed by one long comment line. */
function paddedManifest(bytes: number): string {
  const head = mapping;
  const filler = bytes - head.length - "# \n".length;
  return `${head}# ${"x".repeat(filler)}\n`;
}

/** `count` tiny documents, each two lines long (`---` then a key). */
function manyDocuments(count: number): string {
  return Array.from({ length: count }, (_, i) => `---\nindex: ${i}\n`).join("");
}

ruleTester("file-too-large", [
  { name: "clean: a small manifest", files: { "api.yaml": mapping }, expect: [] },
  {
    // passes: the limit is inclusive, 1 MiB exactly is still analysed
    name: "clean: exactly 1 MiB",
    files: { "big.yaml": paddedManifest(MIB) },
    expect: [],
  },
  {
    // passes: 20,000 documents is the per-file maximum
    name: "clean: exactly the maximum number of documents",
    files: { "many.yaml": manyDocuments(20_000) },
    expect: [],
  },
  {
    // passes: an excluded path is never read, whatever its size
    name: "clean: a huge file excluded by the policy's paths",
    files: { "vendor/huge.yaml": paddedManifest(MIB + 1), "api.yaml": mapping },
    policy: 'paths: {exclude: ["vendor/**"]}\n',
    expect: [],
  },
  {
    // passes: only .yaml/.yml files are manifests
    name: "clean: a huge file that is not YAML",
    files: { "dump.json": "x".repeat(MIB + 1), "api.yaml": mapping },
    expect: [],
  },
  {
    // fails: one byte over 1 MiB, reported on the file's first line
    name: "one byte over 1 MiB",
    files: { "big.yaml": paddedManifest(MIB + 1) },
    expect: [{ line: 1, column: 1, severity: "warning", data: { bytes: MIB + 1, limit: MIB } }],
  },
  {
    // fails: 600,000 "é" are 600,003 characters but 1,200,003 UTF-8 bytes: the limit counts bytes
    name: "the limit counts UTF-8 bytes, not characters",
    files: { "accents.yaml": `# ${"é".repeat(600_000)}\n` },
    expect: [{ line: 1, severity: "warning", data: { bytes: 1_200_003, limit: MIB } }],
  },
  {
    // fails: only the big file is skipped; its neighbour is analysed (and not reported)
    name: "only the oversized file is reported",
    files: { "api.yaml": mapping, "generated/all.yaml": paddedManifest(2 * MIB) },
    expect: [{ file: "generated/all.yaml", line: 1, severity: "warning", data: { bytes: 2 * MIB } }],
  },
  {
    // fails: document 20,001 starts on line 40,001; the first 20,000 are analysed
    name: "more documents than the per-file maximum",
    files: { "many.yaml": manyDocuments(20_001) },
    expect: [{ line: 40_001, column: 1, severity: "warning", data: { documents: 20_001, limit: 20_000 } }],
  },
]);
