import { spawnSync } from "node:child_process";
import type { SourceFile } from "../core/types.js";
import { decodeFile } from "../core/source/files.js";
import { MAX_RENDER_FILE_BYTES, MAX_TREE_BYTES, type RepoTree } from "../render/repo.js";
import { isRead } from "./read-dir.js";

export class GitError extends Error {}

function git(cwd: string, args: string[], input?: Buffer): Buffer {
  const result = spawnSync("git", args, { cwd, input, maxBuffer: 1024 * 1024 * 1024 });
  if (result.error) throw new GitError(`git could not run: ${result.error.message}`);
  if (result.status !== 0) throw new GitError(`git ${args[0]} failed: ${result.stderr.toString().trim().split("\n")[0] ?? ""}`);
  return result.stdout;
}

/** The top-level directory of the git repository `dir` is in, or null outside one (or without git). */
export function gitTopLevel(dir: string): string | null {
  const result = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: dir });
  if (result.error || result.status !== 0) return null;
  return result.stdout.toString().trim() || null;
}

/** The repository-relative prefix of `dir` (empty at the top), and the top-level directory. */
export function repositoryOf(dir: string): { top: string; prefix: string } {
  if (gitTopLevel(dir) === null) throw new GitError(`${dir} is not inside a git repository (--base and --head read git revisions)`);
  const top = git(dir, ["rev-parse", "--show-toplevel"]).toString().trim();
  const prefix = git(dir, ["rev-parse", "--show-prefix"]).toString().trim();
  return { top, prefix };
}

/** Throws, naming the ref, unless it names a commit (a branch, a tag, a SHA, `HEAD~1`…). */
export function verifyCommit(top: string, ref: string): void {
  // A ref that starts with "-" would be read as an option by the git commands that follow.
  if (ref.startsWith("-") || ref === "") throw new GitError(`${ref} is not a commit in ${top}`);
  // --quiet: git says nothing on a bad ref, so the message is ours.
  const result = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: top });
  if (result.error) throw new GitError(`git could not run: ${result.error.message}`);
  if (result.status !== 0) throw new GitError(`${ref} is not a commit in ${top}`);
}

/** A file's text at `ref` (path relative to the top), or undefined when the commit has no such file. */
export function readFileAtRef(top: string, ref: string, path: string): string | undefined {
  verifyCommit(top, ref);
  const result = spawnSync("git", ["cat-file", "blob", `${ref}:${path}`], { cwd: top, maxBuffer: 64 * 1024 * 1024 });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.toString("utf8");
}

interface TreeEntry {
  path: string;
  sha: string;
  size: number;
  symlink: boolean;
}

/**
 * The blobs of `dir` at `ref` whose path `keep` accepts, read from git's object store (no checkout): one `ls-tree`,
 * then one `cat-file --batch` for the blobs `read` accepts. Paths are relative to `dir`.
 */
function blobsAtRef(
  dir: string,
  ref: string,
  keep: (path: string) => boolean,
  read: (entry: TreeEntry) => boolean,
): { entries: TreeEntry[]; contents: Map<string, Uint8Array> } {
  const { top, prefix } = repositoryOf(dir);
  verifyCommit(top, ref);
  const listing = git(top, ["ls-tree", "-r", "-z", "--long", ref, "--", prefix || "."]).toString("utf8");
  const entries: TreeEntry[] = [];
  for (const record of listing.split("\0")) {
    if (!record) continue;
    const tab = record.indexOf("\t");
    const [mode, type, sha, size] = record.slice(0, tab).trim().split(/\s+/);
    const fullPath = record.slice(tab + 1);
    if (type !== "blob" || !sha || !fullPath.startsWith(prefix)) continue;
    const path = fullPath.slice(prefix.length);
    if (!keep(path)) continue;
    // A symbolic link's blob is its target path: reported as skipped (symlink), never read as YAML.
    entries.push({ path, sha, size: Number(size), symlink: mode === "120000" });
  }
  const wanted = entries.filter((e) => !e.symlink && read(e));
  const blobs = wanted.length > 0 ? git(top, ["cat-file", "--batch"], Buffer.from(wanted.map((e) => e.sha).join("\n") + "\n")) : Buffer.alloc(0);
  const contents = new Map<string, Uint8Array>();
  let offset = 0;
  for (const entry of wanted) {
    const headerEnd = blobs.indexOf(0x0a, offset);
    const header = blobs.subarray(offset, headerEnd).toString();
    const length = Number(header.split(" ")[2]);
    contents.set(entry.sha, blobs.subarray(headerEnd + 1, headerEnd + 1 + length));
    offset = headerEnd + 1 + length + 1;
  }
  return { entries, contents };
}

/**
 * The YAML files of `dir` as they are at `ref` (and kustomizations named `Kustomization`), read from git's object
 * store. Paths are relative to `dir`.
 */
export function readTreeAtRef(dir: string, ref: string, maxBytes: number): SourceFile[] {
  const { entries, contents } = blobsAtRef(dir, ref, isRead, (e) => e.size <= maxBytes);
  return entries.map((entry): SourceFile => {
    if (entry.symlink) return { path: entry.path, text: "", size: 0, symlink: true };
    const bytes = contents.get(entry.sha);
    return bytes ? decodeFile(entry.path, bytes) : { path: entry.path, text: "", size: entry.size };
  });
}

/**
 * Every file of `dir` at `ref` as a render reads it, like the working tree's readRepoTree: chart templates and
 * `_helpers.tpl`, generator inputs, vendored `.tgz` charts, bytes as stored (YAML alone would not render). Symbolic
 * links are never followed (a git link's target is not checked out): listed as leaving the tree.
 */
export function readRepoTreeAtRef(dir: string, ref: string): RepoTree {
  let total = 0;
  const { entries, contents } = blobsAtRef(
    dir,
    ref,
    (path) => !path.split("/").some((part) => part === ".git" || part === "node_modules"),
    (entry) => {
      if (entry.size > MAX_RENDER_FILE_BYTES || total + entry.size > MAX_TREE_BYTES) return false;
      total += entry.size;
      return true;
    },
  );
  const files = new Map<string, Buffer>();
  const outside = new Set<string>();
  for (const entry of entries) {
    if (entry.symlink) outside.add(entry.path);
    const bytes = contents.get(entry.sha);
    if (bytes && !entry.symlink) files.set(entry.path, Buffer.from(bytes));
  }
  return { files, outside };
}
