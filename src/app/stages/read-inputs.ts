/**
 * Stage 1 of a check, `readInputs`: everything the verdict depends on, read from GitHub as plain data. The trusted
 * policy (the default branch's configuration), what the change is measured against (the merge base, or a merge
 * queue's base), the manifests of both commits, what changed, and the acceptances recorded on the pull request.
 * Nothing here analyses: `evaluate` does, in an analysis thread.
 */
import { manifestScope } from "../../core/analyze.js";
import type { LoadLimits } from "../../core/limits.js";
import { POLICY_PATH } from "../../core/policy/policy.js";
import { isManifestPath } from "../../core/source/load.js";
import { analysisSignal, noteActivity } from "../analysis-limit.js";
import type { CheckTarget } from "../check-target.js";
import { readAcceptances, type AcceptanceState, type BotIdentity } from "../commands/acceptances.js";
import type { GitHubClient } from "../github-client.js";
import {
  listCommit,
  newReadStats,
  readListing,
  underRenderRoot,
  type ReaderOptions,
  type ReadStats,
  type TreeListing,
} from "../github-reader.js";
import { loadTrustedConfig, readTrustedConfig, type ConfigReader } from "../trusted-config.js";
import type { Changes, CheckInputs } from "./evaluate.js";
import { renderCommits, type AppRenderSettings } from "./render-inputs.js";

/** What reading found: the inputs of an evaluation, or a reason there is nothing to evaluate. */
export type ReadOutcome =
  | { kind: "read"; inputs: CheckInputs }
  | { kind: "invalid-config"; source: string; problems: { path: string; problem: string }[] }
  | { kind: "no-manifest-changes"; baseSha: string | null };

/** How trees and blobs are read, but for what the policy and the job decide (scope, per-commit limits, the job's signal). */
export type ReaderSettings = Omit<ReaderOptions, "limits" | "inScope" | "signal">;

export interface ReadInputsOptions {
  reader: ReaderSettings;
  /** The per-commit limits: the reader keeps no more text than the analysis would read. */
  limits: LoadLimits;
  /** Counts of the requests made (logged with the check's conclusion). */
  stats?: ReadStats;
  /** A check: a change that touches no manifest is not read further (nor analysed). Commands read every change. */
  skipUnchanged: boolean;
  /** The acceptances to judge with, read once the trees are; null where they are not needed (commands). */
  acceptances: (() => Promise<AcceptanceState>) | null;
  /** The trusted configuration (default: the default branch's, through the client's config plugin). */
  readConfig?: ConfigReader;
  /**
   * Rendering (Kustomize, Helm) of the commits that have a kustomization or a chart: the tools found (the Gate always
   * gives them; a missing tool is a `render-unavailable` finding). Absent, or the trusted policy's `render.enabled:
   * false`: nothing is rendered (the plain analysis of the YAML as written).
   */
  render?: AppRenderSettings;
}

/** No acceptance counts (a fresh object each time: its set is never shared). */
export function noAcceptances(): AcceptanceState {
  return { acceptances: [], handledCommands: new Set(), problem: null };
}

