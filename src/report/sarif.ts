import type { Coverage } from "../core/coverage.js";
import type { Rule } from "../core/rules/rule.js";
import type { Finding, Severity } from "../core/types.js";
import type { RuleDocs } from "./rule-docs.js";

const LEVEL: Readonly<Record<Severity, "error" | "warning" | "note">> = { error: "error", warning: "warning", notice: "note" };

export interface SarifOptions {
  rules: readonly Rule[];
  toolVersion: string;
  /**
   * Each rule's page: its URL becomes `helpUri`, its Markdown `help.markdown` (what code scanning shows under "Rule
   * help"). Without it the help is the one-line description.
   */
  docs?: RuleDocs;
  /** What the analysis read: set as the run's `properties.coverage`. */
  coverage?: Coverage;
}

/** SARIF 2.1.0, as GitHub code scanning reads it: one run, every rule described, results with real regions. */
export function renderSarif(findings: readonly Finding[], options: SarifOptions): string {
  const ruleIndex = new Map(options.rules.map((rule, index) => [rule.meta.id, index]));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "mtls-gate",
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            rules: options.rules.map((rule) => ({
              id: rule.meta.id,
              name: toPascal(rule.meta.id),
              shortDescription: { text: rule.meta.description },
              fullDescription: { text: rule.meta.description },
              ...(options.docs ? { helpUri: options.docs.url(rule.meta.id) } : {}),
              help: help(rule, options.docs),
              defaultConfiguration: { level: LEVEL[rule.meta.severity] },
              properties: { tags: ["security", "mtls", "emissary"] },
            })),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { description: { text: "The analysed repository root." } } },
        ...(options.coverage ? { properties: { coverage: options.coverage } } : {}),
        results: findings.map((finding) => ({
          ruleId: finding.ruleId,
          ...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId) } : {}),
          level: LEVEL[finding.severity],
          message: { text: finding.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodePath(finding.file), uriBaseId: "%SRCROOT%" },
                region: region(finding),
              },
            },
          ],
          partialFingerprints: { "mtlsGate/v1": finding.fingerprint },
          ...(finding.introduced !== undefined ? { baselineState: finding.introduced ? "new" : "unchanged" } : {}),
          ...(finding.suppressed ? { suppressions: [{ kind: "inSource", justification: finding.suppressed.reason }] } : {}),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/**
 * The rule's help: the one-line description and, with docs, the whole page as Markdown, its links to sibling rule pages
 * (`other-rule.md`) made absolute, since code scanning shows it far from the docs folder.
 */
function help(rule: Rule, docs: RuleDocs | undefined): { text: string; markdown?: string } {
  const { id, description } = rule.meta;
  if (!docs) return { text: description };
  const url = docs.url(id);
  const page = docs.markdown?.(id);
  const markdown = page
    ? page.replace(/\]\((?:\.\/)?([a-z0-9-]+)\.md(#[^)\s]*)?\)/g, (whole, sibling: string, fragment: string | undefined) =>
        sibling === "README" ? whole : `](${docs.url(sibling)}${fragment ?? ""})`,
      )
    : `${description}\n\n[Documentation](${url})`;
  return { text: `${description} Documentation: ${url}`, markdown };
}

function region(finding: Finding) {
  const endLine = Math.max(finding.endLine, finding.line);
  const endColumn = endLine === finding.line ? Math.max(finding.endColumn, finding.column + 1) : Math.max(finding.endColumn, 1);
  return { startLine: finding.line, startColumn: finding.column, endLine, endColumn };
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function toPascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
