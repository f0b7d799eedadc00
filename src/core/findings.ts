import { createHash } from "node:crypto";
import { documentLocation, type ResourceBase } from "./model/resources.js";
import type { Policy } from "./policy/policy.js";
import type { MessageTemplate, Report, Rule } from "./rules/rule.js";
import type { SourceDiagnostic } from "./source/load.js";
import { closest } from "./util/suggest.js";
import type { Finding, MessageData } from "./types.js";

export const IGNORE_ANNOTATION = "mtls-gate.io/ignore";

/**
 * Identity of a finding: rule, resource, message id and identity data, never line numbers nor display data (counts,
 * days, affected Mappings), so edits elsewhere and the passing of time keep it stable.
 */
export function fingerprint(ruleId: string, resource: string | null, messageId: string, identity: MessageData): string {
  const stable = JSON.stringify(Object.keys(identity).sort().map((key) => [key, identity[key]]));
  return createHash("sha256").update(`${ruleId}\u0000${resource ?? ""}\u0000${messageId}\u0000${stable}`).digest("hex").slice(0, 16);
}

export interface Suppressions {
  /** Rule ids suppressed per resource id, with the reason. */
  byResource: Map<string, Map<string, string>>;
  diagnostics: SourceDiagnostic[];
}

/** Reads `mtls-gate.io/ignore: "rule-a,rule-b -- reason"` from every resource; a missing reason is itself a finding. */
export function readSuppressions(resources: Iterable<ResourceBase>, knownRules: ReadonlySet<string>): Suppressions {
  const byResource = new Map<string, Map<string, string>>();
  const diagnostics: SourceDiagnostic[] = [];
  for (const resource of resources) {
    const value = resource.annotations[IGNORE_ANNOTATION];
    if (value === undefined) continue;
    const location =
      resource.style === "crd"
        ? documentLocation(resource, ["metadata", "annotations", IGNORE_ANNOTATION])
        : documentLocation(resource, ["name"]);
    const separator = value.indexOf("--");
    const rulesPart = separator >= 0 ? value.slice(0, separator) : value;
    const reason = separator >= 0 ? value.slice(separator + 2).trim() : "";
    const rules = rulesPart.split(",").map((r) => r.trim()).filter(Boolean);
    if (!reason) {
      diagnostics.push({ kind: "suppression-without-reason", location, resource: resource.id, data: { problem: "no-reason", rules: rules.join(",") } });
      continue;
    }
    const map = byResource.get(resource.id) ?? new Map<string, string>();
    for (const rule of rules) {
      if (!knownRules.has(rule)) {
        diagnostics.push({ kind: "suppression-unknown-rule", location, resource: resource.id, data: { problem: "unknown-rule", rule, suggestion: closest(rule, knownRules) ?? null } });
        continue;
      }
      map.set(rule, reason);
    }
    byResource.set(resource.id, map);
  }
  return { byResource, diagnostics };
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
  const reason = resource ? suppressions.byResource.get(resource)?.get(rule.meta.id) : undefined;
  if (reason !== undefined) finding.suppressed = { reason };
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
