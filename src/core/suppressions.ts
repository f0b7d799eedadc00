/**
 * `mtls-gate.io/ignore` annotations: reading them, and deciding whether one clears a finding.
 *
 * A suppression is reviewed like code. Without a base every unexpired suppression counts. With a base (a pull request,
 * `--base`), a suppression the base tree does not carry (same rule, same resource) does not clear a finding that would
 * block the run (severity at or above the policy's `failOn`) unless the policy says
 * `suppressions.newInPullRequest: allow`; it is reported as pending instead. Findings of the policy's `require.*` rules
 * are never suppressed by an annotation, and a suppression past its `until` date no longer suppresses.
 */
import { documentLocation, type ResourceBase } from "./model/resources.js";
import type { Policy } from "./policy/policy.js";
import type { Report } from "./rules/rule.js";
import type { SourceDiagnostic } from "./source/load.js";
import { closest } from "./util/suggest.js";
import { SEVERITY_RANK, type Finding, type Location } from "./types.js";

export const IGNORE_ANNOTATION = "mtls-gate.io/ignore";

/** One rule suppressed on one resource by an annotation. */
export interface SuppressionEntry {
  reason: string;
  /** The last day (UTC, `YYYY-MM-DD`) the suppression counts, when the annotation has `until`. */
  until: string | null;
  /** True when `until` is before the analysis's clock: the suppression no longer counts. */
  expired: boolean;
  /** The first instant (ms since the epoch) it no longer counts: the end of its `until` day; absent without one. */
  expiresAt?: number;
  /** The annotation (or, inside a `getambassador.io/config` block, the document's `name:`). */
  location: Location;
}

export interface Suppressions {
  /** Suppressions per resource id, then per rule id. */
  byResource: Map<string, Map<string, SuppressionEntry>>;
  diagnostics: SourceDiagnostic[];
  /**
   * With a base: the keys (`suppressionKey`) of the base tree's suppressions that count there. A suppression whose key
   * is not in this set was added by the change. Undefined without a base: every suppression counts.
   */
  carried?: ReadonlySet<string>;
}

/** Identity of a suppression: the resource and the rule, not the reason or the expiry. */
export function suppressionKey(resource: string, ruleId: string): string {
  return `${resource}\u0000${ruleId}`;
}

const UNTIL = /(?:^|[\s,])until(?=\s|$)(.*)$/is;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The first instant after the day `YYYY-MM-DD` (UTC), or undefined when the text is not a real calendar date. */
function endOfDay(text: string): number | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = new Date(Date.UTC(year, month - 1, day));
  if (start.getUTCFullYear() !== year || start.getUTCMonth() !== month - 1 || start.getUTCDate() !== day)
    return undefined;
  return Date.UTC(year, month - 1, day + 1);
}

/**
 * Reads `mtls-gate.io/ignore: "rule-a,rule-b [until YYYY-MM-DD] -- reason"` from every resource. A missing reason or a
 * bad date is itself a finding and suppresses nothing; an unknown rule id is a finding and only that id is skipped.
 */
export function readSuppressions(
  resources: Iterable<ResourceBase>,
  knownRules: ReadonlySet<string>,
  now: Date,
): Suppressions {
  const byResource = new Map<string, Map<string, SuppressionEntry>>();
  const diagnostics: SourceDiagnostic[] = [];
  for (const resource of resources) {
    const value = resource.annotations[IGNORE_ANNOTATION];
    if (value === undefined) continue;
    const location =
      resource.style === "crd"
        ? documentLocation(resource, ["metadata", "annotations", IGNORE_ANNOTATION])
        : documentLocation(resource, ["name"]);
    const separator = value.indexOf("--");
    let rulesPart = separator >= 0 ? value.slice(0, separator) : value;
    const reason = separator >= 0 ? value.slice(separator + 2).trim() : "";
    const untilMatch = UNTIL.exec(rulesPart);
    const until = untilMatch ? (untilMatch[1] ?? "").trim() : null;
    if (untilMatch) rulesPart = rulesPart.slice(0, untilMatch.index);
    const rules = rulesPart
      .split(",")
      .map((r) => r.trim())
      .filter(Boolean);
    if (!reason) {
      diagnostics.push({
        kind: "suppression-without-reason",
        location,
        resource: resource.id,
        data: { problem: "no-reason", rules: rules.join(",") },
      });
      continue;
    }
    const expiresAt = until === null ? undefined : endOfDay(until);
    if (until !== null && expiresAt === undefined) {
      const shown = until.length > 40 ? `${until.slice(0, 40)}…` : until;
      diagnostics.push({
        kind: "suppression-invalid-until",
        location,
        resource: resource.id,
        data: { problem: "invalid-until", rules: rules.join(","), until: shown },
      });
      continue;
    }
    const expired = expiresAt !== undefined && now.getTime() >= expiresAt;
    const map = byResource.get(resource.id) ?? new Map<string, SuppressionEntry>();
    for (const rule of rules) {
      if (!knownRules.has(rule)) {
        diagnostics.push({
          kind: "suppression-unknown-rule",
          location,
          resource: resource.id,
          data: { problem: "unknown-rule", rule, suggestion: closest(rule, knownRules) ?? null },
        });
        continue;
      }
      map.set(rule, { reason, until, expired, location, ...(expiresAt !== undefined ? { expiresAt } : {}) });
    }
    byResource.set(resource.id, map);
  }
  return { byResource, diagnostics };
}

