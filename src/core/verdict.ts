import { describeSkipped, skippedCount, type Coverage } from "./coverage.js";
import { LIMIT_VARIABLES } from "./limits.js";
import { REPOSITORY_PERMISSIONS, type Policy } from "./policy/policy.js";
import { SEVERITY_RANK, type Finding } from "./types.js";

/**
 * The one place that says what blocks. Every surface (check run, CLI, comment replies, buttons, the Action, SARIF and
 * GitLab output) reads the verdict and decides nothing of its own.
 */

/** What happens to a finding, first match wins. Only `blocking` and `pending-suppression` block. */
export type FindingStatus =
  /** Suppressed by an `mtls-gate.io/ignore` that counts. */
  | "suppressed"
  /** Below the policy's `failOn`. */
  | "below-threshold"
  /** The base has it too, and the policy's `scope` is `introduced`. */
  | "pre-existing"
  /** Accepted on the pull request with `/mtls-gate accept` by someone allowed to. */
  | "accepted"
  /** Carries a suppression the change adds, which does not count until accepted: it blocks. */
  | "pending-suppression"
  | "blocking";

export const FINDING_STATUSES: readonly FindingStatus[] = [
  "blocking",
  "pending-suppression",
  "accepted",
  "suppressed",
  "pre-existing",
  "below-threshold",
];

/** What the core needs to know of an acceptance: the findings it covers and the permission of who gave it. */
export interface AcceptanceGrant {
  ruleId: string;
  resource: string;
  fingerprints: readonly string[];
  /** The acceptor's repository permission when accepting (`read` … `admin`, or `none`). */
  permission: string;
}

export interface DecidedFinding {
  finding: Finding;
  status: FindingStatus;
  blocks: boolean;
}

export interface Verdict {
  conclusion: "success" | "failure";
  findings: DecidedFinding[];
  /** The findings that block, in the analysis's order. */
  blocking: Finding[];
  counts: Record<FindingStatus, number>;
  /** Present when the analysis's coverage was given: what the files that were not analysed do to the verdict. */
  coverage?: CoverageVerdict;
}

/** Files in scope that could not be analysed: with `coverage.failOnSkipped`, they block on their own. */
export interface CoverageVerdict {
  /** How many manifest files in scope were skipped (templated, encrypted, too large, binary, symlink, not YAML). */
  skipped: number;
  /** True when some were skipped and the policy's `coverage.failOnSkipped` is true: the verdict is a failure. */
  blocks: boolean;
  /**
   * With `DecideOptions.changedFiles`: how many changed files a per-commit limit left unread. They always block, since
   * nothing vouches for what the change did to them.
   */
  unreadChanged?: number;
  /** Why the verdict fails because of them (for every surface to print), or null when they do not block. */
  reason: string | null;
}

export interface DecideOptions {
  /** Whether a base was analysed (only then is a finding pre-existing). */
  hasBase: boolean;
  acceptances?: readonly AcceptanceGrant[];
  /** The analysis's coverage: with the policy's `coverage.failOnSkipped`, skipped files block. */
  coverage?: Coverage;
  /**
   * The files the change added or edited (every file, without a base), when the caller knows them by content (the
   * app, by blob SHA). With them, a changed file that a per-commit limit left unread (`UNREAD_BY_COMMIT_LIMIT`) blocks,
   * whatever the policy's `failOn`, `scope` or `coverage.failOnSkipped`: the check fails closed.
   */
  changedFiles?: readonly string[];
}

/**
 * The `file-too-large` messages of a per-commit limit, by message id, with the variable that sets the limit: the file
 * was never read, whatever it holds.
 */
export const UNREAD_BY_COMMIT_LIMIT: Readonly<Record<string, string>> = {
  files: LIMIT_VARIABLES.maxManifestFiles,
  "manifest-bytes": LIMIT_VARIABLES.maxManifestBytes,
  "tarball-bytes": LIMIT_VARIABLES.maxTarballBytes,
};

