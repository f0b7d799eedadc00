import { createHash } from "node:crypto";
import type { Policy } from "./policy/policy.js";
import type { Report, Rule } from "./rules/rule.js";
import { applySuppression, type Suppressions } from "./suppressions.js";
import type { Finding, MessageData } from "./types.js";

/** Identity of a finding: rule, resource and message data, never line numbers, so edits elsewhere keep it stable. */
export function fingerprint(ruleId: string, resource: string | null, data: MessageData): string {
  const stable = JSON.stringify(Object.keys(data).sort().map((key) => [key, data[key]]));
  return createHash("sha256").update(`${ruleId}\u0000${resource ?? ""}\u0000${stable}`).digest("hex").slice(0, 16);
}

/** Turns one rule's report into a finding: policy severity, message, fingerprint, suppression. */
export function toFinding(rule: Rule, report: Report, policy: Policy, suppressions: Suppressions): Finding | undefined {
  const setting = policy.rules[rule.meta.id];
  if (setting === "off") return undefined;
  const severity = setting ?? report.severity ?? rule.meta.severity;
  const resource = report.resource === null ? null : typeof report.resource === "string" ? report.resource : report.resource.id;
  const finding: Finding = {
    ruleId: rule.meta.id,
    severity,
    message: rule.message(report.data),
    file: report.at.file,
    line: report.at.line,
    column: report.at.column,
    endLine: report.at.endLine,
    endColumn: report.at.endColumn,
    resource,
    data: report.data,
    fingerprint: fingerprint(rule.meta.id, resource, report.data),
  };
  applySuppression(finding, report, policy, suppressions);
  return finding;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compare(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compare(a.ruleId, b.ruleId) ||
    compare(a.message, b.message)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted, with exact repeats (same identity at the same place) removed. */
export function sortAndDedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  const result: Finding[] = [];
  for (const finding of [...findings].sort(compareFindings)) {
    const key = `${finding.fingerprint}@${finding.file}:${finding.line}:${finding.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(finding);
  }
  return result;
}
