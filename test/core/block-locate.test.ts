/**
 * Positions from a block outline (src/core/source/block-locate.ts) against positions from the composed `yaml` tree:
 * every path of every document, the missing ones next to them too, must locate the same range either way.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_LOAD_LIMITS } from "../../src/core/limits.js";
import { blockOutline } from "../../src/core/source/block-locate.js";
import { parseManifestFile } from "../../src/core/source/load.js";
import { blockOutlineCounts, setBlockOutlines, type YamlPath } from "../../src/core/source/yaml-document.js";
import type { SourceFile } from "../../src/core/types.js";
import { benchCorpus, fixtureCorpora } from "../helpers/corpora.js";

/** Every path into a value, with a missing key or index beside each collection and number segments on mappings. */
function paths(value: unknown, prefix: (string | number)[] = [], out: YamlPath[] = []): YamlPath[] {
  out.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((item, i) => paths(item, [...prefix, i], out));
    out.push([...prefix, value.length], [...prefix, "0"]);
  } else if (typeof value === "object" && value !== null) {
    for (const [k, item] of Object.entries(value)) paths(item, [...prefix, k], out);
    out.push([...prefix, "missing"], [...prefix, 0], [...prefix, "missing", "deeper"]);
  } else {
    out.push([...prefix, "below-a-scalar"]);
  }
  return out;
}

/** Each document's ranges for every path, with outlines on or off. */
function ranges(files: readonly SourceFile[], outlines: boolean): string[] {
  setBlockOutlines(outlines);
  const out: string[] = [];
  for (const file of files) {
    if (!/\.ya?ml$/i.test(file.path)) continue;
    for (const doc of parseManifestFile(file, DEFAULT_LOAD_LIMITS, undefined).documents) {
      for (const path of paths(doc.value))
        out.push(`${file.path}#${doc.index} ${JSON.stringify(path)} ${JSON.stringify(doc.locate(path))}`);
    }
  }
  return out;
}

function compare(files: readonly SourceFile[]): { outlined: number; composed: number } {
  const composed = ranges(files, false);
  const outlined = ranges(files, true);
  const counts = blockOutlineCounts();
  setBlockOutlines(true);
  assert.equal(outlined.length, composed.length);
  for (let i = 0; i < outlined.length; i++) assert.equal(outlined[i], composed[i]);
  return counts;
}

