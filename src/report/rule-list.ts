import type { Severity } from "../core/types.js";

export interface RuleListEntry {
  id: string;
  severity: Severity;
  description: string;
  docsUrl: string;
}

/** `mtls-gate rules`: one rule a line (id, default severity, what it catches), its docs link indented below. */
export function renderRuleList(rules: readonly RuleListEntry[]): string {
  const idWidth = Math.max(...rules.map((r) => r.id.length));
  return rules
    .map(
      (r) =>
        `${r.id.padEnd(idWidth)}  ${r.severity.padEnd(7)}  ${r.description}\n${" ".repeat(idWidth + 2)}${r.docsUrl}\n`,
    )
    .join("");
}

/** `mtls-gate rules --format json`: `{ "rules": [{ id, severity, description, docsUrl }] }`. */
export function renderRuleListJson(rules: readonly RuleListEntry[]): string {
  return `${JSON.stringify({ rules }, null, 2)}\n`;
}
