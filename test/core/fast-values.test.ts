/**
 * The fast path (fast-values.ts) against the `yaml` path on generated and mutated documents, valid and broken: the same
 * documents, values, diagnostics and positions, whichever path a file takes. A mutation the fast path cannot vouch for
 * must fall back; one it wrongly accepts (a file `yaml` reports, read in silence) fails here.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_LOAD_LIMITS } from "../../src/core/limits.js";
import { fastDocuments, setFastValues } from "../../src/core/source/fast-values.js";
import { parseManifestFile, type ParsedFile } from "../../src/core/source/load.js";
import type { LocatedDocument, YamlPath } from "../../src/core/source/yaml-document.js";
import { modelReads } from "../../src/core/model/build.js";

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function prng(seed: number): {
  next: () => number;
  int: (n: number) => number;
  pick: <T>(items: readonly T[]) => T;
  chance: (p: number) => boolean;
} {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (items) => items[int(items.length)] as (typeof items)[number], chance: (p) => next() < p };
}

type Random = ReturnType<typeof prng>;

const KEYS = [
  "apiVersion",
  "kind",
  "name",
  "spec",
  "tls",
  "hosts",
  "port",
  "1",
  "0x1F",
  "true",
  "null",
  "~",
  "a b",
  "__proto__",
  "x-y",
  "host.name",
  "80",
];
const PLAIN = [
  "v1",
  "Mapping",
  "abc",
  "123",
  "-12",
  "+12",
  "012",
  "0o17",
  "0o19",
  "0x1f",
  "0b101",
  "1_000",
  "1.5",
  ".5",
  "1.",
  "1e3",
  "1.5E-2",
  "+.inf",
  "-.Inf",
  ".nan",
  ".NaN",
  "true",
  "True",
  "TRUE",
  "yes",
  "no",
  "on",
  "off",
  "~",
  "null",
  "Null",
  "NULL",
  "2001-12-14",
  "1:20",
  "http://x.y:80/z",
  "a#b",
  "a # c",
  "-",
  "--- x",
  "a, b",
  "@x",
  "`x",
  "%x",
  "a: b",
  "0.",
  "-0",
  "NaN",
  "Infinity",
  "=",
  "<<",
  "*.example.com",
  "&a",
  "!x",
];
const QUOTED = [
  '"a\\nb"',
  '"\\x41\\u00e9"',
  '"\\q"',
  '"tab\\there"',
  "'it''s'",
  "'a\nb'",
  '"a\n  b"',
  '""',
  "''",
  '"---"',
  '"# not a comment"',
  '"a" # comment',
  "'x' #c",
  '"a"#c',
];

/**
 * Whether the file being generated sticks to what the fast path vouches for (then mostly its mutations test it), or
 * mixes in what it must leave to yaml.
 */
let clean = false;

