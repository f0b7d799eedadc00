import { coverageSummary, foundNoManifests, skippedCount, skippedLine, type Coverage } from "../core/coverage.js";
import { SEVERITY_RANK, weaker, type Finding, type RouteMode, type Severity } from "../core/types.js";
import { CONSEQUENCE_RULES } from "../core/verdict.js";
import { handshakeSummary, type RouteView } from "../core/views.js";
import {
  codeSpan,
  escapeInline,
  fencedBlock,
  flatten,
  link,
  mention,
  plural,
  titleText,
  truncateChars,
  truncateUtf8,
  utf8Length,
} from "./markdown.js";

/** The check's name: what branch protection and rulesets require. */
export const CHECK_RUN_NAME = "mtls-gate";
/** Annotations one run carries at most; the publisher sends them 50 per request. */
export const MAX_ANNOTATIONS = 300;
/** GitHub's limit for `output.summary` and `output.text`, each. Measured here in UTF-8 bytes, which is never less. */
export const MAX_OUTPUT_CHARS = 65535;

/** GitHub's limits for an annotation's title, and for its message and raw_details (64 KB). */
const MAX_TITLE_CHARS = 255;
const MAX_ANNOTATION_BYTES = 65535;
/** One table cell or list item never takes more than this, so one odd message cannot eat the summary. */
const MAX_CELL_CHARS = 1000;
const MAX_NAME_CHARS = 300;

/** `cancelled` only for a superseded head: like `failure`, it never satisfies a required check. */
export type CheckConclusion = "success" | "failure" | "cancelled";

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
  raw_details?: string;
}

export interface CheckRunReport {
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  text?: string;
  annotations: CheckAnnotation[];
  /** The run's buttons (src/report/check-report.ts), when it has any. */
  actions?: CheckRunAction[];
}

/** A check run button: GitHub sends `identifier` back in a `check_run.requested_action` event. */
export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface CheckRunReportInput {
  /** Head findings; with a base each has `introduced` true/false. */
  findings: readonly Finding[];
  /** The findings that block (the caller's `failingFindings`); non-empty means the run fails. */
  failing: readonly Finding[];
  /** Head routes, with `change` and `baseMode` when there is a base. */
  routes: readonly RouteView[];
  /** Routes the base had and the head lost. */
  removedRoutes: readonly RouteView[];
  policy: { failOn: "error" | "warning"; scope: "introduced" | "all" };
  hasBase: boolean;
  /** Paths the change added or modified. */
  changedFiles: readonly string[];
  /** YAML paths the change deleted. */
  deletedFiles: readonly string[];
  target: { kind: "pull_request"; numbers: readonly number[] } | { kind: "merge_group"; baseRef: string };
  headSha: string;
  baseSha: string | null;
  ruleDocsUrl: (ruleId: string) => string;
  /** A link for `file:line` in Markdown tables. */
  fileUrl?: (path: string, line: number) => string;
  /** Defaults to MAX_ANNOTATIONS. */
  maxAnnotations?: number;
  /** Findings accepted with `/mtls-gate accept` on this pull request (they no longer block; the caller left them out of `failing`). */
  acceptances?: readonly AcceptanceView[];
  /** Why no acceptance counts on this run (the conversation could not be read whole): shown, never silently ignored. */
  acceptanceProblem?: string;
  /**
   * What the head analysis read (`TreeAnalysis.coverage`): a Coverage line at the top of the summary when manifest files
   * in scope were skipped, and "No manifests found" when no Kubernetes object was read. Absent: nothing is said.
   */
  coverage?: Coverage;
  /**
   * Why the skipped files block (`decide(…, { coverage }).coverage?.reason`, set with `coverage.failOnSkipped: true`):
   * the run fails and says so at the top, even with no blocking finding.
   */
  coverageBlocking?: string | null;
  /**
   * The environments analysed when there were several (rendered overlays, values files): findings are then grouped by
   * the environments they are in, as routes are. Absent: taken from the routes' and findings' own environments.
   */
  environments?: readonly string[];
}

export interface AcceptanceView {
  ruleId: string;
  resource: string;
  reason: string;
  by: string;
  /** ISO 8601. */
  at: string;
  /** The findings it was given for; absent: any finding of its rule on its resource. */
  fingerprints?: readonly string[];
}

/** Whether an acceptance names this finding: its rule, its resource and (when recorded) its fingerprint. */
function names(a: AcceptanceView, f: Finding): boolean {
  return (
    a.ruleId === f.ruleId &&
    a.resource === f.resource &&
    (a.fingerprints === undefined || a.fingerprints.includes(f.fingerprint))
  );
}

export const IN_PROGRESS_OUTPUT: { title: string; summary: string } = {
  title: "Analysing Emissary-ingress manifests",
  summary:
    "mtls-gate is simulating the upstream routing Emissary-ingress would build for this commit. " +
    "The verdict, with annotations on the lines at fault, appears here when the analysis completes.",
};

const ANNOTATION_LEVEL: Readonly<Record<Severity, CheckAnnotation["annotation_level"]>> = {
  error: "failure",
  warning: "warning",
  notice: "notice",
};


const SEVERITIES: readonly Severity[] = ["error", "warning", "notice"];

/** A finding with what the report needs to know about it. */
interface Entry {
  finding: Finding;
  blocking: boolean;
  /** With a base: the base had it too. */
  preExisting: boolean;
  /** Findings of the same root cause (same resource and line) that say what it does to the route: shown with this one. */
  consequences: Entry[];
}

/**
 * One entry per root cause: findings on the same resource and line are grouped under the one that is not a mere
 * consequence (a misspelt context, not the downgrade and the requirement it breaks), so a cause reads once.
 */
