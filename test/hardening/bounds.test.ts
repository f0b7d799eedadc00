/**
 * Bounded work per check: duplicate keys found in one pass, and the limits on nodes and aliases per document and on
 * manifest files and bytes per commit, each ending in a finding that names it while every other file is analysed.
 * One test times anything: four 1 MiB mappings, with a wide margin (the parser's duplicate check made one cost 90 s).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Parser } from "yaml";
import { analyzeTree, type TreeAnalysis } from "../../src/core/analyze.js";
import { DEFAULT_LOAD_LIMITS, type LoadLimits } from "../../src/core/limits.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { parseYamlText } from "../../src/core/source/load.js";
import { identityMapper } from "../../src/core/source/yaml-document.js";
import type { Finding, SourceFile } from "../../src/core/types.js";
import { FIXED_NOW } from "../helpers/rule-tester.js";
import { committed, SIBLING, SIBLING_FINDING } from "./corpus.js";

function analyse(files: readonly SourceFile[], limits: Partial<LoadLimits> = {}): TreeAnalysis {
  return analyzeTree([...files, committed(SIBLING)], {
    policy: loadPolicy(undefined).policy,
    now: FIXED_NOW,
    limits: { ...DEFAULT_LOAD_LIMITS, ...limits },
  });
}

function describe(finding: Finding): string {
  // The file is in the data of a finding without a resource (its identity); the line's own file says it already.
  const { file: _file, ...data } = finding.data;
  return `${finding.file}:${finding.line} ${finding.ruleId} ${JSON.stringify(data)}`;
}

function findingsIn(analysis: TreeAnalysis, file: string): string[] {
  return analysis.findings.filter((f) => f.file === file).map(describe);
}

function assertSiblingIntact(analysis: TreeAnalysis): void {
  const found = analysis.findings.some(
    (f) => f.ruleId === SIBLING_FINDING.ruleId && f.file === SIBLING_FINDING.file && f.line === SIBLING_FINDING.line,
  );
  assert.ok(found, `the sibling's finding is missing:\n${analysis.findings.map(describe).join("\n")}`);
}

/** `count` distinct keys of four lower-case letters, none that YAML reads as anything but a string (`true`, `null`). */
function keys(count: number): string[] {
  const result: string[] = [];
  for (let i = 0; result.length < count; i++) {
    let key = "";
    for (let n = i, place = 0; place < 4; place++, n = Math.floor(n / 26))
      key = String.fromCharCode(97 + (n % 26)) + key;
    if (key !== "true" && key !== "null") result.push(key);
  }
  return result;
}

const KEYS = keys(100_000);

/** Four mappings of 100,000 keys, about 1 MB each (under the 1 MiB file limit), in four shapes. */
function fourBigMaps(): SourceFile[] {
  const header = (kind: string, name: string) =>
    `apiVersion: v1\nkind: ${kind}\nmetadata: {name: ${name}, namespace: default}\n`;
  return [
    {
      path: "big/configmap.yaml",
      text: `${header("ConfigMap", "block")}data:\n${KEYS.map((k) => `  ${k}: v\n`).join("")}`,
    },
    {
      path: "big/secret.yaml",
      text: `${header("Secret", "block")}stringData:\n${KEYS.map((k) => `  ${k}: v\n`).join("")}`,
    },
    {
      path: "big/flow.yaml",
      text: `${header("ConfigMap", "flow")}data: {${KEYS.map((k) => `${k}: vv`).join(", ")}}\n`,
    },
    { path: "big/plain.yaml", text: KEYS.map((k) => `${k}: vvv\n`).join("") },
  ];
}

