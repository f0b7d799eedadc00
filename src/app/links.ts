/** Where each rule's documentation lives (the repository's docs/rules/<id>.md), linked from summaries and annotations. */
export const RULE_DOCS_BASE = "https://github.com/mtls-gate/mtls-gate/blob/main/docs/rules/";

export function ruleDocsUrl(ruleId: string): string {
  return `${RULE_DOCS_BASE}${encodeURIComponent(ruleId)}.md`;
}
