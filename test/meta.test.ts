/**
 * Meta-tests: the conventions every rule must follow (registered, named after its file, documented, tested), and the
 * purity of the core. Runs from dist (dist/test/meta.test.js): sources, docs and tests are read from the repository
 * root, rule modules are imported compiled from dist.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { DIAGNOSTICS } from "../src/core/diagnostics.js";
import { RULES, RULES_BY_ID } from "../src/core/rules/index.js";
import type { Rule } from "../src/core/rules/rule.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RULES_DIR = join(ROOT, "src", "core", "rules");

/** The modules of src/core/rules that are not rules. Every other file there must export `rule`. */
const HELPERS = new Set([
  "rule.ts",
  "locations.ts",
  "describe.ts",
  "context-usage.ts",
  "lookups.ts",
  "selectors.ts",
  "index.ts",
]);

const SEVERITIES = new Set(["error", "warning", "notice"]);
const KEBAB_CASE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

function ruleSourceFiles(): string[] {
  return readdirSync(RULES_DIR)
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
    .sort();
}

/** Imports the compiled module of `src/core/rules/<file>.ts` and returns its `rule` export, if any. */
async function ruleExportOf(file: string): Promise<unknown> {
  const url = new URL(`../src/core/rules/${file.replace(/\.ts$/, ".js")}`, import.meta.url);
  const module = (await import(url.href)) as Record<string, unknown>;
  return Object.hasOwn(module, "rule") ? module.rule : undefined;
}

function listTs(dir: string): string[] {
  const result: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) result.push(...listTs(path));
    else if (entry.endsWith(".ts")) result.push(path);
  }
  return result;
}

/** Every module specifier of a TypeScript source: static imports and re-exports, side-effect and dynamic imports. */
function importSpecifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  const found: string[] = [];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) if (match[1]) found.push(match[1]);
  return found;
}

function rel(path: string): string {
  return relative(ROOT, path).split(sep).join("/");
}

test("(a) every rule file exports a registered rule named after the file; only helpers export none", async () => {
  const problems: string[] = [];
  const exported = new Set<unknown>();
  for (const file of ruleSourceFiles()) {
    const rule = await ruleExportOf(file);
    if (rule === undefined) {
      if (!HELPERS.has(file)) {
        problems.push(`src/core/rules/${file} exports no \`rule\` and is not a known helper module`);
      }
      continue;
    }
    exported.add(rule);
    const id = file.replace(/\.ts$/, "");
    const meta = (rule as Partial<Rule>).meta;
    if (meta?.id !== id) {
      problems.push(`src/core/rules/${file}: meta.id is ${JSON.stringify(meta?.id)}, expected "${id}"`);
    }
    if (!RULES.includes(rule as Rule)) {
      problems.push(`src/core/rules/${file}: its rule is not registered in RULES (src/core/rules/index.ts)`);
    }
  }
  for (const rule of RULES) {
    if (!exported.has(rule)) {
      problems.push(`RULES has ${rule.meta.id}, which is not the \`rule\` export of src/core/rules/${rule.meta.id}.ts`);
    }
  }
  assert.deepEqual(problems, []);
});

test("(b) RULES is sorted by id, ids are unique and kebab-case", () => {
  const ids = RULES.map((rule) => rule.meta.id);
  assert.ok(ids.length > 0, "RULES is empty");
  const badIds = ids.filter((id) => !KEBAB_CASE.test(id));
  assert.deepEqual(badIds, [], "ids must be kebab-case");
  const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
  assert.deepEqual(duplicates, [], "ids must be unique");
  const sorted = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  assert.deepEqual(ids, sorted, "RULES must be sorted by id");
});

