import { createHash } from "node:crypto";
import type { Policy } from "./policy/policy.js";
import type { MessageTemplate, Report, Rule } from "./rules/rule.js";
import { applySuppression, type Suppressions } from "./suppressions.js";
import type { Finding, MessageData } from "./types.js";

/**
 * Identity of a finding: rule, resource, message id and identity data, never line numbers nor display data (counts,
 * days, affected Mappings), so edits elsewhere and the passing of time keep it stable.
 */
export function fingerprint(ruleId: string, resource: string | null, messageId: string, identity: MessageData): string {
  const stable = JSON.stringify(Object.keys(identity).sort().map((key) => [key, identity[key]]));
  return createHash("sha256").update(`${ruleId}\u0000${resource ?? ""}\u0000${messageId}\u0000${stable}`).digest("hex").slice(0, 16);
}

/** Turns one rule's report into a finding: policy severity, message, fingerprint, suppression. */
export function toFinding(rule: Rule, report: Report, policy: Policy, suppressions: Suppressions): Finding | undefined {
  const setting = policy.rules[rule.meta.id];
  if (setting === "off") return undefined;
  const severity = setting ?? report.severity ?? rule.meta.severity;
  const resource = report.resource === null ? null : typeof report.resource === "string" ? report.resource : report.resource.id;
  const data = messageData(rule, report);
  const finding: Finding = {
    ruleId: rule.meta.id,
    messageId: report.messageId,
    severity,
    message: (rule.meta.messages[report.messageId] as MessageTemplate)(data),
    file: report.at.file,
    line: report.at.line,
    column: report.at.column,
    endLine: report.at.endLine,
    endColumn: report.at.endColumn,
    resource,
    data,
    fingerprint: fingerprint(rule.meta.id, resource, report.messageId, report.identity),
  };
  applySuppression(finding, report, policy, suppressions);
  return finding;
}

/** A report's data, identity and display merged; a message the rule does not declare, or a key in both, is a bug. */
function messageData(rule: Rule, report: Report): MessageData {
  if (!Object.hasOwn(rule.meta.messages, report.messageId)) {
    throw new Error(`rule ${rule.meta.id} reports message "${report.messageId}", which its meta.messages does not declare`);
  }
  const display = report.display ?? {};
  const both = Object.keys(display).filter((key) => Object.hasOwn(report.identity, key));
  if (both.length > 0) throw new Error(`rule ${rule.meta.id} reports ${both.join(", ")} as both identity and display`);
  return { ...report.identity, ...display };
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
