import { stringify } from "yaml";
import { loadPolicy } from "../core/policy/load.js";
import type { Policy } from "../core/policy/policy.js";

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
