import { createHash } from "node:crypto";
import { once } from "node:events";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { constants as zlibConstants, createGunzip } from "node:zlib";
import tarStream from "tar-stream";
import { LIMIT_VARIABLES, TARBALL_INFLATION_FACTOR, type LoadLimits } from "../core/limits.js";
import { POLICY_PATH } from "../core/policy/policy.js";
import { directoryOf, isKustomizationPath } from "../core/environments/kustomization.js";
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
  /**
   * The per-commit limits: the reader keeps the text of the manifest files `selectManifestFiles` would analyse and no
   * more (so memory stays within `maxManifestBytes` however many files a commit has), and stops a tarball download at
   * `maxTarballBytes`.
   */
  limits: Pick<LoadLimits, "maxManifestFiles" | "maxManifestBytes" | "maxTarballBytes">;
  /** The manifest files the analysis reads (`manifestScope(policy)`): only theirs and the policy file's text is kept. */
  inScope: (path: string) => boolean;
  /** Ends a tarball download when the job's analysis limit passes. */
  signal?: AbortSignal;
}

/**
 * A commit whose tarball was over `maxTarballBytes` while GitHub's tree listing was truncated: what the download did not
 * reach cannot even be named, so no file can be reported and the check cannot vouch for the change.
 */
export class TarballTooLargeError extends Error {
  constructor(
    readonly sha: string,
    readonly limit: number,
  ) {
    super(
      `the tarball of commit ${sha} is over the download limit of ${limit.toLocaleString("en-US")} bytes ` +
        `(${LIMIT_VARIABLES.maxTarballBytes}), and GitHub's tree listing of it was truncated, so the files past the ` +
        "limit cannot be named",
    );
    this.name = "TarballTooLargeError";
  }
}

export interface ReadStats {
  treeRequests: number;
  blobRequests: number;
  tarballRequests: number;
  cacheHits: number;
  /** Tarball bytes downloaded (gzip, as sent). */
  tarballBytes: number;
  /** Manifest files whose text was not kept: past a per-commit limit (see `ReaderOptions.limits`). */
  filesLeftOut: number;
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
  /**
   * Candidate files (YAML and the policy file) and the other files under a render root; null when GitHub truncated the
   * tree and only the tarball has them all.
   */
  entries: Entry[] | null;
  /**
   * Directories holding a kustomization or a Chart.yaml ("" is the root): a render reads every file under them
   * (templates, _helpers.tpl, .helmignore, generator inputs), so those are listed too, and only those.
   */
  renderRoots: string[];
}

/** Whether `path` is a kustomization or a chart's Chart.yaml: its directory is a render root. */
export function isRenderRootFile(path: string): boolean {
  return isKustomizationPath(path) || /(^|\/)Chart\.ya?ml$/.test(path);
}

/**
 * Whether a file under a render root may be read by the render: anything but documentation (`helm template` never
 * reads a chart's README, and kustomize reads only the files a kustomization names, which are not Markdown), so a
 * repository whose root is a kustomization does not download its docs.
 */
function isRenderInput(path: string): boolean {
  return !/\.(md|markdown)$/i.test(path) && !/(^|\/)(LICENSE|NOTICE)(\.txt)?$/.test(path);
}

/** Whether `path` lies under one of `roots` (render roots: see `TreeListing.renderRoots`). */
export function underRenderRoot(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => root === "" || path.startsWith(`${root}/`));
}

export function newReadStats(): ReadStats {
  return { treeRequests: 0, blobRequests: 0, tarballRequests: 0, cacheHits: 0, tarballBytes: 0, filesLeftOut: 0 };
}

/** One recursive tree request: what manifests a commit has and their blob SHAs, without their content. */
export async function listCommit(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
  stats: ReadStats,
  /** List the render inputs too (the app renders); false: candidates only, as before rendering existed. */
  withRenderInputs = false,
): Promise<TreeListing> {
  stats.treeRequests++;
  const { data: tree } = await octokit.rest.git.getTree({ ...repo, tree_sha: sha, recursive: "1" });
  if (tree.truncated) return { sha, entries: null, renderRoots: [] };
  const blobs = tree.tree.filter(
    (item): item is typeof item & { path: string; sha: string } =>
      item.type === "blob" && item.mode !== SYMLINK_MODE && !!item.path && !!item.sha,
  );
  // A repository without kustomizations or charts lists exactly what it did before rendering existed.
  const renderRoots = !withRenderInputs
    ? []
    : [...new Set(blobs.filter((item) => isRenderRootFile(item.path)).map((i) => directoryOf(i.path)))];
  const entries: Entry[] = [];
  for (const item of blobs) {
    if (!isCandidate(item.path) && !(underRenderRoot(item.path, renderRoots) && isRenderInput(item.path))) continue;
    entries.push({ path: item.path, sha: item.sha, size: item.size ?? 0 });
  }
  return { sha, entries, renderRoots };
}

/**
 * The manifests of a listed commit: the blobs not already cached, one request each, or one tarball when many are
 * missing (or when the tree was too large for GitHub to list whole). Only the files within the per-commit limits are
 * downloaded; the others are listed with their size and `unread`, and the analysis reports each of them.
 */
