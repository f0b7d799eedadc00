import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SourceFile } from "../core/types.js";
import { POLICY_PATH } from "../core/policy/policy.js";

const SKIPPED_DIRS = new Set([".git", "node_modules"]);
const utf8 = new TextDecoder("utf-8", { fatal: true });

export function isCandidate(path: string): boolean {
  return /\.ya?ml$/i.test(path) || path === POLICY_PATH;
}

/** Decodes file bytes; invalid UTF-8 or NUL bytes mark the file binary instead of throwing. */
export function decodeFile(path: string, bytes: Uint8Array): SourceFile {
  if (bytes.includes(0)) return { path, text: "", size: bytes.length, binary: true };
  try {
    return { path, text: utf8.decode(bytes), size: bytes.length };
  } catch {
    return { path, text: "", size: bytes.length, binary: true };
  }
}

/**
 * Every YAML file below `root` (paths relative to it, with `/`), the way `kubectl apply -R` finds them. Files over
 * `maxBytes` are not read: the core reports them from their size.
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
      if (!entry.isFile() || !isCandidate(path)) continue;
      const size = lstatSync(full).size;
      files.push(size > maxBytes ? { path, text: "", size } : decodeFile(path, readFileSync(full)));
    }
  };
  walk(root, "");
  return files;
}
