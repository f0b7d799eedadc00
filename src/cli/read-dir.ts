import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SourceFile } from "../core/types.js";
import { decodeFile, isCandidate } from "../core/source/files.js";
import { isKustomizationPath } from "../core/environments/kustomization.js";

/** What the CLI reads: YAML, the policy file, and kustomizations named `Kustomization` (no extension), which kustomize reads too. */
export function isRead(path: string): boolean {
  return isCandidate(path) || isKustomizationPath(path);
}

const SKIPPED_DIRS = new Set([".git", "node_modules"]);

/**
 * Every YAML file below `root` (paths relative to it, with `/`), the way `kubectl apply -R` finds them. Files over
 * `maxBytes` are not read: the core reports them from their size. Symbolic links are not followed: a YAML-named link
 * is passed on with `symlink: true`, so the coverage counts it as skipped.
 */
export function readDirectory(root: string, maxBytes: number): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string, relative: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(full, path);
        continue;
      }
      // A link is not followed (it may leave the tree, or loop): it is reported as skipped, never read.
      if (entry.isSymbolicLink()) {
        if (isRead(path)) files.push({ path, text: "", size: 0, symlink: true });
        continue;
      }
      if (!entry.isFile() || !isRead(path)) continue;
      const size = lstatSync(full).size;
      files.push(size > maxBytes ? { path, text: "", size } : decodeFile(path, readFileSync(full)));
    }
  };
  walk(root, "");
  return files;
}