export function decide(findings: readonly Finding[], policy: Policy, options: DecideOptions): Verdict {
  const counts = Object.fromEntries(FINDING_STATUSES.map((s) => [s, 0])) as Record<FindingStatus, number>;
  const decided: DecidedFinding[] = [];
  const blocking: Finding[] = [];
  for (const finding of findings) {
    const status = statusOf(finding, policy, options);
    const blocks = status === "blocking" || status === "pending-suppression";
    counts[status]++;
    decided.push({ finding, status, blocks });
    if (blocks) blocking.push(finding);
  }
  const coverage = options.coverage ? coverageVerdict(options.coverage, policy, findings, options.changedFiles) : undefined;
  const fails = blocking.length > 0 || coverage?.blocks === true;
  return { conclusion: fails ? "failure" : "success", findings: decided, blocking, counts, ...(coverage ? { coverage } : {}) };
}

function coverageVerdict(
  coverage: Coverage,
  policy: Policy,
  findings: readonly Finding[],
  changedFiles: readonly string[] | undefined,
): CoverageVerdict {
  const skipped = skippedCount(coverage);
  const changed = new Set(changedFiles ?? []);
  const unread = findings.filter((f) => f.ruleId === "file-too-large" && f.messageId in UNREAD_BY_COMMIT_LIMIT && changed.has(f.file));
  const unreadFiles = new Set(unread.map((f) => f.file)).size;
  const skippedBlocks = skipped > 0 && policy.coverage.failOnSkipped;
  const files = `${skipped} manifest file${skipped === 1 ? "" : "s"}`;
  const reasons: string[] = [];
  if (unreadFiles > 0) {
    const limits = [...new Set(unread.map((f) => UNREAD_BY_COMMIT_LIMIT[f.messageId]))].sort().join(", ");
    const changedNames = unreadFiles === 1 ? `a changed manifest file (${unread[0]?.file ?? ""}) was` : `${unreadFiles} changed manifest files were`;
    reasons.push(`${changedNames} not analysed: the commit is over a per-commit analysis limit (${limits})`);
  }
  if (skippedBlocks) reasons.push(`${files} in scope could not be analysed (${describeSkipped(coverage)}) and the policy's coverage.failOnSkipped is true`);
  return {
    skipped,
    blocks: reasons.length > 0,
    reason: reasons.length > 0 ? reasons.join("; ") : null,
    ...(changedFiles ? { unreadChanged: unreadFiles } : {}),
  };
}

function statusOf(finding: Finding, policy: Policy, options: DecideOptions): FindingStatus {
  if (finding.suppressed) return "suppressed";
  if (SEVERITY_RANK[finding.severity] < SEVERITY_RANK[policy.failOn]) return "below-threshold";
  if (options.hasBase && policy.scope === "introduced" && finding.introduced === false) return "pre-existing";
  if ((options.acceptances ?? []).some((a) => covers(a, finding, policy))) return "accepted";
  if (finding.suppression?.status === "pending") return "pending-suppression";
  return "blocking";
}

/**
 * Whether an acceptance covers a finding: only findings the change introduces, only the exact findings that were
 * accepted (by fingerprint), and an error only when the acceptor held the policy's `commands.acceptErrors` permission.
 */
export function covers(acceptance: AcceptanceGrant, finding: Finding, policy: Policy): boolean {
  return (
    finding.introduced !== false &&
    acceptance.ruleId === finding.ruleId &&
    acceptance.resource === finding.resource &&
    acceptance.fingerprints.includes(finding.fingerprint) &&
    (finding.severity !== "error" || permissionAtLeast(acceptance.permission, policy.commands.acceptErrors))
  );
}

/** Whether a repository permission (`read` … `admin`) is at least `needed`; anything else is below every role. */
export function permissionAtLeast(has: string, needed: (typeof REPOSITORY_PERMISSIONS)[number]): boolean {
  const rank = (REPOSITORY_PERMISSIONS as readonly string[]).indexOf(has);
  return rank >= 0 && rank >= REPOSITORY_PERMISSIONS.indexOf(needed);
}

/**
 * Rules that say what happens to a route because of another finding on the same resource and line (the root cause,
 * such as a misspelt context): reports group them under that finding instead of listing one cause three times.
 */
export const CONSEQUENCE_RULES: ReadonlySet<string> = new Set(["mtls-downgrade", "mtls-required", "upstream-unverified"]);