export async function readListing(
  octokit: GitHubClient,
  repo: RepoRef,
  listing: TreeListing,
  options: ReaderOptions,
  stats: ReadStats,
): Promise<CommitSnapshot> {
  const { sha, entries } = listing;
  if (!entries) return readFromTarball(octokit, repo, sha, null, options, stats);
  const budget = new ManifestBudget(options);
  for (const entry of entries) if (options.inScope(entry.path)) budget.admit(entry.path, entry.size);
  const wanted = entries.filter((e) => e.size <= options.maxFileBytes && (e.path === POLICY_PATH || budget.keeps(e.path)));
  const missing = wanted.filter((e) => !options.cache.get(e.sha));
  if (missing.length > options.tarballThreshold) return readFromTarball(octokit, repo, sha, entries, options, stats);

  stats.cacheHits += wanted.length - missing.length;
  await forEachLimited(missing, options.concurrency, async (entry) => {
    stats.blobRequests++;
    const { data } = await octokit.rest.git.getBlob({ ...repo, file_sha: entry.sha });
    const bytes = Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8");
    options.cache.set(entry.sha, withoutPath(decodeFile(entry.path, bytes)));
  });
  const wantedPaths = new Set(wanted.map((e) => e.path));
  return {
    sha,
    blobs: new Map(entries.map((e) => [e.path, e.sha])),
    files: entries.map((e) => toSourceFile(e, wantedPaths.has(e.path), options, stats)),
    stats,
  };
}

function toSourceFile(entry: Entry, wanted: boolean, options: ReaderOptions, stats: ReadStats): SourceFile {
  if (!wanted) return unreadFile(entry.path, entry.size, options, stats);
  const cached = options.cache.get(entry.sha);
  // Only a cache smaller than one commit's manifests evicts what this read just stored; read it again then.
  if (!cached) throw new Error(`blob ${entry.sha} of ${entry.path} was evicted from the cache while reading`);
  return { path: entry.path, ...cached };
}

/**
 * A candidate file whose text is not kept: too large to read (the analysis reports its size), out of the policy's
 * scope (never analysed), or past a per-commit limit (`unread`, reported as such).
 */
function unreadFile(path: string, size: number, options: ReaderOptions, stats: ReadStats): SourceFile {
  if (size > options.maxFileBytes || !options.inScope(path)) return { path, text: "", size };
  stats.filesLeftOut++;
  return { path, text: "", size, unread: "manifest-limits" };
}

/**
 * The manifest files one commit may keep, as `selectManifestFiles` chooses them: in path order, until
 * `maxManifestFiles` files or `maxManifestBytes` bytes (files over `maxFileBytes` count as a file, not as bytes, since
 * they are never read). Files arrive in any order (a tarball's, a listing's): each admitted file may push the last ones
 * in path order out, and once a file is out every later path is too. What is kept is always a prefix in path order, so
 * the reader and the analysis agree on it, and the reader never holds more than the limits allow.
 */
class ManifestBudget {
  /** Kept paths in path order, with the bytes each counts. */
  readonly #kept: { path: string; bytes: number }[] = [];
  #bytes = 0;
  /** The first path in path order that is out: this and every later path are. */
  #boundary: string | null = null;

  constructor(private readonly options: Pick<ReaderOptions, "limits" | "maxFileBytes">) {}

  /** Whether a file not yet admitted could still be kept (the one question worth asking before reading it). */
  mayKeep(path: string): boolean {
    return this.#boundary === null || path < this.#boundary;
  }

  /** Counts a file in; returns the paths this pushed out (the file itself among them when it does not fit). */
  admit(path: string, size: number): string[] {
    if (!this.mayKeep(path)) return [path];
    const bytes = size > this.options.maxFileBytes ? 0 : size;
    // Binary search for the insertion point: archives come in git's path order, so this is nearly always the end.
    let low = 0;
    let high = this.#kept.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#kept[middle]?.path ?? "") < path) low = middle + 1;
      else high = middle;
    }
    this.#kept.splice(low, 0, { path, bytes });
    this.#bytes += bytes;
    const out: string[] = [];
    const { maxManifestFiles, maxManifestBytes } = this.options.limits;
    while (this.#kept.length > maxManifestFiles || this.#bytes > maxManifestBytes) {
      const last = this.#kept.pop();
      if (!last) break;
      this.#bytes -= last.bytes;
      this.#boundary = last.path;
      out.push(last.path);
    }
    return out;
  }

  /** Whether an admitted file is kept now. */
  keeps(path: string): boolean {
    return this.mayKeep(path);
  }

  get keptBytes(): number {
    return this.#bytes;
  }
}

/** Counts the bytes through it and drops whatever comes past `limit` (`cut` says that it did). */
class ByteCap extends Transform {
  bytes = 0;
  cut = false;
  constructor(readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const room = this.limit - this.bytes;
    this.bytes += chunk.length;
    if (chunk.length <= room) return done(null, chunk);
    this.cut = true;
    done(null, room > 0 ? chunk.subarray(0, room) : undefined);
  }
}