function grouped(entries: readonly Entry[]): Entry[] {
  const key = (e: Entry) => `${e.finding.resource ?? ""}\u0000${e.finding.file}\u0000${e.finding.line}\u0000${e.preExisting}\u0000${(e.finding.environments ?? []).join("\u0000")}`;
  // The first root cause of each place takes the consequences found there; a place with no root cause keeps them as they are.
  const rootOf = new Map<string, Entry>();
  for (const e of entries) {
    if (e.finding.resource !== null && !CONSEQUENCE_RULES.has(e.finding.ruleId) && !rootOf.has(key(e))) rootOf.set(key(e), e);
  }
  const consequencesOf = new Map<Entry, Entry[]>();
  const result: Entry[] = [];
  for (const e of entries) {
    const root = CONSEQUENCE_RULES.has(e.finding.ruleId) ? rootOf.get(key(e)) : undefined;
    if (root) consequencesOf.set(root, [...(consequencesOf.get(root) ?? []), e]);
    else result.push(e);
  }
  return result.map((e) => {
    const consequences = consequencesOf.get(e) ?? [];
    return consequences.length === 0 ? e : { ...e, blocking: e.blocking || consequences.some((c) => c.blocking), consequences };
  });
}

interface Context {
  input: CheckRunReportInput;
  failOn: string;
  /** The environments analysed, sorted, when there were several; else empty (nothing is grouped). */
  environments: readonly string[];
}

/** A push replaced this head before its analysis was published: no verdict for a commit nobody can merge any more. */
export function renderSuperseded(input: { headSha: string; newerSha: string }): CheckRunReport {
  return {
    conclusion: "cancelled",
    title: `Superseded by ${input.newerSha.slice(0, 7)}`,
    summary: `A newer push (${codeSpan(input.newerSha.slice(0, 12))}) replaced ${codeSpan(input.headSha.slice(0, 12))} while it waited for analysis; the newer head gets its own check.`,
    annotations: [],
  };
}

export function renderCheckRun(input: CheckRunReportInput): CheckRunReport {
  const { hasBase, policy } = input;
  const blockingKeys = new Set(input.failing.map(findingKey));
  const entries = input.findings.map((finding): Entry => ({
    finding,
    blocking: blockingKeys.has(findingKey(finding)),
    preExisting: hasBase && finding.introduced === false,
    consequences: [],
  }));
  const environments = analysedEnvironments(input);
  const environmentKey = environmentGroupKey(environments);
  entries.sort((a, b) => compareEntries(a, b, environmentKey));

  const active = entries.filter((e) => !e.finding.suppressed);
  const fresh = active.filter((e) => !e.preExisting);
  const preExisting = active.filter((e) => e.preExisting);
  const suppressed = entries.length - active.length;

  // What the change introduced, and whatever blocks (the verdict's `failing`, pre-existing ones under `scope: all`).
  const annotated = grouped(active.filter((e) => !e.preExisting || e.blocking));
  const cap = annotationCap(input.maxAnnotations);
  const annotations = annotated
    .slice(0, cap)
    .map((e) => toAnnotation(e, input.ruleDocsUrl, input.acceptances ?? [], environments));

  const ctx: Context = { input, failOn: codeSpan(policy.failOn), environments };
  const parts: Part[] = [];
  const coverage = coverageLines(input);
  if (coverage) parts.push(fixed(coverage));
  parts.push(fixed(verdictLine(ctx, entries)), fixed(contextLine(input)));

  parts.push(
    findingsTable(
      ctx,
      1,
      hasBase ? `Introduced findings (${fresh.length})` : `Findings (${fresh.length})`,
      paragraphs(findingCounts(ctx, fresh), outsideNote(ctx, fresh)),
      grouped(fresh),
      hasBase ? "No findings introduced by this change." : "No findings.",
    ),
  );
  if (annotated.length > cap) {
    const left = annotated.length - cap;
    parts.push(
      fixed(
        `⚠️ **${plural(left, "annotation")} left out:** ${annotations.length} of ${annotated.length} are on the files ` +
          `(at most ${cap} a run, blocking ones first). The full list is below; \`mtls-gate analyze\` prints everything.`,
      ),
    );
  }

  if (hasBase) {
    if (input.deletedFiles.length > 0 || input.removedRoutes.length > 0) parts.push(deletedSection(input));
    parts.push(routesSection(input));
    if (policy.scope === "all") {
      const blockingOld = preExisting.filter((e) => e.blocking);
      if (blockingOld.length > 0) {
        parts.push(
          findingsTable(
            ctx,
            2,
            `Pre-existing findings that block (${blockingOld.length})`,
            [`With \`scope: all\` these block too.`],
            blockingOld,
            "",
          ),
        );
      }
    }
  } else {
    parts.push(fixed(["### Routes", routeCounts(input.routes), ...environmentCounts(input.routes)].join("\n")));
  }
  if (input.acceptanceProblem) parts.push(fixed(`### Acceptances\n\n${escapeInline(input.acceptanceProblem)}.`));
  if ((input.acceptances ?? []).length > 0) parts.push(acceptancesSection(input.acceptances ?? [], entries));
  const counts = countsSection(ctx, preExisting, suppressed);
  if (counts) parts.push(fixed(counts));
  const rules = [...new Set(entries.map((e) => e.finding.ruleId))].sort(compareStrings);
  if (rules.length > 0) {
    parts.push({
      kind: "cut",
      priority: 5,
      title: ["### Rules"],
      head: [],
      rows: rules.map((id) => `- ${link(escapeInline(id, MAX_NAME_CHARS), input.ruleDocsUrl(id))}`),
      more: (n) => `… and ${plural(n, "more rule")}`,
    });
  }

  return {
    conclusion: input.failing.length > 0 || input.coverageBlocking ? "failure" : "success",
    title: titleOf(input, active, preExisting.length, suppressed),
    summary: layout(parts, MAX_OUTPUT_CHARS),
    ...(entries.length > 0 ? { text: fullList(ctx, entries) } : {}),
    annotations,
  };
}

