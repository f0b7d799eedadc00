/**
 * The repositories the performance work must not change the results of: the benchmark's generated repository (small)
 * and every fixture directory under test/fixtures and examples/, read as the CLI reads a directory.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createCertPool } from "../../bench/cert-pool.js";
import { editOneFile, generateRepository, MIN_RESOURCES } from "../../bench/generate.js";
import type { SourceFile } from "../../src/core/types.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface Corpus {
  name: string;
  files: SourceFile[];
  /** A one-file edit of the corpus (the head of a diff), when it has a file to edit. */
  edited?: SourceFile[];
}

function readTree(dir: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const full = join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push({ path: relative(dir, full), text: readFileSync(full, "utf8") });
    }
  };
  walk(dir);
  return files;
}

/**
 * Every fixture directory under test/fixtures and examples/, each read whole as one tree, and each of their own
 * subdirectories (the real-patterns cases) as a tree of its own too.
 */
export function fixtureCorpora(): Corpus[] {
  const corpora: Corpus[] = [];
  const directories = (at: string) =>
    readdirSync(join(ROOT, at))
      .sort()
      .map((name) => `${at}/${name}`)
      .filter((path) => statSync(join(ROOT, path)).isDirectory());
  for (const parent of ["test/fixtures", "examples"]) {
    for (const dir of directories(parent)) {
      corpora.push({ name: dir, files: readTree(join(ROOT, dir)) });
      for (const sub of directories(dir)) corpora.push({ name: sub, files: readTree(join(ROOT, sub)) });
    }
  }
  return corpora;
}

let pool: ReturnType<typeof createCertPool> | undefined;

/** The benchmark's repository at its smallest size, and the bench's one-file edit of it. */
export function benchCorpus(): Corpus {
  pool ??= createCertPool(2);
  const repo = generateRepository({ resources: MIN_RESOURCES, pool });
  const target = repo.files.find((f) => f.path === repo.editTarget);
  if (!target) throw new Error("the generated repository has no edit target");
  const edited = editOneFile(target, "timeout-and-typo");
  return { name: "bench", files: repo.files, edited: repo.files.map((f) => (f.path === edited.path ? edited : f)) };
}