/** Text the fast path refuses to vouch for (see UNVOUCHED in fast-values.ts): left out of clean files. */
const REFUSED = /[&*!?~%<]|null|Null|NULL|^---|^-$|: |^[[{]|#/;

function scalar(random: Random): string {
  for (;;) {
    const text = random.chance(0.7) ? random.pick(PLAIN) : random.pick(QUOTED);
    if (!clean || ((!REFUSED.test(text) || /^["']/.test(text)) && !/[\n\t]|\\q/.test(text))) return text;
  }
}

function key(random: Random): string {
  for (;;) {
    const text = random.chance(0.85)
      ? random.pick(KEYS)
      : random.pick(['"1"', "'true'", '"a: b"', "[a, b]", "{a: 1}", "? x", ""]);
    if (!clean || (!REFUSED.test(text) && text !== "")) return text;
  }
}

/** A block node at an indentation, as a string of lines (the first line completing a `key:` or `- ` before it). */
function node(random: Random, indent: number, depth: number): string {
  const pad = " ".repeat(indent);
  const roll = random.int(10);
  if (depth > 3 || roll < 4) return ` ${scalar(random)}${random.chance(0.1) ? " # note" : ""}\n`;
  if (roll === 4)
    return ` ${random.pick(["[a, b]", "[]", "{}", "{a: 1, b: [x, y]}", "[a, {b: c}]", "[ 0x1F, 0o7, 1e3 ]", "{a: 1, a: 2}", "[a,\n  b]", "{a: [1, 2}"])}\n`;
  if (roll === 5) {
    const header = random.pick(["|", ">", "|-", ">-", "|+", ">+", "|2", "| # c"]);
    const body = random.pick([
      "line one\nline two",
      "a\n\nb",
      "  more\nless",
      "x\n---\ny",
      "last\n\n",
      "tab\there",
      "- not a list",
    ]);
    return ` ${header}\n${body
      .split("\n")
      .map((line) => (line === "" ? "" : `${pad}  ${line}`))
      .join("\n")}\n`;
  }
  if (roll < 8) {
    let text = "\n";
    const used = new Set<string>();
    for (let i = 0, n = 1 + random.int(4); i < n; i++) {
      const name = key(random);
      // Clean files keep their keys distinct (a duplicate is an error: a mutation makes enough of those).
      if (clean && used.has(name)) continue;
      used.add(name);
      text += `${pad}${name}:${node(random, indent + 2, depth + 1)}`;
    }
    return text;
  }
  let text = "\n";
  for (let i = 0, n = 1 + random.int(3); i < n; i++) text += `${pad}-${node(random, indent + 2, depth + 1)}`;
  return text;
}

function manifest(random: Random): string {
  const kind = random.pick(["Mapping", "TLSContext", "Host", "Secret", "ConfigMap", "Deployment", "Namespace"]);
  let text = `apiVersion: ${random.pick(["getambassador.io/v3alpha1", "v1", "apps/v1"])}\nkind: ${kind}\nmetadata:\n  name: n${random.int(100)}\n`;
  const used = new Set(["apiVersion", "kind", "metadata"]);
  for (let i = 0, n = random.int(4); i < n; i++) {
    const name = key(random);
    if (clean && (used.has(name) || /^[0-9t]/.test(name))) continue;
    used.add(name);
    text += `${name}:${node(random, 2, 1)}`;
  }
  return text;
}

function file(random: Random): string {
  clean = random.chance(0.6);
  const documents: string[] = [];
  for (let i = 0, n = 1 + random.int(3); i < n; i++)
    documents.push(
      random.chance(0.1) ? random.pick(["", "# only a comment\n", "plain\n", "- a\n- b\n"]) : manifest(random),
    );
  let text =
    (random.chance(0.3) ? "# header\n" : "") +
    (random.chance(0.3) ? "---\n" : "") +
    documents.join(random.pick(["---\n", "--- # next\n", "\n---\n"]));
  if (random.chance(0.05)) text = `\ufeff${text}`;
  if (!clean && random.chance(0.05)) text = text.replace(/\n/g, "\r\n");
  if (random.chance(0.05)) text = text.replace(/\n$/, "");
  return text;
}

/** What a clean file's mutations insert: mostly what breaks the syntax without leaving what the fast path reads. */
const CLEAN_INSERTS = [
  " ",
  "  ",
  ":",
  ": ",
  "-",
  "- ",
  " #",
  '"',
  "'",
  "[",
  "]",
  "{",
  "}",
  ",",
  "\n",
  "|",
  ">",
  "|-",
  "\\",
  "@",
  "`",
  "a",
  "x: y",
  "---\n",
  "0x",
  ".",
];

const INSERTS = [
  " ",
  "  ",
  "\t",
  ":",
  ": ",
  "-",
  "- ",
  "#",
  " #",
  '"',
  "'",
  "&a ",
  "*a",
  "!!str ",
  "!t ",
  "[",
  "]",
  "{",
  "}",
  ",",
  "\n",
  "|",
  ">",
  "\ufeff",
  "\r\n",
  "? ",
  "%YAML 1.2\n---\n",
  "@",
  "`",
  "---\n",
  "...\n",
  "<<: ",
  "\\",
  "\u0085",
  "\u0007",
];

function mutate(random: Random, text: string): string {
  const at = random.int(text.length + 1);
  switch (random.int(6)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1 + random.int(3));
    case 1:
    case 2:
      return text.slice(0, at) + random.pick(clean && random.chance(0.8) ? CLEAN_INSERTS : INSERTS) + text.slice(at);
    case 3: {
      // Indent or dedent one line.
      const lines = text.split("\n");
      const i = random.int(lines.length);
      lines[i] = random.chance(0.5) ? ` ${lines[i] ?? ""}` : (lines[i] ?? "").replace(/^ /, "");
      return lines.join("\n");
    }
    case 4: {
      // Duplicate a line (a duplicate key, often).
      const lines = text.split("\n");
      const i = random.int(lines.length);
      lines.splice(i, 0, lines[i] ?? "");
      return lines.join("\n");
    }
    default: {
      const lines = text.split("\n");
      const i = random.int(Math.max(1, lines.length - 1));
      [lines[i], lines[i + 1]] = [lines[i + 1] ?? "", lines[i] ?? ""];
      return lines.join("\n");
    }
  }
}

/** Every path into a value, the missing ones next to them too (locate falls back to the nearest ancestor). */
function paths(value: unknown, prefix: (string | number)[] = [], out: YamlPath[] = []): YamlPath[] {
  out.push(prefix);
  if (out.length > 400) return out;
  if (Array.isArray(value)) {
    value.forEach((item, i) => paths(item, [...prefix, i], out));
    out.push([...prefix, value.length]);
  } else if (typeof value === "object" && value !== null) {
    for (const [k, item] of Object.entries(value)) paths(item, [...prefix, k], out);
    out.push([...prefix, "missing"]);
  }
  return out;
}

function observable(doc: LocatedDocument): unknown {
  return {
    index: doc.index,
    value: doc.value,
    setAside: doc.setAside,
    document: doc.locateDocument(),
    locations: paths(doc.value).map((path) => [path, doc.locate(path)]),
  };
}

function parseBoth(text: string, reads: boolean): { slow: ParsedFile; fast: ParsedFile; wasFast: boolean } {
  const input = { path: "x.yaml", text };
  setFastValues(false);
  const slow = reads ? parseManifestFile(input, undefined, modelReads) : parseManifestFile(input);
  setFastValues(true);
  const fast = reads ? parseManifestFile(input, undefined, modelReads) : parseManifestFile(input);
  return { slow, fast, wasFast: fast.documents.some((doc) => doc.fast) };
}

function assertSame(text: string, reads: boolean): boolean {
  const { slow, fast, wasFast } = parseBoth(text, reads);
  const context = `${JSON.stringify(text)} (reads: ${reads})`;
  assert.deepStrictEqual(fast.diagnostics, slow.diagnostics, context);
  assert.deepStrictEqual(fast.summary, slow.summary, context);
  assert.deepStrictEqual(fast.documents.map(observable), slow.documents.map(observable), context);
  return wasFast;
}

describe("fast values: the same documents, values, diagnostics and positions as the yaml path", () => {
  it("generated files and their mutations (valid and broken), a few thousand", () => {
    let fast = 0;
    let total = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const random = prng(seed);
      let text = file(random);
      for (let round = 0; round < 3; round++) {
        for (const reads of [false, true]) {
          total++;
          if (assertSame(text, reads)) fast++;
        }
        text = mutate(random, text);
      }
    }
    // The comparison means something only if the fast path is taken for a good share of the files.
    assert.ok(fast > total / 5, `${fast} of ${total} on the fast path`);
  });

  it("cases the fast path must leave to yaml: each is read by yaml alone, with yaml's findings", () => {
    const cases = [
      "a: 1\na: 2\n",
      "a:\n\tb: 1\n",
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "%YAML 1.2\n---\na: 1\n",
      "<<: {a: 1}\n",
      "? a\n: b\n",
      "[a]: b\n",
      "~: 1\n",
      ": 1\n",
      'a: "x"#c\n',
      "a: [1,\n  2]\n",
      'a: "x\n  y"\n',
      "a: 1\n...\nb: 2\n",
      "--- a\n",
      `${"k".repeat(1100)}: v\n`,
      "a: 1\r\nb: 2\r\n",
      "a: 'x\n  y'\n",
      // js-yaml reads `---x` as a marker and a key `x`; yaml reads a key `---x`. Found by the generated cases.
      "---x: y\n",
      "a: 1\n...x\n",
      // js-yaml reads these as lists; yaml refuses the less indented item. Found by the generated cases.
      "name:\n    -\n  -\n      x: 1\n",
      "x:\n  -\n -\n      - TRUE\n",
      "  a: 1\nb: 2\n",
      "x:\n  -\n    - -\n  - 1:20\n",
      "a: >+\n    - not a list\n ",
    ];
    for (const text of cases) {
      assert.equal(fastDocuments(text, DEFAULT_LOAD_LIMITS), undefined, JSON.stringify(text));
      assertSame(text, false);
    }
  });

  it("simple manifests are read on the fast path, with yaml's values and positions", () => {
    const text =
      "# header\napiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: m\nspec:\n  port: 0x1F\n  on: yes\n  list: [a, 'b', \"c\"]\n  cert: |\n    line\n---\n---\napiVersion: v1\nkind: ConfigMap\ndata:\n  big: 1_000\n  oct: 0o17\n";
    assert.equal(assertSame(text, false), true);
    assert.equal(assertSame(text, true), true);
    const docs = fastDocuments(text, DEFAULT_LOAD_LIMITS);
    assert.deepEqual(
      docs?.map((doc) => doc.index),
      [0, 1, 2],
    );
  });
});