/** CPU seconds of this process spent in `work`: what it costs, whatever else the machine runs meanwhile. */
function cpuSeconds(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

test("four 1 MiB mappings of 100,000 keys each: all analysed in under 5 s of CPU, the sibling's finding intact", () => {
  const maps = fourBigMaps();
  for (const map of maps)
    assert.ok(Buffer.byteLength(map.text) > 900_000 && Buffer.byteLength(map.text) <= 1024 * 1024, map.path);
  const siblingOnly = analyse([]);

  let analysis: TreeAnalysis | undefined;
  const seconds = cpuSeconds(() => (analysis = analyse(maps)));
  assert.ok(analysis);
  assert.deepEqual(
    maps.flatMap((map) => findingsIn(analysis as TreeAnalysis, map.path)),
    [],
    "nothing to report in the mappings",
  );
  assert.equal(analysis.stats.documents, siblingOnly.stats.documents + 4, "every mapping was read");
  assertSiblingIntact(analysis);

  // The YAML library's tokenizer alone, on the same bytes: the least any analysis can cost on this machine. Measured
  // only when 5 s is not enough, so that a machine several times slower than usual (a shared CI runner) is held to
  // the same bound relative to its speed. A duplicate check comparing every key with the others costs 50 times that.
  const tokenizing = seconds < 5 ? 0 : cpuSeconds(() => maps.forEach((map) => [...new Parser().parse(map.text)]));
  assert.ok(
    seconds < Math.max(5, 3 * tokenizing),
    `four 1 MiB mappings took ${seconds.toFixed(2)} s of CPU (tokenizing them alone: ${tokenizing.toFixed(2)} s)`,
  );
});

test("a duplicate key deep in a 100,000-key mapping is still found, on its line, and only its document is dropped", () => {
  // Line 1 `nested:`, then 99,999 keys from line 2; the 100,000th, on the last line, repeats the first.
  const lines = ["nested:", ...KEYS.slice(0, 99_999).map((k) => `  ${k}: v`), `  ${KEYS[0]}: x`];
  const file = {
    path: "dup.yaml",
    text: `${lines.join("\n")}\n---\n${committed(SIBLING).text.replace(/sibling/g, "after-dup")}`,
  };
  const analysis = analyse([file]);
  assert.deepEqual(
    analysis.findings
      .filter((f) => f.file === file.path && f.ruleId === "yaml-syntax")
      .map((f) => [f.line, f.column, f.data.problem]),
    [[lines.length, 3, "Map keys must be unique"]],
  );
  // The next document of the same file is still read: its Mapping has the sibling's broken TLS reference.
  assert.ok(analysis.model.mappings.some((m) => m.name === "after-dup"));
  assertSiblingIntact(analysis);
});

test("duplicate keys: what the parser called a duplicate still is, and nothing else (one pass, same answers)", () => {
  const problems = (text: string) =>
    parseYamlText(text, "x.yaml", identityMapper).diagnostics.map(
      (d) => `${d.location.line}:${d.location.column} ${d.data.problem}`,
    );
  const duplicate = "Map keys must be unique";
  // Resolved values compare: 1, 0x1 and 1.0 are one number; "a" and a are one string; true and True one boolean.
  assert.deepEqual(problems("1: a\n0x1: b\n1.0: c\n'1': d\n"), [`2:1 ${duplicate}`, `3:1 ${duplicate}`]);
  assert.deepEqual(problems("a: 1\n'a': 2\ntrue: 3\nTrue: 4\n"), [`2:1 ${duplicate}`, `4:1 ${duplicate}`]);
  // Flow mappings, nested ones, and mappings inside sequences.
  assert.deepEqual(problems("m: {x: 1, y: 2, x: 3}\nl:\n  - {a: 1}\n  - b: 1\n    b: 2\n"), [
    `1:17 ${duplicate}`,
    `5:5 ${duplicate}`,
  ]);
  // Never equal, as for the parser: NaN keys, alias keys, collection keys, and a key in another mapping.
  assert.deepEqual(problems(".nan: 1\n.NaN: 2\nk: &k a\n*k : 1\n*k : 2\n? [a]\n: 1\n? [a]\n: 2\nn: {k: 1}\n"), []);
  // An empty key is reported where the parser reported it: at its `:`, past comments.
  assert.deepEqual(problems("a: 1\n: x\n# comment\n: y\n"), [`4:1 ${duplicate}`]);
  // Among the parser's other problems, in the order the parser reported them (a document shows its first three).
  const unclosed = "Flow sequence in block collection must be sufficiently indented and end with a ]";
  assert.deepEqual(problems("a: 1\na: 2\nb: [x\n"), [`2:1 ${duplicate}`, `4:1 ${unclosed}`]);
  assert.deepEqual(problems("a: [x\na: 2\n"), [`2:1 ${unclosed}`, `2:1 ${duplicate}`]);
  assert.deepEqual(problems("a: 1\n\tb: 2\na: 3\na: 4\n"), [
    "2:1 Tabs are not allowed as indentation",
    `3:1 ${duplicate}`,
    `4:1 ${duplicate}`,
  ]);
});

test("a big mapping's fields are located by key, with the scan's answers (number keys, the first of a key)", () => {
  const lines = [
    ...KEYS.slice(0, 40).map((k) => `${k}: v`),
    "443: number",
    "'443': string",
    "true: boolean",
    "'80': text",
    "last: v",
  ];
  const parsed = parseYamlText(`${lines.join("\n")}\n`, "x.yaml", identityMapper);
  const doc = parsed.documents[0];
  assert.ok(doc && parsed.diagnostics.length === 0, JSON.stringify(parsed.diagnostics));
  assert.equal(doc.locate([KEYS[7] ?? ""]).line, 8);
  assert.equal(doc.locate(["last"]).line, 45);
  // A string segment finds the number key 443 first (it comes first), a number segment only number keys.
  assert.equal(doc.locate(["443"]).line, 41);
  assert.equal(doc.locate([443]).line, 41);
  assert.equal(doc.locate(["true"]).line, 43);
  assert.equal(doc.locate(["80"]).line, 44);
  // A missing key falls back to the mapping; a number segment never finds a string key.
  assert.equal(doc.locate(["missing"]).line, 1);
  assert.equal(doc.locate([80]).line, 1);
});

test("nodes per document: a 1 MiB document of 524,000 nodes is over the default limit, named on the document", () => {
  const items = Array.from({ length: 520_000 }, () => "0").join(",");
  const file = {
    path: "nodes.yaml",
    text: `# a generated list\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: n}\nbinaryData: {list: [${items}]}\n`,
  };
  assert.ok(Buffer.byteLength(file.text) <= 1024 * 1024);
  const analysis = analyse([file]);
  const found = analysis.findings.filter((f) => f.file === file.path);
  assert.deepEqual(
    found.map((f) => [f.ruleId, f.line, f.data.limit]),
    [["file-too-large", 2, 500_000]],
  );
  assert.ok(typeof found[0]?.data.nodes === "number" && found[0].data.nodes > 500_000);
  assert.match(
    found[0]?.message ?? "",
    /over the analysis limit of 500,000 per document \(MTLS_GATE_MAX_NODES_PER_DOCUMENT\)/,
  );
  assertSiblingIntact(analysis);
});

test("nodes per document: a lower limit refuses only the document over it; the next one of the file is read", () => {
  const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n${KEYS.slice(0, 600)
    .map((k) => `  ${k}: v\n`)
    .join("")}`;
  const file = { path: "two.yaml", text: `${big}---\n${committed(SIBLING).text.replace(/sibling/g, "second")}` };
  const analysis = analyse([file], { maxNodesPerDocument: 1000 });
  assert.deepEqual(
    findingsIn(analysis, file.path).filter((f) => f.includes("file-too-large")),
    [`two.yaml:1 file-too-large {"nodes":1211,"limit":1000}`],
  );
  assert.ok(analysis.model.mappings.some((m) => m.name === "second"));
  assertSiblingIntact(analysis);
});

test("merge keys: a YAML 1.1 document whose << copies a big mapping again and again is refused by the node limit", () => {
  // 1,000 keys merged 600 times: 1.2 million nodes copied, from a 22 KB file.
  const base = KEYS.slice(0, 1000)
    .map((k) => `  ${k}: v\n`)
    .join("");
  const merges = KEYS.slice(0, 600)
    .map((k) => `  ${k}: {<<: *base}\n`)
    .join("");
  const file = { path: "merges.yaml", text: `%YAML 1.1\n---\nbase: &base\n${base}copies:\n${merges}` };
  const analysis = analyse([file]);
  const found = analysis.findings.filter((f) => f.file === file.path);
  assert.deepEqual(
    found.map((f) => [f.ruleId, f.line, f.data.merges, f.data.limit]),
    [["file-too-large", 3, true, 500_000]],
  );
  assert.match(found[0]?.message ?? "", /merge keys \(<<\) copy mappings to over 500,000 YAML nodes/);
  // A few merges are read as before.
  const few = { path: "few.yaml", text: `%YAML 1.1\n---\nbase: &base {a: 1}\nm: {<<: *base, b: 2}\n` };
  assert.deepEqual(findingsIn(analyse([few]), few.path), []);
  assertSiblingIntact(analysis);
});

test("aliases per document: over maxAliasCount aliases, the document is refused before the parser looks each one up", () => {
  const aliases = (path: string, count: number) => {
    const anchors = KEYS.slice(0, count)
      .map((k) => `  ${k}: &${k} v\n`)
      .join("");
    const uses = KEYS.slice(0, count)
      .map((k) => `  ${k}: *${k}\n`)
      .join("");
    return { path, text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n${anchors}more:\n${uses}` };
  };
  const analysis = analyse([aliases("over.yaml", 1001), aliases("at.yaml", 1000)]);
  assert.deepEqual(findingsIn(analysis, "over.yaml"), [`over.yaml:1 file-too-large {"aliases":1001,"limit":1000}`]);
  assert.match(
    analysis.findings.find((f) => f.file === "over.yaml")?.message ?? "",
    /1,001 aliases \(\*name\), over the analysis limit of 1,000/,
  );
  assert.deepEqual(findingsIn(analysis, "at.yaml"), []);
  assertSiblingIntact(analysis);
});