export async function readInputs(
  github: GitHubClient,
  target: CheckTarget,
  options: ReadInputsOptions,
): Promise<ReadOutcome> {
  const stats = options.stats ?? newReadStats();
  const config = await loadTrustedConfig(options.readConfig ?? (() => readTrustedConfig(github, target.repo)));
  if (!config.valid) return { kind: "invalid-config", source: config.source, problems: config.problems };

  noteActivity(`reading ${describeTarget(target)} from GitHub`);
  const baseSha = await baseOf(github, target);
  // The trusted policy's `render.enabled: false` reads and analyses the YAML as written: no template is downloaded.
  const render = options.render && config.policy.render.enabled ? options.render : undefined;
  const headListing = await listCommit(github, target.repo, target.headSha, stats, !!render);
  const baseListing = baseSha ? await listCommit(github, target.repo, baseSha, stats, !!render) : null;

  const renderRoots = render ? [...new Set([...headListing.renderRoots, ...(baseListing?.renderRoots ?? [])])] : [];
  let changes = baseListing ? changedPaths(blobMap(baseListing), blobMap(headListing)) : null;
  if (options.skipUnchanged && changes && !touchesManifests(changes, renderRoots))
    return { kind: "no-manifest-changes", baseSha };

  const signal = analysisSignal();
  const scope = manifestScope(config.policy);
  const reader: ReaderOptions = {
    ...options.reader,
    limits: options.limits,
    // A render reads every file under its root (templates, helpers): those count against the same per-commit limits.
    inScope:
      renderRoots.length === 0
        ? scope
        : (path) => scope(path) || (path !== POLICY_PATH && underRenderRoot(path, renderRoots)),
    ...(signal ? { signal } : {}),
  };
  const head = await readListing(github, target.repo, headListing, reader, stats);
  const base = baseListing ? await readListing(github, target.repo, baseListing, reader, stats) : null;
  if (base && !changes) {
    // A truncated tree listed nothing: the tarballs tell what changed.
    changes = changedPaths(base.blobs, head.blobs);
    if (options.skipUnchanged && changes && !touchesManifests(changes, renderRoots))
      return { kind: "no-manifest-changes", baseSha };
  }
  const rendered = render
    ? await renderCommits(
        base ? base.files : null,
        head.files,
        config.policy,
        render,
        `${target.repo.owner}/${target.repo.repo}`,
      )
    : null;
  const acceptances = options.acceptances ? await options.acceptances() : noAcceptances();
  return {
    kind: "read",
    inputs: {
      policy: config.policy,
      base: base && baseSha ? { sha: baseSha, files: base.files } : null,
      head: { sha: target.headSha, files: head.files },
      changes,
      acceptances,
      ...(rendered ? { render: rendered } : {}),
    },
  };
}

/**
 * The acceptances recorded on the target's pull requests (for the merge queue: the pull request it is merging), in the
 * app's own signed comments. Without the app's identity (the Action's workflow token) none counts.
 */
export async function acceptancesOn(
  github: GitHubClient,
  target: CheckTarget,
  identity: BotIdentity,
  markerKey: Buffer,
): Promise<AcceptanceState> {
  const numbers = target.subject.kind === "commit" ? [] : target.subject.numbers;
  if (numbers.length === 0 || identity.appId === null) return noAcceptances();
  try {
    return await readAcceptances(github, target.repo, numbers, identity, markerKey);
  } catch (error) {
    // A queue branch can name a pull request that is gone: no acceptances, not a failure.
    if ((error as { status?: unknown }).status === 404) return noAcceptances();
    throw error;
  }
}

/** `owner/repo at <sha>`: how the activity of a job that overran names what it was working on. */
export function describeTarget(target: CheckTarget): string {
  return `${target.repo.owner}/${target.repo.repo} at ${target.headSha}`;
}

/** What is about to be analysed, for the report of a job that overruns while it is. */
export function describeInputs(target: CheckTarget, inputs: CheckInputs): string {
  const { head, base } = inputs;
  return (
    `analysing ${describeTarget(target)}: ${head.files.length} file${head.files.length === 1 ? "" : "s"} ` +
    `(${kib(head.files)} KiB)` +
    (base ? ` against the merge base ${base.sha} (${base.files.length} files, ${kib(base.files)} KiB)` : "")
  );
}

function kib(files: readonly { text: string; size?: number }[]): number {
  return Math.ceil(files.reduce((sum, f) => sum + (f.size ?? f.text.length), 0) / 1024);
}

/** What the change is measured against: the merge base for a pull request (as GitHub's diff is), the queue's base. */
async function baseOf(github: GitHubClient, target: CheckTarget): Promise<string | null> {
  const { subject } = target;
  if (subject.kind === "merge_group") return subject.baseSha;
  if (subject.kind !== "pull_request") return null;
  const { data } = await github.rest.repos.compareCommitsWithBasehead({
    ...target.repo,
    basehead: `${subject.baseSha}...${target.headSha}`,
    per_page: 1,
  });
  return data.merge_base_commit.sha;
}

function blobMap(listing: TreeListing): Map<string, string> | null {
  return listing.entries ? new Map(listing.entries.map((e) => [e.path, e.sha])) : null;
}

function changedPaths(base: Map<string, string> | null, head: Map<string, string> | null): Changes | null {
  if (!base || !head) return null;
  const changed = [...head].filter(([path, sha]) => base.get(path) !== sha).map(([path]) => path);
  const deleted = [...base.keys()].filter((path) => !head.has(path));
  return { changed, deleted };
}

function touchesManifests(changes: Changes, renderRoots: readonly string[]): boolean {
  return [...changes.changed, ...changes.deleted].some(
    (path) => isManifestPath(path) || path === POLICY_PATH || underRenderRoot(path, renderRoots),
  );
}
