/**
 * Renders cached by what they read. A render is a function of the environment's definition, the tool, the limits and
 * the bytes of the files under the roots it reads; when none of those changed, the earlier outcome is the outcome. So
 * the base and the head of a pull request share the renders of the environments the change does not touch, and a
 * process that keeps one cache shares them across checks. In memory only, least recently used first out, within a byte
 * budget (an estimate: the size of the outcome as JSON).
 */
import { createHash } from "node:crypto";
import { parse } from "yaml";
import type { Environment } from "./discover-local.js";
import { directoryOf, joinRelative } from "./discover-local.js";
import type { RunLimits } from "./process.js";
import type { RepoTree } from "./repo.js";
import type { RenderTools } from "./tools.js";

export interface RenderCacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
  evictions: number;
}

interface Entry<V> {
  value: V;
  bytes: number;
}

/** 64 MiB: a few hundred rendered environments of ordinary size. */
export const DEFAULT_RENDER_CACHE_BYTES = 64 * 1024 * 1024;

export class RenderCache<V = unknown> {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  private readonly entries = new Map<string, Entry<V>>();
  private total = 0;
  private readonly counts = { hits: 0, misses: 0, evictions: 0 };

  constructor(readonly maxBytes: number = DEFAULT_RENDER_CACHE_BYTES) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.counts.misses++;
      return undefined;
    }
    this.counts.hits++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` as `bytes` large; one larger than the whole budget is not kept (it would evict everything). */
  set(key: string, value: V, bytes: number): void {
    const known = this.entries.get(key);
    if (known) {
      this.entries.delete(key);
      this.total -= known.bytes;
    }
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.total -= entry.bytes;
      this.counts.evictions++;
    }
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  stats(): RenderCacheStats {
    return { ...this.counts, entries: this.entries.size, bytes: this.total };
  }
}

const under = (path: string, dir: string) => dir === "" || path === dir || path.startsWith(`${dir}/`);

/** Every string in a parsed YAML value (a kustomization's paths are strings anywhere in it: patches, generators...). */
function stringsIn(value: unknown, out: string[]): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (value && typeof value === "object") for (const item of Object.values(value)) stringsIn(item, out);
  return out;
}

/**
 * The roots a render reads. Helm: the chart directory and the values files. Kustomize: the directory of every
 * kustomization in the closure, plus any file or directory of the tree that a string in one of those kustomizations
 * names relative to its directory (patch files, generator inputs, single-file resources elsewhere): a generous
 * over-approximation, since a root too many only costs a cache miss, and a root too few would serve a stale render.
 */
export function renderRoots(tree: RepoTree, env: Environment, kustomizations?: ReadonlyMap<string, string>): string[] {
  const roots = new Set<string>([env.root]);
  let directories: Set<string> | undefined;
  const isDirectory = (path: string) => {
    if (!directories) {
      directories = new Set();
      for (const file of tree.files.keys())
        for (let dir = directoryOf(file); dir !== "" && !directories.has(dir); dir = directoryOf(dir))
          directories.add(dir);
    }
    return directories.has(path);
  };
  for (const values of env.helm?.valuesFiles ?? []) roots.add(values);
  for (const [dir, file] of kustomizations ?? []) {
    roots.add(dir);
    let value: unknown;
    try {
      value = parse(tree.files.get(file)?.toString("utf8") ?? "");
    } catch {
      continue;
    }
    for (const text of stringsIn(value, [])) {
      // `files: [key=path]` in generators names its file after the `=`.
      for (const candidate of [text, text.slice(text.indexOf("=") + 1)]) {
        const target = joinRelative(directoryOf(file), candidate.trim());
        if (target === undefined || target === "" || /\s/.test(candidate.trim())) continue;
        if (tree.files.has(target)) roots.add(target);
        else if (isDirectory(target)) roots.add(target);
      }
    }
  }
  return [...roots].sort();
}

/**
 * The cache key of one render: the environment's definition (without its plain files, which the render does not
 * read), the tool and limits, and the path and bytes of every file under the roots (links that leave the tree too,
 * since they decide a refusal).
 */
export function renderKey(
  tree: RepoTree,
  env: Environment,
  roots: readonly string[],
  tools: RenderTools,
  limits: RunLimits,
): string {
  const hash = createHash("sha256");
  const definition = { ...env, plainFiles: undefined };
  hash.update(JSON.stringify({ definition, tools, limits, roots }));
  const paths = [...tree.files.keys()].filter((p) => roots.some((r) => under(p, r))).sort();
  for (const path of paths) {
    const bytes = tree.files.get(path) as Buffer;
    hash.update(`\0${path}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  const outside = [...tree.outside].filter((p) => roots.some((r) => under(p, r))).sort();
  hash.update(`\0outside\0${outside.join("\0")}`);
  return hash.digest("hex");
}
