import deepmerge from "deepmerge";
import { stringify } from "yaml";
import { loadPolicy } from "../core/policy/load.js";
import type { Policy } from "../core/policy/policy.js";
import type { GitHubClient, RepoRef } from "./github-client.js";

export const CONFIG_FILE = "mtls-gate.yml";

export type TrustedConfig =
  { valid: true; policy: Policy } | { valid: false; source: string; problems: { path: string; problem: string }[] };

/** Reads the merged configuration object (Probot's `context.config`): null when no file exists anywhere. */
export type ConfigReader = () => Promise<unknown>;

const SOURCE = `.github/${CONFIG_FILE} on the default branch (and its _extends)`;

/**
 * The policy the verdict uses: the default branch's configuration (with organisation defaults through `_extends`), so a
 * pull request cannot switch its own gate off. Anything wrong with it is reported, never replaced by defaults.
 */
export async function loadTrustedConfig(read: ConfigReader): Promise<TrustedConfig> {
  let raw: unknown;
  try {
    raw = await read();
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    // A GitHub failure is not a configuration problem: let the caller report it as an internal error.
    if (typeof status === "number") throw error;
    return { valid: false, source: SOURCE, problems: [{ path: "(file)", problem: describeReadError(error) }] };
  }
  if (raw === null || raw === undefined) return { valid: true, policy: loadPolicy(undefined).policy };
  // The object is validated by the same schema as the CLI's file; its text positions are lost in the merge anyway.
  const { policy, diagnostics } = loadPolicy(stringify(raw));
  if (diagnostics.length === 0) return { valid: true, policy };
  return {
    valid: false,
    source: SOURCE,
    problems: diagnostics.map((d) => ({
      path: String(d.data.path),
      problem: String(d.data.problem) + (d.data.suggestion ? ` (did you mean "${String(d.data.suggestion)}"?)` : ""),
    })),
  };
}

function describeReadError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // The config plugin prefixes its messages with its package name; the reader needs the rest.
  return message.replace(/^\[@probot\/octokit-plugin-config\]\s*/, "").split("\n")[0] ?? "unreadable configuration";
}

/**
 * The default branch's `.github/mtls-gate.yml`, falling back to the organisation's `.github` repository and following
 * `_extends` (Probot's config plugin, as `context.config` uses it, but usable by a worker that has no event context).
 * Keys of the repository's file replace inherited ones; arrays are replaced, not appended to. `_extends` is honoured
 * only within the repository's owner, and a file it names must exist: a policy never silently loses its base.
 */
export async function readTrustedConfig(octokit: GitHubClient, repo: RepoRef): Promise<unknown> {
  const { config, files } = await octokit.config.get({
    ...repo,
    path: `.github/${CONFIG_FILE}`,
    defaults: (configs: Record<string, unknown>[]) => deepmerge.all<Record<string, unknown>>(configs, { arrayMerge: (_inherited: unknown[], own: unknown[]) => own }),
  });
  // The repository's own file, else the organisation's `.github` one; every file after it was named by `_extends`.
  const firstExtended = files[0]?.config ? 1 : 2;
  for (const file of files.slice(firstExtended)) {
    const named = `${file.owner}/${file.repo}:${file.path}`;
    if (file.owner.toLowerCase() !== repo.owner.toLowerCase()) {
      throw new Error(`_extends names ${named}, outside ${repo.owner}: only repositories of the same owner are honoured`);
    }
    if (file.config === null) throw new Error(`_extends names ${named}, which cannot be read (missing, or not readable by the app)`);
  }
  return files.some((file) => file.config !== null) ? config : null;
}
