import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tarStream from "tar-stream";
import { decodeFile, isCandidate } from "../core/source/files.js";
import type { SourceFile } from "../core/types.js";
import type { BlobCache, CachedBlob } from "./blob-cache.js";
import type { GitHubClient, RepoRef } from "./github-client.js";

export interface ReaderOptions {
  cache: BlobCache;
  /** Files above this size are listed (the core reports them) but never downloaded. */
  maxFileBytes: number;
  /** More uncached manifests than this in one commit: one tarball download beats one request per blob. */
  tarballThreshold: number;
  /** Blob requests in flight at once (GitHub's secondary limit is about 100 concurrent requests). */
  concurrency: number;
}

export interface ReadStats {
  treeRequests: number;
  blobRequests: number;
  tarballRequests: number;
  cacheHits: number;
}

export interface CommitSnapshot {
  sha: string;
  /** Blob SHA of every candidate file (YAML and the policy file), by path. */
  blobs: Map<string, string>;
  files: SourceFile[];
  stats: ReadStats;
}

export interface Entry {
  path: string;
  sha: string;
  size: number;
}

const SYMLINK_MODE = "120000";

export interface TreeListing {
  sha: string;
  /** Candidate files (YAML and the policy file); null when GitHub truncated the tree and only the tarball has them all. */
  entries: Entry[] | null;
}

export function newReadStats(): ReadStats {
  return { treeRequests: 0, blobRequests: 0, tarballRequests: 0, cacheHits: 0 };
}

/** One recursive tree request: what manifests a commit has and their blob SHAs, without their content. */
export async function listCommit(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
  stats: ReadStats,
): Promise<TreeListing> {
  stats.treeRequests++;
  const { data: tree } = await octokit.rest.git.getTree({ ...repo, tree_sha: sha, recursive: "1" });
  if (tree.truncated) return { sha, entries: null };
  const entries: Entry[] = [];
  for (const item of tree.tree) {
    if (item.type !== "blob" || item.mode === SYMLINK_MODE || !item.path || !item.sha || !isCandidate(item.path))
      continue;
    entries.push({ path: item.path, sha: item.sha, size: item.size ?? 0 });
  }
  return { sha, entries };
}

/**
 * The manifests of a listed commit: the blobs not already cached, one request each, or one tarball when many are
 * missing (or when the tree was too large for GitHub to list whole).
 */
export async function readListing(
  octokit: GitHubClient,
  repo: RepoRef,
  listing: TreeListing,
  options: ReaderOptions,
  stats: ReadStats,
): Promise<CommitSnapshot> {
  const { sha, entries } = listing;
  if (!entries) return readFromTarball(octokit, repo, sha, options, stats);
  const readable = entries.filter((e) => e.size <= options.maxFileBytes);
  const missing = readable.filter((e) => !options.cache.get(e.sha));
  if (missing.length > options.tarballThreshold) return readFromTarball(octokit, repo, sha, options, stats);

  stats.cacheHits += readable.length - missing.length;
  await forEachLimited(missing, options.concurrency, async (entry) => {
    stats.blobRequests++;
    const { data } = await octokit.rest.git.getBlob({ ...repo, file_sha: entry.sha });
    const bytes = Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8");
    options.cache.set(entry.sha, withoutPath(decodeFile(entry.path, bytes)));
  });
  return {
    sha,
    blobs: new Map(entries.map((e) => [e.path, e.sha])),
    files: entries.map((e) => toSourceFile(e, options)),
    stats,
  };
}

function toSourceFile(entry: Entry, options: ReaderOptions): SourceFile {
  if (entry.size > options.maxFileBytes) return { path: entry.path, text: "", size: entry.size };
  const cached = options.cache.get(entry.sha);
  // Only a cache smaller than one commit's manifests evicts what this read just stored; read it again then.
  if (!cached) throw new Error(`blob ${entry.sha} of ${entry.path} was evicted from the cache while reading`);
  return { path: entry.path, ...cached };
}

async function readFromTarball(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
  options: ReaderOptions,
  stats: ReadStats,
): Promise<CommitSnapshot> {
  stats.tarballRequests++;
  const response = await octokit.rest.repos.downloadTarballArchive({ ...repo, ref: sha });
  const archive = Buffer.from(response.data as ArrayBuffer);
  const blobs = new Map<string, string>();
  const files: SourceFile[] = [];
  const extract = tarStream.extract();
  extract.on("entry", (header, stream, next) => {
    const path = header.name.split("/").slice(1).join("/");
    const wanted = header.type === "file" && path !== "" && isCandidate(path);
    if (!wanted) {
      stream.resume();
      stream.on("end", next);
      return;
    }
    const size = header.size ?? 0;
    // Hashed as it streams, so even a file too large to keep gets its blob SHA (change detection needs it).
    const hash = createHash("sha1").update(`blob ${size}\0`);
    const chunks: Buffer[] = [];
    stream.on("data", (data: unknown) => {
      const chunk = data as Buffer;
      hash.update(chunk);
      if (size <= options.maxFileBytes) chunks.push(chunk);
    });
    stream.on("end", () => {
      const blobSha = hash.digest("hex");
      blobs.set(path, blobSha);
      if (size > options.maxFileBytes) {
        files.push({ path, text: "", size });
      } else {
        const decoded = decodeFile(path, Buffer.concat(chunks));
        options.cache.set(blobSha, withoutPath(decoded));
        files.push(decoded);
      }
      next();
    });
  });
  await pipeline(Readable.from([archive]), createGunzip(), extract);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { sha, blobs, files, stats };
}

function withoutPath(file: SourceFile): CachedBlob {
  const { path: _path, ...rest } = file;
  return rest;
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