export function renderNoManifestChanges(input: { headSha: string; baseSha: string | null }): CheckRunReport {
  const compared = input.baseSha
    ? `${shortSha(input.headSha)} compared with ${shortSha(input.baseSha)}`
    : shortSha(input.headSha);
  return {
    conclusion: "success",
    title: "No Kubernetes manifests changed",
    summary: `✅ This change touches no Kubernetes manifests (\`*.yaml\`, \`*.yml\`) and not \`.github/mtls-gate.yml\`: nothing to check (${compared}).`,
    annotations: [],
  };
}

export function renderInternalError(input: { problem: string; attempt?: string }): CheckRunReport {
  const lines = [
    "❌ **mtls-gate could not complete its analysis.** It cannot vouch for this change, so the check fails until a run completes.",
    "",
    fencedBlock(truncateChars(input.problem, 4000)),
  ];
  if (input.attempt !== undefined) lines.push("", `**Attempt:** ${escapeInline(input.attempt, MAX_CELL_CHARS)}`);
  lines.push(
    "",
    "To run it again, use the **Re-run** button of this check, or comment `/mtls-gate recheck` on the pull request. " +
      "If it keeps failing, the app's logs have the details.",
  );
  return {
    conclusion: "failure",
    title: "Internal error: the analysis did not complete; use Re-run or comment /mtls-gate recheck",
    summary: hardLimit(lines.join("\n"), MAX_OUTPUT_CHARS),
    annotations: [],
  };
}

