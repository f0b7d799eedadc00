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

/** A ConfigMap whose `data` anchors `count` values and whose `copy` uses each once: `count` aliases. */
function aliases(count: number): string {
  const keys = Array.from({ length: count }, (_, i) => `k${i}`);
  const anchors = keys.map((k) => `  ${k}: &${k} v\n`).join("");
  const uses = keys.map((k) => `  ${k}: *${k}\n`).join("");
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aliases, namespace: default}\ndata:\n${anchors}copy:\n${uses}`;
}

/** A YAML 1.1 document whose `base` mapping of `keys` keys is merged (`<<`) into `merges` mappings. */
function merges(keys: number, merges: number): string {
  const base = Array.from({ length: keys }, (_, i) => `  k${i}: v\n`).join("");
  const copies = Array.from({ length: merges }, (_, i) => `  c${i}: {<<: *base}\n`).join("");
  return `%YAML 1.1\n---\nbase: &base\n${base}copies:\n${copies}`;
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
    // passes: 1,000 aliases in one document is the maximum
    name: "clean: exactly the maximum number of aliases",
    files: { "aliases.yaml": aliases(1000) },
    expect: [],
  },
  {
    // passes: merge keys copying 250,000 nodes in all, under the 500,000-node limit
    name: "clean: a few merges of a big mapping",
    files: { "merges.yaml": merges(500, 250) },
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
  {
    // fails: 1,001 aliases; the document is not read, the finding is on its first line
    name: "more aliases in one document than the maximum",
    files: { "aliases.yaml": aliases(1001) },
    expect: [{ line: 1, column: 1, severity: "warning", data: { aliases: 1001, limit: 1000 } }],
  },
  {
    // fails: 1,001 nodes of the base (its keys, values and itself) merged 600 times: over 500,000; found on line 3
    name: "merge keys copying more nodes than the per-document maximum",
    files: { "merges.yaml": merges(500, 600) },
    expect: [{ line: 3, column: 1, severity: "warning", data: { merges: true, limit: 500_000 } }],
  },
]);
