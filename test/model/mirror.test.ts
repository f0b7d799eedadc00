/**
 * test/model/ mirrors src/core/model/: adding a module (a reader, a helper) means adding its test beside the others.
 * Reads the TypeScript sources from the repository root, not the compiled output, so a module is never missed.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modules(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

test("mirror: every src/core/model/**/*.ts has a test/model/**/*.test.ts twin", () => {
  const source = join(ROOT, "src", "core", "model");
  const found = modules(source).map((path) => relative(source, path).split(sep).join("/"));
  assert.ok(found.includes("readers/table.ts"), "the walk reaches src/core/model/readers");
  const missing = found.filter((path) => !existsSync(join(ROOT, "test", "model", path.replace(/\.ts$/, ".test.ts"))));
  assert.deepEqual(missing, []);
});