/** Five small Mappings, each with the sibling's broken TLS reference on line 10, after sibling.yaml in path order. */
function fiveMappings(): SourceFile[] {
  // Listed out of order: the limits take files in path order, whatever order a reader lists them in.
  return ["z-3", "z-1", "z-5", "z-2", "z-4"].map((name) => ({
    path: `${name}.yaml`,
    text: committed(SIBLING).text.replace(/sibling/g, name),
  }));
}

function brokenMappingFiles(analysis: TreeAnalysis): string[] {
  return analysis.findings
    .filter((f) => f.ruleId === "mapping-tls-context-not-found")
    .map((f) => f.file)
    .sort();
}

test("manifest files per commit: files past the limit in path order are each reported, naming it; the rest analysed", () => {
  const analysis = analyse(fiveMappings(), { maxManifestFiles: 3 });
  assert.deepEqual(brokenMappingFiles(analysis), ["sibling.yaml", "z-1.yaml", "z-2.yaml"]);
  const leftOut = analysis.findings.filter((f) => f.ruleId === "file-too-large");
  assert.deepEqual(
    leftOut.map(describe),
    ["z-3.yaml", "z-4.yaml", "z-5.yaml"].map((f) => `${f}:1 file-too-large {"files":6,"limit":3}`),
  );
  assert.match(
    leftOut[0]?.message ?? "",
    /the commit has 6 manifest files, over the analysis limit of 3 \(MTLS_GATE_MAX_MANIFEST_FILES\)/,
  );
  assert.equal(analysis.stats.files, 3);
  // Files the policy excludes, and the policy file itself, are not manifests: they count for nothing.
  const excluded = analyzeTree([...fiveMappings(), committed(SIBLING)], {
    policy: loadPolicy('paths: {exclude: ["z-4.yaml", "z-5.yaml"]}\n').policy,
    now: FIXED_NOW,
    limits: { ...DEFAULT_LOAD_LIMITS, maxManifestFiles: 4 },
  });
  assert.deepEqual(excluded.findings.filter((f) => f.ruleId === "file-too-large").map(describe), []);
});

