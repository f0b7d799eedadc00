/**
 * The repository's files as a render sees them: every file (templates, _helpers.tpl, generator inputs, not only YAML),
 * and the symbolic links that leave the tree, which are never followed. Copied into a temporary directory that holds
 * nothing else before any tool runs.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { SourceFile } from "../core/types.js";

export interface RepoTree {
  /** Every regular file (and link inside the tree, read through) by path relative to the root. */
  files: Map<string, Buffer>;
  /** Links whose target leaves the root (or does not exist): refused when a render would read them. */
  outside: Set<string>;
}

const SKIPPED_DIRS = new Set([".git", "node_modules"]);
/** A repository larger than this is not copied whole: renders then see what fits (and fail where that is not enough). */
export const MAX_TREE_BYTES = 200 * 1024 * 1024;
export const MAX_RENDER_FILE_BYTES = 10 * 1024 * 1024;

export function readRepoTree(root: string): RepoTree {
  const files = new Map<string, Buffer>();
  const outside = new Set<string>();
  const realRoot = realpathSync(root);
  let total = 0;
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(full, path);
        continue;
      }
      if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(full);
        } catch {
          outside.add(path);
          continue;
        }
        const within = relative(realRoot, target);
        if (
          within.startsWith("..") ||
          within.split(sep)[0] === ".." ||
          target === realRoot ||
          !lstatSync(target).isFile()
        ) {
          outside.add(path);
          continue;
        }
        add(path, target);
        continue;
      }
      if (entry.isFile()) add(path, full);
    }
  };
  const add = (path: string, full: string) => {
    const size = lstatSync(full).size;
    if (size > MAX_RENDER_FILE_BYTES || total + size > MAX_TREE_BYTES) return;
    total += size;
    files.set(path, readFileSync(full));
  };
  walk(root, "");
  return { files, outside };
}

/** A tree from files already in memory (a git revision): what the reader kept, symlinks counted as leaving. */
export function repoTreeFromSources(sources: readonly SourceFile[]): RepoTree {
  const files = new Map<string, Buffer>();
  const outside = new Set<string>();
  for (const file of sources) {
    if (file.symlink) outside.add(file.path);
    else if (!file.binary) files.set(file.path, Buffer.from(file.text, "utf8"));
  }
  return { files, outside };
}

/** The tree as SourceFiles of text (for discovery and the refusal checks, which read kustomizations and charts). */
export function textOf(tree: RepoTree, path: string): string | undefined {
  return tree.files.get(path)?.toString("utf8");
}

/** Writes the tree under `dir`: regular files only, so nothing in it points anywhere else. */
export function materialize(tree: RepoTree, dir: string): void {
  for (const [path, bytes] of tree.files) {
    const target = join(dir, ...path.split("/"));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes, { mode: 0o644 });
  }
}