test("(c) every rule has docs/rules/<id>.md: first line `# <id>`, its default severity, a row in the index", () => {
  const problems: string[] = [];
  const indexPath = join(ROOT, "docs", "rules", "README.md");
  const index = existsSync(indexPath) ? readFileSync(indexPath, "utf8") : "";
  if (!index) problems.push("docs/rules/README.md is missing");
  for (const { meta } of RULES) {
    const page = `docs/rules/${meta.id}.md`;
    const path = join(ROOT, page);
    if (!existsSync(path)) {
      problems.push(`${page} is missing`);
      continue;
    }
    const text = readFileSync(path, "utf8");
    const firstLine = text.split(/\r?\n/, 1)[0];
    if (firstLine !== `# ${meta.id}`) {
      problems.push(`${page}: first line is ${JSON.stringify(firstLine)}, expected "# ${meta.id}"`);
    }
    const stated = /default severity:?\**:?\s*`?(error|warning|notice)\b/i.exec(text)?.[1]?.toLowerCase();
    if (stated !== meta.severity) {
      problems.push(
        `${page}: must state "Default severity: ${meta.severity}" (found ${stated ? `"${stated}"` : "none"})`,
      );
    }
    if (index && !index.includes(`](${meta.id}.md)`)) problems.push(`docs/rules/README.md does not link ${meta.id}.md`);
  }
  const ids = new Set(RULES.map((rule) => rule.meta.id));
  const pages = existsSync(join(ROOT, "docs", "rules")) ? readdirSync(join(ROOT, "docs", "rules")) : [];
  for (const page of pages) {
    if (page.endsWith(".md") && page !== "README.md" && !ids.has(page.slice(0, -3))) {
      problems.push(`docs/rules/${page} documents no registered rule`);
    }
  }
  assert.deepEqual(problems, []);
});

test("(d) every rule has test/rules/<id>.test.ts", () => {
  const missing = RULES.map((rule) => `test/rules/${rule.meta.id}.test.ts`).filter(
    (path) => !existsSync(join(ROOT, path)),
  );
  assert.deepEqual(missing, [], `${missing.length} rule(s) without a test file`);
});

test("(e) src/core and src/report import nothing from src/app, src/cli, probot or @octokit", () => {
  const forbiddenDirs = [join(ROOT, "src", "app"), join(ROOT, "src", "cli")];
  const problems: string[] = [];
  const files = [...listTs(join(ROOT, "src", "core")), ...listTs(join(ROOT, "src", "report"))];
  assert.ok(files.length > 0, "no sources found under src/core and src/report");
  for (const file of files) {
    for (const specifier of importSpecifiers(readFileSync(file, "utf8"))) {
      if (specifier === "probot" || specifier.startsWith("probot/") || specifier.startsWith("@octokit/")) {
        problems.push(`${rel(file)} imports ${specifier}`);
      } else if (specifier.startsWith(".")) {
        const target = resolve(dirname(file), specifier);
        if (forbiddenDirs.some((dir) => target === dir || target.startsWith(dir + sep))) {
          problems.push(`${rel(file)} imports ${specifier} (${rel(target)})`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);
});

/** The layers: each source folder may not import from these folders or modules. */
const LAYERS: readonly { folder: string; forbiddenFolders: string[]; forbiddenModules: string[] }[] = [
  {
    folder: "core",
    forbiddenFolders: ["report", "app", "cli", "action", "render"],
    forbiddenModules: ["fs", "child_process", "worker_threads", "net", "http", "https"],
  },
  { folder: "report", forbiddenFolders: ["app", "cli", "action", "render"], forbiddenModules: ["fs", "child_process"] },
  // An adapter like src/cli (it runs kustomize and helm): it may import the core, never the front ends, nor the network.
  { folder: "render", forbiddenFolders: ["app", "cli", "action", "report"], forbiddenModules: ["net", "http", "https"] },
];

test("(e2) layers: src/core is pure (no report, app, cli, action, render, fs, child_process); src/report imports no adapter; src/render only the core", () => {
  const problems: string[] = [];
  for (const layer of LAYERS) {
    const forbiddenDirs = layer.forbiddenFolders.map((f) => join(ROOT, "src", f));
    for (const file of listTs(join(ROOT, "src", layer.folder))) {
      for (const specifier of importSpecifiers(readFileSync(file, "utf8"))) {
        const module = specifier.replace(/^node:/, "").split("/")[0] ?? "";
        if (layer.forbiddenModules.includes(module) && !specifier.startsWith("."))
          problems.push(`${rel(file)} imports ${specifier}`);
        if (!specifier.startsWith(".")) continue;
        const target = resolve(dirname(file), specifier);
        if (forbiddenDirs.some((dir) => target === dir || target.startsWith(dir + sep)))
          problems.push(`${rel(file)} imports ${specifier} (${rel(target)})`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test("(f) every rule's description is one line under 200 characters and its severity is error|warning|notice", () => {
  const problems: string[] = [];
  for (const { meta } of RULES) {
    const description: unknown = meta.description;
    if (typeof description !== "string" || description.trim() === "") {
      problems.push(`${meta.id}: empty description`);
    } else if (/[\r\n]/.test(description)) {
      problems.push(`${meta.id}: description spans several lines`);
    } else if (description.length >= 200) {
      problems.push(`${meta.id}: description is ${description.length} characters (at most 199)`);
    }
    if (!SEVERITIES.has(meta.severity)) problems.push(`${meta.id}: severity ${JSON.stringify(meta.severity)}`);
  }
  assert.deepEqual(problems, []);
});

test("(g) every rule declares its messages: kebab-case ids, each a template function", () => {
  const problems: string[] = [];
  for (const { meta } of RULES) {
    const messages: unknown = meta.messages;
    if (typeof messages !== "object" || messages === null || Object.keys(messages).length === 0) {
      problems.push(`${meta.id}: no meta.messages`);
      continue;
    }
    for (const [id, template] of Object.entries(messages)) {
      if (!KEBAB_CASE.test(id)) problems.push(`${meta.id}: message id ${JSON.stringify(id)} is not kebab-case`);
      if (typeof template !== "function") problems.push(`${meta.id}: message ${id} is not a template function`);
    }
  }
  assert.deepEqual(problems, []);
});

test("(h) DIAGNOSTICS routes every kind to a registered rule that declares its message", () => {
  const problems: string[] = [];
  for (const [kind, route] of Object.entries(DIAGNOSTICS)) {
    const rule = RULES_BY_ID.get(route.rule);
    if (!rule) problems.push(`${kind}: rule ${route.rule} is not registered`);
    else if (!Object.hasOwn(rule.meta.messages, route.messageId)) problems.push(`${kind}: ${route.rule} does not declare message ${route.messageId}`);
  }
  assert.deepEqual(problems, []);
});