test("manifest bytes per commit: from the first file over the budget on, in path order, each is reported; files over 1 MiB count nothing", () => {
  const files = fiveMappings();
  const size = (path: string) =>
    Buffer.byteLength([...files, committed(SIBLING)].find((f) => f.path === path)?.text ?? "");
  const budget = size("sibling.yaml") + size("z-1.yaml") + 10;
  // z-3 is tiny, but comes after z-2, which is over the budget: the budget is spent in path order, never skipped over.
  const tiny = files.map((f) => (f.path === "z-3.yaml" ? { ...f, text: "# empty\n" } : f));
  const huge = { path: "a-huge.yaml", text: `# ${"x".repeat(1024 * 1024)}\n` };
  const analysis = analyse([...tiny, huge], { maxManifestBytes: budget });
  assert.deepEqual(brokenMappingFiles(analysis), ["sibling.yaml", "z-1.yaml"]);
  const total = size("sibling.yaml") + tiny.reduce((sum, f) => sum + Buffer.byteLength(f.text), 0);
  assert.deepEqual(analysis.findings.filter((f) => f.ruleId === "file-too-large").map(describe), [
    `a-huge.yaml:1 file-too-large {"bytes":${Buffer.byteLength(huge.text)},"limit":1048576}`,
    ...["z-2.yaml", "z-3.yaml", "z-4.yaml", "z-5.yaml"].map(
      (f) => `${f}:1 file-too-large {"manifestBytes":${total},"limit":${budget}}`,
    ),
  ]);
  const message = analysis.findings.find((f) => f.file === "z-2.yaml")?.message ?? "";
  assert.match(
    message,
    new RegExp(
      `total ${total.toLocaleString("en-US")} bytes, over the analysis limit of ${budget.toLocaleString("en-US")} bytes \\(MTLS_GATE_MAX_MANIFEST_BYTES\\)`,
    ),
  );
  assertSiblingIntact(analysis);
});
