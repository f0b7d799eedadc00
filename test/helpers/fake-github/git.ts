/**
 * Real git objects: blobs, trees and commits are hashed exactly as git hashes them, so a blob SHA recomputed from a
 * file's bytes, or a tree SHA recomputed by `git mktree`, equals the one the fake serves.
 */
import { createHash } from "node:crypto";

export const BLOB_MODE = "100644";
export const TREE_MODE = "040000";

export interface Blob {
  type: "blob";
  sha: string;
  data: Buffer;
}

export interface TreeEntry {
  name: string;
  /** As the REST API spells it: "100644" or "040000". */
  mode: string;
  type: "blob" | "tree";
  sha: string;
}

export interface Tree {
  type: "tree";
  sha: string;
  entries: TreeEntry[];
}

export interface Commit {
  type: "commit";
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  /** Seconds since the epoch: author and committer date. */
  time: number;
  /** Creation order within the repository (1, 2, ...). */
  seq: number;
}

export type GitObject = Blob | Tree | Commit;

/** A commit's files, path -> blob SHA. */
export type FlatTree = Map<string, string>;

/** A listing entry of a recursive tree, in git's order (a directory before its contents). */
export interface WalkedEntry {
  path: string;
  mode: string;
  type: "blob" | "tree";
  sha: string;
  size?: number;
}

export const AUTHOR = { name: "Fake Author", email: "author@example.com" };
const FIRST_COMMIT_TIME = Date.UTC(2026, 0, 1) / 1000;

export function gitHash(type: string, content: Buffer): string {
  return createHash("sha1").update(`${type} ${content.length}\0`).update(content).digest("hex");
}

export function toBytes(content: string | Uint8Array): Buffer {
  return typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}

/** Git orders tree entries by name, comparing a subtree's name as if it ended in "/". */
function gitOrder(a: TreeEntry, b: TreeEntry): number {
  const ka = Buffer.from(a.type === "tree" ? `${a.name}/` : a.name);
  const kb = Buffer.from(b.type === "tree" ? `${b.name}/` : b.name);
  return Buffer.compare(ka, kb);
}

export function validatePath(path: string): void {
  const parts = path.split("/");
  if (path === "" || parts.some((p) => p === "" || p === "." || p === ".." || p === ".git" || p.includes("\0"))) {
    throw new Error(`fake-github: invalid file path ${JSON.stringify(path)}`);
  }
}

export class ObjectStore {
  readonly objects = new Map<string, GitObject>();
  private commitsMade = 0;

  putBlob(content: string | Uint8Array): string {
    const data = toBytes(content);
    const sha = gitHash("blob", data);
    if (!this.objects.has(sha)) this.objects.set(sha, { type: "blob", sha, data: Buffer.from(data) });
    return sha;
  }

  /** Builds (and stores) the trees of a set of files; returns the root tree's SHA. */
  putTree(files: FlatTree): string {
    interface Dir {
      files: Map<string, string>;
      dirs: Map<string, Dir>;
    }
    const root: Dir = { files: new Map(), dirs: new Map() };
    for (const [path, sha] of files) {
      validatePath(path);
      const parts = path.split("/");
      const fileName = parts.pop() as string;
      let dir = root;
      let soFar = "";
      for (const part of parts) {
        soFar = soFar ? `${soFar}/${part}` : part;
        if (dir.files.has(part)) throw new Error(`fake-github: ${soFar} is both a file and a directory`);
        let next = dir.dirs.get(part);
        if (!next) {
          next = { files: new Map(), dirs: new Map() };
          dir.dirs.set(part, next);
        }
        dir = next;
      }
      if (dir.dirs.has(fileName)) throw new Error(`fake-github: ${path} is both a file and a directory`);
      dir.files.set(fileName, sha);
    }
    const write = (dir: Dir): string => {
      const entries: TreeEntry[] = [];
      for (const [name, sha] of dir.files) entries.push({ name, mode: BLOB_MODE, type: "blob", sha });
      for (const [name, sub] of dir.dirs) entries.push({ name, mode: TREE_MODE, type: "tree", sha: write(sub) });
      entries.sort(gitOrder);
      const content = Buffer.concat(
        entries.map((e) => Buffer.concat([Buffer.from(`${e.type === "tree" ? "40000" : e.mode} ${e.name}\0`), Buffer.from(e.sha, "hex")])),
      );
      const sha = gitHash("tree", content);
      if (!this.objects.has(sha)) this.objects.set(sha, { type: "tree", sha, entries });
      return sha;
    };
    return write(root);
  }