export function renderInvalidConfig(input: {
  source: string;
  problems: readonly { path: string; problem: string; line?: number }[];
}): CheckRunReport {
  const intro = [
    `❌ **The mtls-gate configuration is invalid**, so the gate refuses to pass any change until it is fixed.`,
    "",
    `Source: ${escapeInline(input.source, MAX_CELL_CHARS)}. This trusted configuration (the default branch's, with what it ` +
      "extends from the organisation's `.github` repository) decides the verdict; a pull request cannot change it. " +
      "Fix it there, then re-run this check.",
  ];
  const rows = input.problems.map((p) => {
    const where = p.line !== undefined ? ` (line ${Math.max(1, Math.floor(p.line))})` : "";
    return `- ${codeSpan(truncateChars(p.path, MAX_NAME_CHARS))}${where}: ${escapeInline(p.problem, MAX_CELL_CHARS)}`;
  });
  const parts: Part[] = [
    fixed(intro.join("\n")),
    {
      kind: "cut",
      priority: 1,
      title: [`### Problems (${input.problems.length})`],
      head: [],
      rows: rows.length > 0 ? rows : ["- (no details were given)"],
      more: (n) => `… and ${plural(n, "more problem")}`,
    },
  ];
  return {
    conclusion: "failure",
    title: "Invalid mtls-gate configuration",
    summary: layout(parts, MAX_OUTPUT_CHARS),
    annotations: [],
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Findings

/** Identifies a finding across copies: the caller may hand over the failing list as new objects. */
function findingKey(f: Finding): string {
  return [f.fingerprint, f.ruleId, f.file, f.line, f.column, f.endLine, f.endColumn].join("\u0000");
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Blocking first, suppressed last, then (with several environments) by the environments a finding is in, those in
 * every environment first, then severity, the change's own before pre-existing, file, line; ties by content.
 */
function compareEntries(a: Entry, b: Entry, environmentKey: (f: Finding) => string): number {
  const x = a.finding;
  const y = b.finding;
  return (
    Number(b.blocking) - Number(a.blocking) ||
    Number(Boolean(x.suppressed)) - Number(Boolean(y.suppressed)) ||
    compareStrings(environmentKey(x), environmentKey(y)) ||
    SEVERITY_RANK[y.severity] - SEVERITY_RANK[x.severity] ||
    Number(a.preExisting) - Number(b.preExisting) ||
    compareStrings(x.file, y.file) ||
    x.line - y.line ||
    x.column - y.column ||
    compareStrings(x.ruleId, y.ruleId) ||
    compareStrings(x.fingerprint, y.fingerprint) ||
    compareStrings(x.message, y.message)
  );
}

function annotationCap(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return MAX_ANNOTATIONS;
  return Math.max(0, Math.floor(requested));
}

function clampLine(line: number): number {
  return Number.isFinite(line) ? Math.max(1, Math.floor(line)) : 1;
}

function toAnnotation(
  entry: Entry,
  ruleDocsUrl: (ruleId: string) => string,
  acceptances: readonly AcceptanceView[],
  environments: readonly string[],
): CheckAnnotation {
  const f = entry.finding;
  const startLine = clampLine(f.line);
  const endLine = Math.max(startLine, clampLine(f.endLine));
  const accepted = entry.blocking ? undefined : acceptances.find((a) => names(a, f));
  // Annotations are plain text: nothing to escape but line breaks and control characters, which a name from the pull
  // request (an environment's, a resource's) could use to forge lines of its own in the message.
  const message =
    (f.message === "" ? f.ruleId : flatten(f.message)) +
    (entry.preExisting ? " (pre-existing)" : "") +
    (accepted ? ` (accepted by @${accepted.by}: ${accepted.reason})` : "") +
    environmentsNote(f, environments) +
    (entry.consequences.length > 0
      ? `\n\nConsequences on this route:\n${entry.consequences.map((c) => `- ${c.finding.ruleId} (${c.finding.severity}): ${flatten(c.finding.message)}`).join("\n")}`
      : "");
  const details = [
    ...(f.resource !== null ? [`Resource: ${f.resource}`] : []),
    `Fingerprint: ${[f, ...entry.consequences.map((c) => c.finding)].map((x) => x.fingerprint).join(", ")}`,
    `Documentation: ${ruleDocsUrl(f.ruleId)}`,
  ];
  const annotation: CheckAnnotation = {
    path: f.file,
    start_line: startLine,
    end_line: endLine,
    annotation_level: ANNOTATION_LEVEL[worst(entry)],
    title: truncateChars(f.ruleId, MAX_TITLE_CHARS),
    message: truncateUtf8(message, MAX_ANNOTATION_BYTES),
    raw_details: truncateUtf8(details.join("\n"), MAX_ANNOTATION_BYTES),
  };
  // GitHub rejects columns on a range that spans lines.
  if (f.line === f.endLine && startLine === endLine && Number.isInteger(f.column) && Number.isInteger(f.endColumn)) {
    const startColumn = Math.max(1, f.column);
    if (f.endColumn > startColumn) {
      annotation.start_column = startColumn;
      annotation.end_column = f.endColumn;
    }
  }
  return annotation;
}

function titleOf(
  input: CheckRunReportInput,
  active: readonly Entry[],
  preExisting: number,
  suppressed: number,
): string {
  const { hasBase } = input;
  const counts = SEVERITIES.map((severity) => {
    const n = active.filter((e) => !e.preExisting && e.finding.severity === severity).length;
    return n > 0 ? `${plural(n, severity)}${hasBase ? " introduced" : ""}` : "";
  }).filter((s) => s !== "");
  // What happens to traffic first: routes this change leaves with less protection than the base gave them.
  const lost = input.routes.filter((r) => r.change === "changed" && r.baseMode != null && weaker(r.mode, r.baseMode));
  // Then routes whose simulated handshake this change breaks (issue 20): named by prefix, as people know them.
  const broken = input.routes.filter((r) => r.change !== "unchanged" && handshakeSummary(r)?.status === "fails");
  const consequence = [lost.length > 0 ? lostTitle(lost) : "", broken.length > 0 ? handshakeTitle(broken) : ""].filter((t) => t !== "").map((t) => `${t} · `).join("");
  const segments = [`${consequence}${counts.length > 0 ? counts.join(", ") : hasBase ? "No new problems" : "No problems found"}`];
  if (input.failing.length > 0) {
    const old = hasBase ? input.failing.filter((f) => f.introduced === false).length : 0;
    segments.push(`${input.failing.length} blocking${old > 0 ? ` (${old} pre-existing)` : ""}`);
  } else if (counts.length > 0) {
    segments.push("none blocking");
  }
  if (hasBase && preExisting > 0) segments.push(`${preExisting} pre-existing`);
  if (suppressed > 0) segments.push(`${suppressed} suppressed`);
  if (input.coverage && foundNoManifests(input.coverage)) segments.unshift("No manifests found");
  else if (input.coverage && skippedCount(input.coverage) > 0) segments.push(`${plural(skippedCount(input.coverage), "file")} skipped${input.coverageBlocking ? " (blocking)" : ""}`);
  else if (input.coverageBlocking) segments.push("skipped files block");
  return truncateChars(segments.join(" · "), MAX_TITLE_CHARS).replace(/\.+$/, "");
}

/** "1 route's handshake fails: /payments/ to payments.payments:8443 (+1 more)". */
function handshakeTitle(broken: readonly RouteView[]): string {
  const first = broken[0];
  if (!first) return "";
  const what = broken.length === 1 ? "1 route's handshake fails" : `${broken.length} routes' handshakes fail`;
  return `${what}: ${titleText(first.prefix ?? first.mapping)} to ${titleText(`${first.upstream.host}:${first.upstream.port}`)}${broken.length > 1 ? ` (+${broken.length - 1} more)` : ""}`;
}

/** The routes table's handshake cell: ok, fails (with why) or unknown (with why); "—" for routes without TLS. */
function handshakeCell(route: RouteView): string {
  const summary = route.change === "removed" ? null : handshakeSummary(route);
  if (!summary) return "—";
  return summary.status === "ok" ? "ok" : `${summary.status === "fails" ? "❌ fails" : "unknown"}: ${escapeInline(summary.why ?? "", MAX_NAME_CHARS)}`;
}

const MODE_NAME: Readonly<Record<RouteMode, string>> = { mtls: "mTLS", tls: "TLS", plaintext: "plaintext" };

/** "2 routes lose mTLS: /upstream/ now plaintext to upstream-service.payments:80 (+1 more)". */
function lostTitle(lost: readonly RouteView[]): string {
  const first = lost[0];
  if (!first) return "";
  const was = lost.some((r) => r.baseMode === "mtls") ? "mTLS" : "TLS";
  const what = lost.length === 1 ? `1 route loses ${was}` : `${lost.length} routes lose ${was}`;
  const route = `${titleText(first.prefix ?? first.mapping)} now ${MODE_NAME[first.mode]} to ${titleText(`${first.upstream.host}:${first.upstream.port}`)}`;
  return `${what}: ${route}${lost.length > 1 ? ` (+${lost.length - 1} more)` : ""}`;
}


/**
 * The top of the summary when the analysis did not see everything: no Kubernetes manifest at all, or manifest files in
 * scope skipped (with the first few paths); and why they block, when they do. Undefined when everything was read.
 */
function coverageLines(input: CheckRunReportInput): string | undefined {
  const { coverage } = input;
  if (!coverage) return input.coverageBlocking ? `❌ **Blocks merge:** ${escapeInline(input.coverageBlocking)}.` : undefined;
  const lines: string[] = [];
  const skipped = skippedLine(coverage);
  if (foundNoManifests(coverage)) lines.push(`⚠️ **No manifests found:** ${escapeInline(coverageSummary(coverage))}. Nothing in this tree was checked.`);
  else if (skipped) lines.push(`⚠️ **Coverage:** ${escapeInline(skipped)}`);
  if (lines.length > 0 && coverage.skippedFiles.length > 0) {
    const shown = coverage.skippedFiles.slice(0, SKIPPED_FILES_SHOWN);
    lines.push(shown.map((f) => `${codeSpan(f.path)} (${f.reason})`).join(", ") + (skippedCount(coverage) > shown.length ? `, … and ${skippedCount(coverage) - shown.length} more` : ""));
  }
  if (input.coverageBlocking) lines.push(`❌ **Blocks merge:** ${escapeInline(input.coverageBlocking)}.`);
  return lines.length > 0 ? lines.join("\n\n") : undefined;
}

/** How many skipped files the summary names. */
const SKIPPED_FILES_SHOWN = 10;

function verdictLine(ctx: Context, entries: readonly Entry[]): string {
  const { input, failOn } = ctx;
  const n = input.failing.length;
  if (!input.hasBase) {
    return n > 0
      ? `❌ **Blocks merge:** ${plural(n, "finding")} at or above ${failOn} in this tree (no base to compare with: every finding counts).`
      : `✅ **No findings at or above ${failOn}** in this tree (no base to compare with: every finding counts).`;
  }
  if (input.policy.scope === "all") {
    const blockingOld = entries.filter((e) => e.blocking && e.preExisting).length;
    return n > 0
      ? `❌ **Blocks merge:** ${plural(n, "finding")} at or above ${failOn}: ${n - blockingOld} introduced by this change, ${blockingOld} pre-existing (\`scope: all\`).`
      : `✅ **No findings at or above ${failOn}**, introduced or pre-existing (\`scope: all\`).`;
  }
  return n > 0
    ? `❌ **Blocks merge:** ${plural(n, "finding")} at or above ${failOn} introduced by this change.`
    : `✅ **No introduced findings at or above ${failOn}.**`;
}

function shortSha(sha: string): string {
  return codeSpan(sha.slice(0, 12));
}

function contextLine(input: CheckRunReportInput): string {
  const { target } = input;
  let subject: string;
  if (target.kind === "merge_group") {
    subject = `Merge queue into ${codeSpan(truncateChars(target.baseRef, MAX_NAME_CHARS))}`;
  } else if (target.numbers.length === 0) {
    subject = "Commit";
  } else {
    const shown = target.numbers.slice(0, 10).map((n) => `#${n}`);
    if (target.numbers.length > shown.length) shown.push("…");
    subject = `${target.numbers.length === 1 ? "Pull request" : "Pull requests"} ${shown.join(", ")}`;
  }
  const against = input.baseSha
    ? `compared with ${target.kind === "merge_group" ? "the queue's base" : "the merge base"} ${shortSha(input.baseSha)}`
    : "no base";
  return `${subject} · head ${shortSha(input.headSha)} ${against} · policy \`failOn: ${input.policy.failOn}\`, \`scope: ${input.policy.scope}\``;
}

function locationText(ctx: Context, f: Finding): string {
  const line = clampLine(f.line);
  const text = `${escapeInline(f.file, MAX_NAME_CHARS)}:${line}`;
  return ctx.input.fileUrl ? link(text, ctx.input.fileUrl(f.file, line)) : text;
}

/** With a base: whether the finding stands in a file the change did not touch (its blast radius). */
function outsideChange(ctx: Context, f: Finding): boolean {
  return ctx.input.hasBase && f.introduced !== false && !ctx.input.changedFiles.includes(f.file);
}

/** One line above the table when some rows are the change's blast radius; the rows themselves carry the mark. */
function outsideNote(ctx: Context, entries: readonly Entry[]): string[] {
  const outside = grouped(entries).filter((e) => outsideChange(ctx, e.finding)).length;
  if (outside === 0) return [];
  return [
    `${outside === 1 ? "The row marked ↪ stands in a file" : `${outside} rows marked ↪ stand in files`} this change did not touch (for example a deleted Secret that a TLSContext elsewhere still references), annotated where ${outside === 1 ? "it stands" : "they stand"}, under “Unchanged files with check annotations”.`,
  ];
}

function findingRow(ctx: Context, e: Entry): string {
  const f = e.finding;
  const severity = e.blocking ? `**${worst(e)}** · blocking` : worst(e);
  const rules = [e, ...e.consequences].map((x) => link(escapeInline(x.finding.ruleId, MAX_NAME_CHARS), ctx.input.ruleDocsUrl(x.finding.ruleId)));
  const rule = rules.length > 1 ? `${rules[0]} → ${rules.slice(1).join(", ")}` : (rules[0] ?? "");
  const resource = f.resource !== null ? escapeInline(f.resource, MAX_NAME_CHARS) : "—";
  const where = `${locationText(ctx, f)}${outsideChange(ctx, f) ? " ↪" : ""}`;
  const consequences = e.consequences.length > 0 ? ` **Consequences:** ${e.consequences.map((c) => escapeInline(c.finding.message)).join(" ")}` : "";
  const environments = ctx.environments.length > 1 ? `| ${environmentsCell(f, ctx.environments)} ` : "";
  return `${environments}| ${severity} | ${rule} | ${where} | ${resource} | ${truncateChars(`${escapeInline(f.message)}${consequences}`, MAX_CELL_CHARS * 2)} |`;
}

/** The worst severity of a grouped entry. */
function worst(e: Entry): Severity {
  return [e, ...e.consequences].map((x) => x.finding.severity).sort((a, b) => SEVERITY_RANK[b] - SEVERITY_RANK[a])[0] ?? e.finding.severity;
}

function findingsTable(
  ctx: Context,
  priority: number,
  heading: string,
  intro: string[],
  entries: readonly Entry[],
  empty: string,
): Part {
  if (entries.length === 0) return fixed([`### ${heading}`, ...intro, ...(empty ? [empty] : [])].join("\n"));
  return {
    kind: "cut",
    priority,
    title: [`### ${heading}`, ...intro],
    head: [
      ...(intro.length > 0 ? [""] : []),
      ...(ctx.environments.length > 1
        ? ["| Environments | Severity | Rule | Location | Resource | Message |", "| --- | --- | --- | --- | --- | --- |"]
        : ["| Severity | Rule | Location | Resource | Message |", "| --- | --- | --- | --- | --- |"]),
    ],
    rows: entries.map((e) => findingRow(ctx, e)),
    more: (n) => `… and ${plural(n, "more finding")} (see annotations / run the CLI)`,
  };
}

function acceptancesSection(acceptances: readonly AcceptanceView[], entries: readonly Entry[]): Part {
  return {
    kind: "cut",
    priority: 2,
    title: [
      `### Accepted findings (${acceptances.length})`,
      "Accepted on this pull request with `/mtls-gate accept`: they do not block. `/mtls-gate revoke <rule-id> <resource>` withdraws one.",
    ],
    head: [""],
    rows: acceptances.map((a) => {
      const matches = entries.filter((e) => !e.preExisting && names(a, e.finding)).length;
      const status = matches > 0 ? `covers ${plural(matches, "finding")}` : "no longer matches a finding";
      return `- ${codeSpan(a.ruleId)} on ${escapeInline(a.resource, MAX_NAME_CHARS)}: accepted by ${mention(truncateChars(a.by, MAX_NAME_CHARS))} on ${escapeInline(a.at, 40)}, ${status}. Reason: ${escapeInline(a.reason, MAX_CELL_CHARS)}`;
    }),
    more: (n) => `… and ${plural(n, "more acceptance")}`,
  };
}

function countsSection(ctx: Context, preExisting: readonly Entry[], suppressed: number): string | null {
  const { input, failOn } = ctx;
  const lines: string[] = [];
  if (input.hasBase) {
    const bySeverity = SEVERITIES.map((s) =>
      plural(preExisting.filter((e) => e.finding.severity === s).length, s),
    ).join(", ");
    const how =
      input.policy.scope === "all"
        ? `those at or above ${failOn} are annotated and block (\`scope: all\`)`
        : "not annotated, not blocking (`scope: introduced`)";
    lines.push(`**Pre-existing** (the base has them too): ${bySeverity}: ${how}.`);
  }
  if (input.hasBase || suppressed > 0) {
    lines.push(
      `**Suppressed** (\`mtls-gate.io/ignore\`): ${suppressed}; they never block and are listed in the full list below.`,
    );
  }
  if (lines.length === 0) return null;
  return [input.hasBase ? "### Pre-existing and suppressed" : "### Suppressed", ...lines].join("\n\n");
}

/** Every finding, one line each: the output's `text`, under the same limit. */
function fullList(ctx: Context, entries: readonly Entry[]): string {
  const rows = entries.map(({ finding: f, blocking, preExisting }) => {
    const tags = [
      blocking ? "blocking" : "",
      preExisting ? "pre-existing" : "",
      f.suppressed ? `suppressed: ${escapeInline(f.suppressed.reason, MAX_NAME_CHARS)}` : "",
    ].filter((t) => t !== "");
    const rule = link(escapeInline(f.ruleId, MAX_NAME_CHARS), ctx.input.ruleDocsUrl(f.ruleId));
    const resource = f.resource !== null ? ` · ${escapeInline(f.resource, MAX_NAME_CHARS)}` : "";
    const environments = ctx.environments.length > 1 ? ` · in ${environmentsCell(f, ctx.environments)}` : "";
    return `- **${f.severity}** ${rule} · ${locationText(ctx, f)}${resource}${environments} · ${escapeInline(f.message, MAX_CELL_CHARS)}${tags.length > 0 ? ` (${tags.join("; ")})` : ""}`;
  });
  return layout(
    [
      {
        kind: "cut",
        priority: 1,
        title: [
          `## All findings (${entries.length})`,
          "",
          "Every finding of the head tree, pre-existing and suppressed ones included.",
        ],
        head: [""],
        rows,
        more: (n) => `… and ${plural(n, "more finding")} (run the CLI for the full list)`,
      },
    ],
    MAX_OUTPUT_CHARS,
  );
}

// ---------------------------------------------------------------------------------------------------------------------
// Routes and files

function isDowngrade(route: RouteView): boolean {
  return route.change === "changed" && route.baseMode != null && weaker(route.mode, route.baseMode);
}

function routeName(route: RouteView): string {
  return escapeInline(route.mapping, MAX_NAME_CHARS) + (route.kind === "TCPMapping" ? " (tcp)" : "");
}

function modeCell(route: RouteView): string {
  if (route.change === "removed") return `${route.baseMode ?? route.mode} → removed`;
  const from = route.change === "changed" && route.baseMode != null ? route.baseMode : "—";
  let cell = `${from} → ${route.mode}`;
  if (isDowngrade(route)) cell += " ⚠️ downgrade";
  if (route.rejected !== null) cell += ` ⛔ rejected: ${escapeInline(route.rejected, MAX_NAME_CHARS)}`;
  return cell;
}

const CHANGE_ORDER: Readonly<Record<string, number>> = { changed: 1, added: 2, removed: 3 };

function routesSection(input: CheckRunReportInput): Part {
  const routes = [
    ...input.routes.filter((r) => r.change === "added" || r.change === "changed"),
    ...input.removedRoutes.map((r): RouteView => ({ ...r, change: "removed" })),
  ];
  const rank = (r: RouteView) =>
    r.change !== "removed" && (isDowngrade(r) || r.rejected !== null) ? 0 : (CHANGE_ORDER[r.change ?? "added"] ?? 2);
  // Several environments (overlays, values files): each is its own cluster, so its routes are listed together.
  const byEnvironment = environmentsOf(input.routes).length > 1;
  const environmentOrder = (r: RouteView) => (byEnvironment ? (r.environment ?? "") : "");
  routes.sort(
    (a, b) =>
      compareStrings(environmentOrder(a), environmentOrder(b)) ||
      rank(a) - rank(b) ||
      compareStrings(a.mapping, b.mapping) ||
      compareStrings(a.kind, b.kind),
  );
  const title = [`### Changed routes (${routes.length})`, routeCounts(input.routes), ...environmentCounts(input.routes)];
  const showHandshake = routes.some((r) => r.upstreamTls);
  if (routes.length === 0)
    return fixed([...title, "No route changes: every route keeps its upstream and TLS settings."].join("\n"));
  return {
    kind: "cut",
    priority: 2,
    title,
    // An Environment column with several environments; a Handshake column when some listed route originates TLS.
    head: [
      "",
      `|${byEnvironment ? " Environment |" : ""} Mapping | Prefix | Upstream | Change | Mode (base → head) |${showHandshake ? " Handshake |" : ""}`,
      `|${" --- |".repeat(5 + (byEnvironment ? 1 : 0) + (showHandshake ? 1 : 0))}`,
    ],
    rows: routes.map((r) => {
      const prefix = r.prefix !== null ? escapeInline(r.prefix, MAX_NAME_CHARS) : "—";
      const upstream = escapeInline(`${r.upstream.scheme}://${r.upstream.host}:${r.upstream.port}`, MAX_NAME_CHARS);
      const environment = byEnvironment ? `| ${r.environment !== undefined ? environmentName(r.environment) : "—"} ` : "";
      return `${environment}| ${routeName(r)} | ${prefix} | ${upstream} | ${r.change ?? "added"} | ${modeCell(r)} |${showHandshake ? ` ${handshakeCell(r)} |` : ""}`;
    }),
    more: (n) => `… and ${plural(n, "more route")} (run \`mtls-gate routes\` for the whole table)`,
  };
}

/**
 * An environment's name in Markdown. Names come from the pull request (directory and values file names, Argo CD and
 * Flux object names), so they are escaped like any echoed text: code font when plain, else `<code>` with escaped text,
 * never a raw backtick span that a backtick in the name would close.
 */
function environmentName(name: string): string {
  return codeSpan(truncateChars(flatten(name), MAX_NAME_CHARS));
}

/** How many environments a finding's cell names before "… and N more". */
const ENVIRONMENTS_NAMED = 10;

/**
 * The environments analysed, sorted: the input's, else those the routes and findings name. Empty when there was one
 * (a single environment's findings and routes carry none).
 */
function analysedEnvironments(input: CheckRunReportInput): string[] {
  const names = new Set<string>(input.environments ?? []);
  if (!input.environments) {
    for (const r of [...input.routes, ...input.removedRoutes]) if (r.environment !== undefined) names.add(r.environment);
    for (const f of input.findings) for (const env of f.environments ?? []) names.add(env);
  }
  return names.size > 1 ? [...names].sort(compareStrings) : [];
}

/** Whether a finding stands in every environment analysed (or carries no list, as with one environment). */
function inEvery(f: Finding, environments: readonly string[]): boolean {
  return f.environments === undefined || environments.every((env) => f.environments?.includes(env));
}

/** The order of environment groups: findings in every environment first, then by the sorted names of their own. */
function environmentGroupKey(environments: readonly string[]): (f: Finding) => string {
  if (environments.length < 2) return () => "";
  return (f) => (inEvery(f, environments) ? "" : `\u0001${[...(f.environments ?? [])].sort(compareStrings).join("\u0000")}`);
}

/** A finding's environments in Markdown: "all N", or the names (the first ENVIRONMENTS_NAMED). */
function environmentsCell(f: Finding, environments: readonly string[]): string {
  if (inEvery(f, environments)) return `all ${environments.length}`;
  const names = [...(f.environments ?? [])].sort(compareStrings);
  const shown = names.slice(0, ENVIRONMENTS_NAMED).map(environmentName);
  return names.length > shown.length ? `${shown.join(", ")} … and ${names.length - shown.length} more` : shown.join(", ");
}

/**
 * The annotation's line on environments, with several: plain text (annotations are), each name on this one line and
 * cut like any echoed name.
 */
function environmentsNote(f: Finding, environments: readonly string[]): string {
  if (environments.length < 2) return "";
  if (inEvery(f, environments)) return `\n\nIn all ${environments.length} environments.`;
  const names = [...(f.environments ?? [])].sort(compareStrings).map((env) => truncateChars(flatten(env), MAX_NAME_CHARS));
  const shown = names.slice(0, ENVIRONMENTS_NAMED);
  const more = names.length > shown.length ? ` and ${names.length - shown.length} more` : "";
  return `\n\nIn ${plural(names.length, "environment")} of ${environments.length}: ${shown.join(", ")}${more}.`;
}

/** Blocks of lines, a blank line between those that are not empty (a list then a paragraph stay apart). */
function paragraphs(...blocks: string[][]): string[] {
  return blocks.filter((b) => b.length > 0).flatMap((b, i) => (i === 0 ? b : ["", ...b]));
}

/** With several environments: one line per environment, how many of the findings stand in it (by severity). */
function findingCounts(ctx: Context, entries: readonly Entry[]): string[] {
  if (ctx.environments.length < 2 || entries.length === 0) return [];
  return ctx.environments.map((env) => {
    const own = entries.filter((e) => e.finding.environments === undefined || e.finding.environments.includes(env));
    const counts = SEVERITIES.map((severity) => {
      const n = own.filter((e) => e.finding.severity === severity).length;
      return n > 0 ? plural(n, severity) : "";
    }).filter((c) => c !== "");
    return `- Environment ${environmentName(env)}: ${counts.length > 0 ? counts.join(", ") : "none"}`;
  });
}

/** The environments the routes were simulated in (rendered overlays, values files), sorted; empty when not rendered. */
function environmentsOf(routes: readonly RouteView[]): string[] {
  return [...new Set(routes.flatMap((r) => (r.environment !== undefined ? [r.environment] : [])))].sort(compareStrings);
}

/** With several environments: one line of route counts per environment, under the head's total. */
function environmentCounts(routes: readonly RouteView[]): string[] {
  const environments = environmentsOf(routes);
  if (environments.length < 2) return [];
  return [
    "",
    ...environments.map(
      (env) =>
        `- Environment ${environmentName(env)}: ` +
        routeCounts(routes.filter((r) => r.environment === env)).replace(/^Head: /, ""),
    ),
  ];
}

function routeCounts(routes: readonly RouteView[]): string {
  const by = (mode: RouteMode) => routes.filter((r) => r.rejected === null && r.mode === mode).length;
  const rejected = routes.filter((r) => r.rejected !== null).length;
  const modes = `${by("mtls")} mtls, ${by("tls")} tls, ${by("plaintext")} plaintext`;
  return `Head: ${plural(routes.length, "route")} (${modes}${rejected > 0 ? `, ${rejected} rejected` : ""}).`;
}

function deletedSection(input: CheckRunReportInput): Part {
  const rows = [
    ...[...input.deletedFiles]
      .sort(compareStrings)
      .map((path) => `- ${codeSpan(truncateChars(path, MAX_NAME_CHARS))} deleted`),
    ...input.removedRoutes.map((r) => {
      const prefix = r.prefix !== null ? `, prefix ${codeSpan(truncateChars(r.prefix, MAX_NAME_CHARS))}` : "";
      return `- route ${codeSpan(truncateChars(r.mapping, MAX_NAME_CHARS))}${r.kind === "TCPMapping" ? " (tcp)" : ""} removed (was ${r.mode}${prefix})`;
    }),
  ];
  return {
    kind: "cut",
    priority: 4,
    title: [`### Deleted files and removed routes (${rows.length})`],
    head: [],
    rows,
    more: (n) => `… and ${plural(n, "more deleted file or removed route", "more deleted files and removed routes")}`,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Layout under GitHub's limit

/**
 * A piece of Markdown: fixed text, or a list or table whose rows may be cut (whole rows only, then an "… and N more"
 * line). Rows go to the cuttable parts in priority order (lowest first); the output keeps the parts' own order.
 */
type Part =
  | { kind: "fixed"; text: string }
  | { kind: "cut"; priority: number; title: string[]; head: string[]; rows: string[]; more: (n: number) => string };

function fixed(text: string): Part {
  return { kind: "fixed", text };
}

const SEPARATOR = "\n\n";

function layout(parts: readonly Part[], limit: number): string {
  // Bytes of what is always there: fixed parts, titles, separators; then a reserve for every part's "more" line.
  const moreCost = (p: Part) => (p.kind === "cut" && p.rows.length > 0 ? 2 + utf8Length(p.more(p.rows.length)) : 0);
  let used = utf8Length(SEPARATOR) * Math.max(0, parts.length - 1);
  let reserved = 0;
  for (const p of parts) {
    used += utf8Length(p.kind === "fixed" ? p.text : p.title.join("\n"));
    reserved += moreCost(p);
  }
  const kept = new Map<Part, number>();
  const order = parts
    .map((p, index) => ({ p, index }))
    .filter((x) => x.p.kind === "cut")
    .sort((a, b) => (a.p.kind === "cut" && b.p.kind === "cut" ? a.p.priority - b.p.priority : 0) || a.index - b.index);
  for (const { p } of order) {
    if (p.kind !== "cut") continue;
    reserved -= moreCost(p);
    const available = limit - used - reserved;
    const headCost = p.head.reduce((sum, line) => sum + 1 + utf8Length(line), 0);
    const rowCosts = p.rows.map((row) => 1 + utf8Length(row));
    const full = p.rows.length > 0 ? headCost + rowCosts.reduce((a, b) => a + b, 0) : 0;
    if (full <= available) {
      kept.set(p, p.rows.length);
      used += full;
      continue;
    }
    const room = available - moreCost(p);
    let cost = headCost;
    let count = 0;
    for (const rowCost of rowCosts) {
      if (cost + rowCost > room) break;
      cost += rowCost;
      count++;
    }
    kept.set(p, count);
    used += (count > 0 ? cost : 0) + moreCost(p);
  }
  const text = parts
    .map((p) => {
      if (p.kind === "fixed") return p.text;
      const count = kept.get(p) ?? p.rows.length;
      const lines = [...p.title];
      if (count > 0) lines.push(...p.head, ...p.rows.slice(0, count));
      if (count < p.rows.length) lines.push("", p.more(p.rows.length - count));
      return lines.join("\n");
    })
    .join(SEPARATOR);
  return hardLimit(text, limit);
}

/** The last resort, for fixed text beyond the limit: cut at a line break and say so. */
function hardLimit(text: string, limit: number): string {
  if (utf8Length(text) <= limit) return text;
  const note = "… cut at GitHub's size limit (run the CLI for everything)";
  const head = truncateUtf8(text, limit - utf8Length(note) - 2);
  const lineEnd = head.lastIndexOf("\n");
  return `${lineEnd > 0 ? head.slice(0, lineEnd) : flatten(head)}\n\n${note}`;
}
