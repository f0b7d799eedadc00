import type { Coverage } from "../core/coverage.js";
import type { Verdict } from "../core/verdict.js";
import type { Summary } from "../core/analyze.js";
import type { Finding } from "../core/types.js";
import type { HostView, InstallationView, RedirectView, RouteView } from "../core/views.js";

/** The JSON contract (documented in the README): stable field names, paths relative to the analysed root. */
export interface JsonReport {
  findings: JsonFinding[];
  routes: RouteView[];
  removedRoutes?: RouteView[];
  hosts: HostView[];
  summary: Summary & { failed: boolean };
  /** What the analysis read (see the README's JSON contract). */
  coverage?: Coverage;
  /** The policy file applied (the CLI's): its path, null when none was found and the defaults applied. */
  policy?: { path: string | null };
  /** The environments analysed, when there were several (each route, host and finding then names its own). */
  environments?: string[];
  /** Mappings that answer with a redirect: Emissary opens no upstream for them. */
  redirects?: RedirectView[];
  /** The installation simulated: namespace, ambassador_id, integrations, each with where it came from. */
  installation?: InstallationView;
}

export interface JsonFinding {
  ruleId: string;
  severity: Finding["severity"];
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  resource: string | null;
  fingerprint: string;
  introduced?: boolean;
  suppressed?: boolean;
  suppressionReason?: string;
  /** Only when several environments were analysed: every environment that has this finding. */
  environments?: string[];
}

export interface ReportInput {
  findings: readonly Finding[];
  routes: readonly RouteView[];
  removedRoutes?: readonly RouteView[];
  hosts: readonly HostView[];
  summary: Summary;
  failed: boolean;
  /** The core's verdict (`decide`): each finding's status. Text output reads it to say what blocks and why not. */
  verdict?: Verdict;
  /** A base was analysed: findings are introduced or pre-existing. */
  hasBase?: boolean;
  /** What the analysis read: files parsed and skipped, resources by kind. */
  coverage?: Coverage;
  /** The policy file applied, when the caller knows it (the CLI). */
  policy?: { path: string | null };
  /** The environments analysed, when there were several (routes, hosts and findings then say theirs). */
  environments?: readonly string[];
  redirects?: readonly RedirectView[];
  installation?: InstallationView;
}

export function toJsonFinding(finding: Finding): JsonFinding {
  const result: JsonFinding = {
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    file: finding.file,
    line: finding.line,
    column: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
    resource: finding.resource,
    fingerprint: finding.fingerprint,
  };
  if (finding.introduced !== undefined) result.introduced = finding.introduced;
  if (finding.suppressed) {
    result.suppressed = true;
    result.suppressionReason = finding.suppressed.reason;
  }
  if (finding.environments) result.environments = [...finding.environments];
  return result;
}

export function renderJson(input: ReportInput): string {
  const report: JsonReport = {
    findings: input.findings.map(toJsonFinding),
    routes: [...input.routes],
    hosts: [...input.hosts],
    summary: { ...input.summary, failed: input.failed },
  };
  if (input.removedRoutes) report.removedRoutes = [...input.removedRoutes];
  if (input.coverage) report.coverage = input.coverage;
  if (input.policy) report.policy = input.policy;
  if (input.environments) report.environments = [...input.environments];
  if (input.redirects) report.redirects = [...input.redirects];
  if (input.installation) report.installation = input.installation;
  return `${JSON.stringify(report, null, 2)}\n`;
}