  putCommit(tree: string, parents: string[], message: string | undefined): string {
    for (const parent of parents) this.commit(parent);
    const seq = ++this.commitsMade;
    const time = FIRST_COMMIT_TIME + seq * 60;
    const text = message ?? `Commit ${seq}`;
    const who = `${AUTHOR.name} <${AUTHOR.email}> ${time} +0000`;
    const content = Buffer.from(
      [`tree ${tree}`, ...parents.map((p) => `parent ${p}`), `author ${who}`, `committer ${who}`, "", `${text}\n`].join("\n"),
    );
    const sha = gitHash("commit", content);
    this.objects.set(sha, { type: "commit", sha, tree, parents: [...parents], message: text, time, seq });
    return sha;
  }

  commitCount(): number {
    return this.commitsMade;
  }

  get(sha: string): GitObject | undefined {
    return this.objects.get(sha);
  }

  commit(sha: string): Commit {
    const object = this.objects.get(sha);
    if (object?.type !== "commit") throw new Error(`fake-github: ${sha} is not a commit of this repository`);
    return object;
  }

  blob(sha: string): Blob {
    const object = this.objects.get(sha);
    if (object?.type !== "blob") throw new Error(`fake-github: ${sha} is not a blob of this repository`);
    return object;
  }

  tree(sha: string): Tree {
    const object = this.objects.get(sha);
    if (object?.type !== "tree") throw new Error(`fake-github: ${sha} is not a tree of this repository`);
    return object;
  }

  /** Every entry under a tree, recursively, in the order git (and GitHub) lists them. */
  walk(treeSha: string, recursive: boolean): WalkedEntry[] {
    const out: WalkedEntry[] = [];
    const visit = (sha: string, prefix: string) => {
      for (const entry of this.tree(sha).entries) {
        const path = prefix + entry.name;
        if (entry.type === "blob") {
          out.push({ path, mode: entry.mode, type: "blob", sha: entry.sha, size: this.blob(entry.sha).data.length });
        } else {
          out.push({ path, mode: entry.mode, type: "tree", sha: entry.sha });
          if (recursive) visit(entry.sha, `${path}/`);
        }
      }
    };
    visit(treeSha, "");
    return out;
  }

  flatten(treeSha: string): FlatTree {
    const files: FlatTree = new Map();
    for (const entry of this.walk(treeSha, true)) if (entry.type === "blob") files.set(entry.path, entry.sha);
    return files;
  }

  /** The commit and all its ancestors. */
  ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...this.commit(next).parents);
    }
    return seen;
  }

  /** The best common ancestor, as `git merge-base` picks it (the newest when several are equally good); null if none. */
  mergeBase(a: string, b: string): string | null {
    const ofB = this.ancestors(b);
    const common = [...this.ancestors(a)].filter((sha) => ofB.has(sha));
    if (common.length === 0) return null;
    const best = common.filter((candidate) => !common.some((other) => other !== candidate && this.ancestors(other).has(candidate)));
    best.sort((x, y) => this.commit(y).seq - this.commit(x).seq);
    return best[0] ?? null;
  }
}

export interface LineCounts {
  additions: number;
  deletions: number;
}

export function isBinary(data: Buffer): boolean {
  return data.subarray(0, 8000).includes(0);
}

function lines(data: Buffer): string[] {
  if (data.length === 0) return [];
  const text = data.toString("utf8");
  const parts = text.split("\n");
  if (text.endsWith("\n")) parts.pop();
  return parts;
}

/** Added and deleted lines between two versions of a file (a longest-common-subsequence diff); 0/0 for binary files. */
export function countLineChanges(before: Buffer | null, after: Buffer | null): LineCounts {
  if ((before && isBinary(before)) || (after && isBinary(after))) return { additions: 0, deletions: 0 };
  const a = before ? lines(before) : [];
  const b = after ? lines(after) : [];
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  if (x.length === 0 || y.length === 0 || x.length * y.length > 4_000_000) return { additions: y.length, deletions: x.length };
  // Length of the longest common subsequence, one row at a time.
  let previous = new Array<number>(y.length + 1).fill(0);
  for (let i = 1; i <= x.length; i++) {
    const row = new Array<number>(y.length + 1).fill(0);
    for (let j = 1; j <= y.length; j++) {
      row[j] = x[i - 1] === y[j - 1] ? (previous[j - 1] as number) + 1 : Math.max(previous[j] as number, row[j - 1] as number);
    }
    previous = row;
  }
  const common = previous[y.length] as number;
  return { additions: y.length - common, deletions: x.length - common };
}