/**
 * A commit from its tarball, streamed: files are hashed as they pass, the text of those within the per-commit limits
 * is kept, and the download stops at `maxTarballBytes` (or eight times that inflated). What it did not reach is reported
 * file by file when the listing names the files (`entries`); without one, nothing can be named and it throws
 * `TarballTooLargeError`.
 */
async function readFromTarball(
  octokit: GitHubClient,
  repo: RepoRef,
  sha: string,
  entries: readonly Entry[] | null,
  options: ReaderOptions,
  stats: ReadStats,
): Promise<CommitSnapshot> {
  stats.tarballRequests++;
  const limit = options.limits.maxTarballBytes;
  // The body as a stream (not buffered whole), ended with the job at its analysis limit.
  const response = await octokit.request("GET /repos/{owner}/{repo}/tarball/{ref}", {
    ...repo,
    ref: sha,
    request: { parseSuccessResponseBody: false, ...(options.signal ? { signal: options.signal } : {}) },
  });
  const body = response.data as unknown as WebReadableStream<Uint8Array> | null;
  const blobs = new Map<string, string>();
  const kept = new Map<string, SourceFile>();
  const seen = new Map<string, number>();
  const budget = new ManifestBudget(options);
  const extract = tarStream.extract();
  extract.on("entry", (header, stream, next) => {
    // An entry cut off by the download limit fails with the archive; that failure is the extractor's to report.
    stream.on("error", () => undefined);
    const path = header.name.split("/").slice(1).join("/");
    // Render inputs (files under a render root that are not YAML) are in scope when the listing named the roots.
    const wanted = header.type === "file" && path !== "" && (isCandidate(path) || options.inScope(path));
    if (!wanted) {
      stream.resume();
      stream.on("end", next);
      return;
    }
    const size = header.size ?? 0;
    const readable = size <= options.maxFileBytes;
    const isPolicy = path === POLICY_PATH;
    const scoped = !isPolicy && options.inScope(path);
    // Bytes are held only for a file that may be analysed: at most one file (maxFileBytes) beyond what is kept.
    const hold = readable && (isPolicy || (scoped && budget.mayKeep(path)));
    // Hashed as it streams, so even a file not kept gets its blob SHA (change detection needs it).
    const hash = createHash("sha1").update(`blob ${size}\0`);
    const chunks: Buffer[] = [];
    stream.on("data", (data: unknown) => {
      const chunk = data as Buffer;
      hash.update(chunk);
      if (hold) chunks.push(chunk);
    });
    stream.on("end", () => {
      const blobSha = hash.digest("hex");
      blobs.set(path, blobSha);
      seen.set(path, size);
      if (scoped) for (const out of budget.admit(path, size)) kept.delete(out);
      if (hold && (isPolicy || budget.keeps(path))) {
        const decoded = decodeFile(path, Buffer.concat(chunks));
        options.cache.set(blobSha, withoutPath(decoded));
        kept.set(path, decoded);
      } else if (!readable && (!scoped || budget.keeps(path))) {
        kept.set(path, { path, text: "", size });
      }
      next();
    });
  });
  // Truncated input inflates as far as it goes instead of failing: what the cap cut off is then simply not there.
  const gunzip = createGunzip({ finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const inflated = new ByteCap(limit * TARBALL_INFLATION_FACTOR);
  const consumed = pipeline(gunzip, inflated, extract).then(
    () => null,
    (error: unknown) => error,
  );
  let cut = false;
  let downloaded = 0;
  try {
    if (!body) throw new Error("GitHub sent no tarball body");
    // Leaving the loop early cancels the body, which ends the download.
    for await (const data of Readable.fromWeb(body)) {
      const chunk = data as Buffer;
      const room = limit - downloaded;
      downloaded += Math.min(chunk.length, room);
      if (chunk.length > room) {
        cut = true;
        if (room > 0) gunzip.write(chunk.subarray(0, room));
        break;
      }
      if (!gunzip.write(chunk)) {
        const failed = await Promise.race([once(gunzip, "drain").then(() => null), consumed]);
        if (failed) break;
      }
      if (inflated.cut) {
        cut = true;
        break;
      }
    }
  } finally {
    gunzip.end();
    stats.tarballBytes += downloaded;
  }
  const failure = await consumed;
  cut ||= inflated.cut;
  // An archive cut short ends in the middle of an entry, which the tar parser reports: expected, and what it read stands.
  if (failure && !cut) throw failure;
  if (cut && !entries) throw new TarballTooLargeError(sha, limit);

  const files: SourceFile[] = [];
  for (const [path, size] of seen) files.push(kept.get(path) ?? unreadFile(path, size, options, stats));
  for (const entry of cut && entries ? entries : []) {
    if (seen.has(entry.path)) continue;
    // Listed, never reached: the analysis reports it against the tarball limit (files out of scope need nothing).
    if (options.inScope(entry.path)) files.push({ path: entry.path, text: "", size: entry.size, unread: "tarball-bytes" });
    else files.push({ path: entry.path, text: "", size: entry.size });
    blobs.set(entry.path, entry.sha);
  }
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
