import type { Finding } from "../core/types.js";

/**
 * One line per finding, `file:line:col: severity rule-id message`, the shape editors and errorformat (Vim, reviewdog)
 * read. Suppressed findings are left out: they are reviewed decisions, not problems to jump to.
 */
export function renderCompact(findings: readonly Finding[]): string {
  return findings
    .filter((f) => !f.suppressed)
    .map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.ruleId} ${f.message.replace(/\s*\n\s*/g, " ")}\n`)
    .join("");
}