/**
 * Decides whether the suppression on a finding's resource, if any, clears it; sets `suppressed` only when it does, and
 * `suppression` with the outcome either way.
 */
export function applySuppression(finding: Finding, report: Report, policy: Policy, suppressions: Suppressions): void {
  if (finding.resource === null) return;
  const entry = suppressions.byResource.get(finding.resource)?.get(finding.ruleId);
  if (!entry) return;
  const addedInChange = suppressions.carried
    ? !suppressions.carried.has(suppressionKey(finding.resource, finding.ruleId))
    : undefined;
  const state = {
    reason: entry.reason,
    ...(entry.until !== null ? { until: entry.until } : {}),
    ...(addedInChange !== undefined ? { addedInChange } : {}),
  };
  if (report.requirement) {
    finding.suppression = { status: "not-allowed", ...state, requirement: report.requirement };
    return;
  }
  if (entry.expired) {
    finding.suppression = { status: "expired", ...state };
    return;
  }
  const blocking = SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[policy.failOn];
  if (blocking && addedInChange && policy.suppressions.newInPullRequest === "require-accept") {
    finding.suppression = { status: "pending", ...state };
    return;
  }
  finding.suppressed = { reason: entry.reason };
  finding.suppression = { status: "active", ...state };
}

/** The rules that report what happened to suppressions; they run after every other rule, on these diagnostics. */
export const SUPPRESSION_OUTCOME_RULES: ReadonlySet<string> = new Set([
  "suppression-added",
  "suppression-expired",
  "suppression-not-allowed",
  "suppression-pending",
]);

/**
 * One diagnostic per suppression (rule on resource) that did not simply clear its findings: pending, expired, naming a
 * `require.*` finding, or added by the change to clear a blocking finding where the policy allows that. Each sits on the
 * annotation's line.
 */
export function suppressionOutcomes(
  findings: readonly Finding[],
  policy: Policy,
  suppressions: Suppressions,
): SourceDiagnostic[] {
  const diagnostics: SourceDiagnostic[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    const state = finding.suppression;
    if (!state || finding.resource === null) continue;
    const entry = suppressions.byResource.get(finding.resource)?.get(finding.ruleId);
    if (!entry) continue;
    const common = { rule: finding.ruleId, resource: finding.resource };
    let diagnostic: Pick<SourceDiagnostic, "kind" | "data"> | undefined;
    if (state.status === "pending") {
      const permission = finding.severity === "error" ? policy.commands.acceptErrors : "write";
      diagnostic = { kind: "suppression-pending", data: { ...common, severity: finding.severity, permission } };
    } else if (state.status === "expired") {
      diagnostic = { kind: "suppression-expired", data: { ...common, until: entry.until } };
    } else if (state.status === "not-allowed") {
      diagnostic = { kind: "suppression-not-allowed", data: { ...common, requirement: state.requirement ?? null } };
    } else if (state.addedInChange && SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[policy.failOn]) {
      diagnostic = { kind: "suppression-added", data: { ...common, severity: finding.severity } };
    }
    if (!diagnostic) continue;
    const key = `${diagnostic.kind}\u0000${suppressionKey(finding.resource, finding.ruleId)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push({ ...diagnostic, location: entry.location, resource: finding.resource });
  }
  return diagnostics;
}
