/**
 * Bounded work per check: duplicate keys found in one pass, and big mappings' fields found by key, so one mapping of
 * 100,000 keys costs what any other megabyte of YAML costs. One test times anything: four 1 MiB mappings, with a wide
 * margin (the parser's duplicate check made one cost 90 s).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Parser } from "yaml";
import { analyzeTree, type TreeAnalysis } from "../../src/core/analyze.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { DEFAULT_LOAD_LIMITS, parseYamlText, type LoadLimits } from "../../src/core/source/load.js";
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
  return `${finding.file}:${finding.line} ${finding.ruleId} ${JSON.stringify(finding.data)}`;
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