describe("block outlines locate what the composed tree locates", () => {
  it("on the benchmark repository, where almost every document is answered by an outline", () => {
    const counts = compare(benchCorpus().files);
    assert.ok(counts.outlined > 0.9 * (counts.outlined + counts.composed), JSON.stringify(counts));
  });

  it("on every fixture directory and example", () => {
    let outlined = 0;
    for (const corpus of fixtureCorpora()) outlined += compare(corpus.files).outlined;
    assert.ok(outlined > 100, `outlines answered ${outlined} fixture documents`);
  });

  it("remembers a position asked before, and each caller gets a copy of its own", () => {
    setBlockOutlines(true);
    const text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n    - port: 80\n";
    const [doc] = parseManifestFile({ path: "a.yaml", text }, DEFAULT_LOAD_LIMITS, undefined).documents;
    assert.ok(doc);
    const first = doc.locate(["spec", "ports", 0, "port"]);
    assert.deepEqual(first, { line: 7, column: 7, endLine: 7, endColumn: 15 });
    first.line = 99;
    // Other documents push this one's outline out of the recent ones: the position is still remembered.
    for (let i = 0; i < 300; i++)
      parseManifestFile({ path: `b${i}.yaml`, text }, DEFAULT_LOAD_LIMITS, undefined).documents[0]?.locate(["kind"]);
    const before = blockOutlineCounts().outlined;
    assert.deepEqual(doc.locate(["spec", "ports", 0, "port"]), { line: 7, column: 7, endLine: 7, endColumn: 15 });
    assert.equal(blockOutlineCounts().outlined, before, "answered without outlining the document again");
    // The key `0` and the index 0 are different paths.
    assert.deepEqual(doc.locate(["spec", "ports", "0"]), doc.locate(["spec", "ports"]));
  });

  it("on hand-written block shapes: comments, quotes, entries, sequences at the key's indentation", () => {
    const text = [
      "--- # the first",
      "apiVersion: v1   # trailing comment",
      "kind: 'Se''cret'",
      "metadata:",
      '  name: "a \\" b"  ',
      "  labels:",
      "    x-y: -12",
      "    host.name: a#b",
      "# a comment line",
      "",
      "spec:",
      "  containers:",
      "  - name: app",
      "    args:",
      "      - --tls-cert-file=/x",
      "      -   spaced",
      "    ports:",
      "    - containerPort: 8443",
      "      name: https",
      "  - image: two",
      "  list:",
      "    -",
      "      nested: true",
      "    - ~",
      "  after: null",
      "---",
      "- one",
      "- k: v",
      "  j: w",
      "",
    ].join("\n");
    const counts = compare([{ path: "shapes.yaml", text }]);
    assert.deepEqual(counts, { outlined: 2, composed: 0 });
  });

  it("refuses what it does not model, so those documents are composed with yaml", () => {
    const refused = [
      "a: {b: c\n",
      "a: [1, 2 # open\n",
      "a: |2\n  text\n",
      "a: |\n    four\n  two\n",
      "a: |\n  text\n   \n",
      "a:\nb: c\n",
      "a: plain\n  continued\n",
      '"quoted": key\n',
      "true: key\n",
      "80: key\n",
      "a: &anchor x\n",
      "a: *alias\n",
      "a: !tag x\n",
      "- - nested\n",
      "a: b: c\n",
      "a:\n-\n",
      "a: 1\n- 2\n",
      'a: "unclosed\n',
    ];
    for (const text of refused) assert.equal(blockOutline(text, 0, text.length), undefined, JSON.stringify(text));
    for (const text of refused) compare([{ path: "refused.yaml", text }]);
  });

  it("flow collections and block scalars: outlined, and a path into a flow collection with content composed", () => {
    const text = [
      "kind: Deployment",
      "spec:",
      "  hosts: []",
      "  empty: {}",
      '  resources: {cpu: "2", memory: \'1Gi\', note: "a # b"}',
      "  list: [a, [b, c]]   # comment",
      "  config: |",
      "    server:",
      "      port: 8080",
      "",
      "    # inside the scalar",
      "  folded: >-",
      "    one",
      "    two",
      "",
      "",
      "  kept: |+",
      "    three",
      "",
      "  last: x",
      "",
    ].join("\n");
    assert.notEqual(blockOutline(text, 0, text.length), undefined);
    const counts = compare([{ path: "flow.yaml", text }]);
    assert.equal(counts.outlined, 1);
    const atEnd = "a: |\n  no final line feed";
    assert.notEqual(blockOutline(atEnd, 0, atEnd.length), undefined);
    compare([{ path: "eof.yaml", text: atEnd }]);
  });

  it("on generated block documents: random nesting, scalars, comments, flow and block scalars", () => {
    let state = 7;
    const random = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % n;
    };
    const pick = <T>(items: readonly T[]): T => items[random(items.length)] as T;
    const keys = ["apiVersion", "kind", "name", "spec", "tls", "service", "x-y", "host.name", "a_b", "e1", "yes", "No"];
    const scalars = [
      "v1",
      "abc",
      "123",
      "-12",
      "1.5",
      "null",
      "~",
      "true",
      '"q"',
      "'s''q'",
      '"a # b"',
      "a#b",
      "/x/y",
      "https://h:8443",
      "=x",
      "$v",
      "(p)",
      "[]",
      "{}",
      "[a, b]",
      "{k: v}",
      "x # c",
      '"e\\""  # c',
    ];
    const block = (indent: number, depth: number, lines: string[]): void => {
      const pad = " ".repeat(indent);
      const asSeq = depth > 0 && random(3) === 0;
      const count = 1 + random(4);
      for (let i = 0; i < count; i++) {
        if (random(6) === 0) lines.push(random(2) === 0 ? "" : `${pad}# note`);
        const head = asSeq ? `${pad}-${pick([" ", "   "])}` : pad;
        const key = asSeq && random(2) === 0 ? "" : `${pick(keys)}:`;
        const child = depth < 3 && random(3) === 0;
        if (key === "") {
          if (child) {
            lines.push(`${pad}-`);
            block(indent + 2, depth + 1, lines);
          } else lines.push(`${head}${pick(scalars)}`);
          continue;
        }
        const at = asSeq ? head.length : indent;
        const prefix = asSeq ? head : pad;
        if (child) {
          lines.push(`${prefix}${key}${random(4) === 0 ? " # c" : ""}`);
          block(random(3) === 0 && !asSeq ? at : at + 2, depth + 1, lines);
        } else if (random(8) === 0) {
          lines.push(`${prefix}${key} ${pick(["|", "|-", "|+", ">", ">-"])}`);
          for (let l = 0; l <= random(3); l++) lines.push(random(5) === 0 ? "" : `${" ".repeat(at + 2)}text ${l}`);
        } else lines.push(`${prefix}${key} ${pick(scalars)}`);
        // Later keys of an entry's mapping sit at the column after its dash.
        if (asSeq) for (let k = random(2); k > 0; k--) lines.push(`${" ".repeat(at)}${pick(keys)}: ${pick(scalars)}`);
      }
    };
    let outlined = 0;
    for (let seed = 0; seed < 400; seed++) {
      const lines: string[] = [];
      block(0, 0, lines);
      const text = `${lines.join("\n")}\n`;
      outlined += compare([{ path: `gen-${seed}.yaml`, text }]).outlined;
    }
    assert.ok(outlined > 100, `outlines answered ${outlined} of 400 generated documents`);
  });
});
