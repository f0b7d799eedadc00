/**
 * The dashboard issue's body (`mtls-gate dashboard`, one per repository, kept by the GitHub App's scans of the default
 * branch): certificates by days left, then the blocking findings, then the routes by mode. Pure: everything from the
 * repository (names, subjects, paths, messages) goes through escapeInline or codeSpan, so no text can open HTML, a
 * mention, a link or a table cell, nor imitate the hidden marker the app finds its issue by.
 */
import type { InventoryCertificate } from "../core/certificate-inventory.js";
import type { RouteMode } from "../core/types.js";
import { codeSpan, escapeInline, link, plural, truncateUtf8 } from "./markdown.js";

export const DASHBOARD_TITLE = "mtls-gate dashboard";
/** The checkbox a person with write permission ticks to ask for a scan now. */
export const RESCAN_LINE = "- [ ] Re-scan now";
const RESCAN_TICKED = /^- \[[xX]\] Re-scan now\s*$/m;
/** GitHub's limit on an issue body; the body stays well under it. */
const MAX_BODY_BYTES = 60_000;
const MAX_ROWS = 200;
const MAX_ROUTES_PER_MODE = 50;
const DAY_MS = 86_400_000;

export interface DashboardFinding {
  ruleId: string;
  severity: string;
  message: string;
  resource: string | null;
  file: string;
  line: number;
}

export interface DashboardRoute {
  mapping: string;
  mode: RouteMode;
  file: string;
  line: number;
}

export interface DashboardInput {
  /** `owner/name`. */
  repository: string;
  /** The repository's web address, for links to files. */
  htmlUrl: string;
  /** The default branch's commit that was scanned. */
  headSha: string;
  branch: string;
  now: Date;
  /** The policy's `certificates.expiryWarningDays`. */
  warningDays: number;
  certificates: readonly InventoryCertificate[];
  blocking: readonly DashboardFinding[];
  routes: readonly DashboardRoute[];
  /** The hidden, signed marker the app finds its issue by (written by the app, never from repository text). */
  marker: string;
}

/** Whole days from `now` to `notAfter`, rounded down; negative once expired (as the certificate rules count). */
export function daysLeft(notAfter: string, now: Date): number {
  return Math.floor((Date.parse(notAfter) - now.getTime()) / DAY_MS);
}

/** The certificates that need attention: expired, or expiring within the warning days. */
export function certificatesNeedingAttention(
  certificates: readonly Pick<InventoryCertificate, "notAfter">[],
  warningDays: number,
  now: Date,
): number {
  return certificates.filter((c) => daysLeft(c.notAfter, now) <= warningDays).length;
}

/** Whether anything on the default branch needs attention: the issue is open then, closed otherwise. */
export function needsAttention(
  input: Pick<DashboardInput, "certificates" | "blocking" | "warningDays" | "now">,
): boolean {
  return (
    input.blocking.length > 0 || certificatesNeedingAttention(input.certificates, input.warningDays, input.now) > 0
  );
}

/** Whether a body (as a person edited it) has the re-scan box ticked. */
export function rescanRequested(body: string): boolean {
  return RESCAN_TICKED.test(body);
}

export function renderDashboard(input: DashboardInput): string {
  const fileLink = (file: string, line: number) =>
    link(
      escapeInline(`${file}:${line}`),
      `${input.htmlUrl}/blob/${input.headSha}/${file.split("/").map(encodeURIComponent).join("/")}#L${line}`,
    );
  const attention = certificatesNeedingAttention(input.certificates, input.warningDays, input.now);
  const lines: string[] = [
    // The date, not the time: an idle repository's body changes once a day at most (days left), not on every scan.
    `Kept by mtls-gate from scans of ${codeSpan(input.branch)} (commit ${codeSpan(input.headSha)}, days counted ` +
      `on ${input.now.toISOString().slice(0, 10)}).`,
    "",
    needsAttention(input)
      ? `**Needs attention:** ${plural(attention, "certificate")} expired or expiring within ${plural(input.warningDays, "day")}, ` +
        `${plural(input.blocking.length, "blocking finding")}.`
      : "Nothing needs attention.",
    "",
    RESCAN_LINE,
    "",
    "## Certificates by days left",
    "",
  ];
  if (input.certificates.length === 0) lines.push("No certificate in Git is used by a route or Host.");
  else {
    lines.push("| Days left | Secret | Subject | Issuer | Presented by | Trusted by | Served by |");
    lines.push("| ---: | --- | --- | --- | --- | --- | --- |");
    for (const cert of input.certificates.slice(0, MAX_ROWS)) {
      const days = daysLeft(cert.notAfter, input.now);
      const shown = days < 0 ? `**expired** (${-days} ago)` : days <= input.warningDays ? `**${days}**` : String(days);
      lines.push(
        `| ${shown} | ${codeSpan(cert.secret)} (${codeSpan(cert.key)}, ${fileLink(cert.file, cert.line)}) | ` +
          `${escapeInline(cert.subject, 200)} | ${escapeInline(cert.issuer, 200)} | ${names(cert.presentedBy)} | ` +
          `${names(cert.trustedBy)} | ${names(cert.servedBy)} |`,
      );
    }
    if (input.certificates.length > MAX_ROWS) lines.push("", `${input.certificates.length - MAX_ROWS} more not shown.`);
  }
  lines.push("", "## Blocking findings", "");
  if (input.blocking.length === 0) lines.push("None.");
  for (const finding of input.blocking.slice(0, MAX_ROWS))
    lines.push(
      `- ${codeSpan(finding.ruleId)} (${escapeInline(finding.severity)}) ${fileLink(finding.file, finding.line)}` +
        `${finding.resource ? ` ${codeSpan(finding.resource)}` : ""}: ${escapeInline(finding.message, 500)}`,
    );
  if (input.blocking.length > MAX_ROWS) lines.push(`- ${input.blocking.length - MAX_ROWS} more not shown.`);
  lines.push("", "## Routes by mode", "");
  const modes: RouteMode[] = ["mtls", "tls", "plaintext"];
  for (const mode of modes) {
    const routes = input.routes.filter((r) => r.mode === mode);
    lines.push(`- **${mode}**: ${routes.length}`);
    for (const route of routes.slice(0, MAX_ROUTES_PER_MODE))
      lines.push(`  - ${codeSpan(route.mapping)} ${fileLink(route.file, route.line)}`);
    if (routes.length > MAX_ROUTES_PER_MODE) lines.push(`  - ${routes.length - MAX_ROUTES_PER_MODE} more`);
  }
  const body = truncateUtf8(lines.join("\n"), MAX_BODY_BYTES - Buffer.byteLength(input.marker) - 2);
  return `${body}\n\n${input.marker}\n`;
}

function names(values: readonly string[]): string {
  if (values.length === 0) return "";
  const shown = values.slice(0, 10).map(codeSpan).join(", ");
  return values.length > 10 ? `${shown} and ${values.length - 10} more` : shown;
}
