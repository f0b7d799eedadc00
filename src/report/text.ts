import { coverageSummary, foundNoManifests, skippedLine } from "../core/coverage.js";
import type { Finding, RouteMode } from "../core/types.js";
import { handshakeSummary, type InferredView, type InstallationView, type RouteView, type SecretFileView } from "../core/views.js";
import type { ReportInput } from "./json.js";
import { terminalSafe } from "./terminal.js";

export interface TextOptions {
  /** ANSI colours, only for a terminal. */
  color: boolean;
  /** Each rule's documentation page: listed for the rules printed, just above the verdict line. */
  ruleDocsUrl?: (ruleId: string) => string;
  /** Under the route table, each route's upstream TLS side and verification steps (`routes`); `analyze` leaves them out. */
  upstreamDetails?: boolean;
}

const COLORS = { red: "\u001b[31m", yellow: "\u001b[33m", cyan: "\u001b[36m", green: "\u001b[32m", dim: "\u001b[2m", bold: "\u001b[1m", reset: "\u001b[0m" };

function paint(options: TextOptions, color: keyof typeof COLORS, text: string): string {
  return options.color ? `${COLORS[color]}${text}${COLORS.reset}` : text;
}

const SEVERITY_COLOR = { error: "red", warning: "yellow", notice: "cyan" } as const;
const MODE_COLOR: Record<RouteMode, keyof typeof COLORS> = { mtls: "green", tls: "yellow", plaintext: "red" };

function findingLine(finding: Finding, options: TextOptions, showEnvironments: boolean): string {
  const tags = [
    showEnvironments && finding.environments ? `in ${finding.environments.map(terminalSafe).join(", ")}` : undefined,
    finding.introduced === false ? "pre-existing" : undefined,
    finding.suppressed ? `suppressed: ${finding.suppressed.reason}` : undefined,
  ].filter(Boolean);
  const tagText = tags.length > 0 ? paint(options, "dim", ` (${tags.join("; ")})`) : "";
  const severity = paint(options, SEVERITY_COLOR[finding.severity], finding.severity.padEnd(7));
  return `  ${String(finding.line).padStart(4)}:${String(finding.column).padEnd(3)} ${severity} ${terminalSafe(finding.message)} ${paint(options, "dim", `[${finding.ruleId}]`)}${tagText}`;
}

/** `showEnvironments`: several environments were analysed, so each finding says which it is in. */
export function renderFindings(findings: readonly Finding[], options: TextOptions, showEnvironments = false): string {
  if (findings.length === 0) return "No findings.\n";
  const lines: string[] = [];
  let file: string | undefined;
  for (const finding of findings) {
    if (finding.file !== file) {
      if (file !== undefined) lines.push("");
      file = finding.file;
      lines.push(paint(options, "bold", terminalSafe(file)));
    }
    lines.push(findingLine(finding, options, showEnvironments));
  }
  return `${lines.join("\n")}\n`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => stripAnsi(row[column] ?? "").length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell + " ".repeat(Math.max(0, (widths[column] ?? 0) - stripAnsi(cell).length))).join("  ").trimEnd());
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[\d+m/g, "");
}

/**
 * What the analysis inferred about the installation from the repository (the policy's settings and Emissary's
 * defaults go unsaid): one line per setting, with the file and line it was read from. Empty when nothing was inferred.
 */
export function renderInstallation(installation: InstallationView): string {
  const settings: [string, InferredView<string | boolean>][] = [
    ["namespace", installation.namespace],
    ["ambassador_id", installation.ambassadorId],
    ["Istio integration", installation.integrations.istio],
    ["Consul Connect integration", installation.integrations.consul],
  ];
  const lines = settings
    .filter(([, setting]) => setting.source === "repository")
    .map(([name, setting]) => `  ${name}: ${terminalSafe(`${String(setting.value)} (inferred from ${setting.file ?? "?"}:${setting.line ?? "?"}, ${setting.from ?? ""})`)}`);
  return lines.length === 0 ? "" : `Installation (set these in .github/mtls-gate.yml to override):\n${lines.join("\n")}\n\n`;
}

/**
 * The environments of a report, when there are several: the caller's list, else those its routes, hosts and findings
 * name, in order of appearance (the merge orders routes by environment, in the environments' order); else empty.
 */
export function reportEnvironments(input: ReportInput): string[] {
  const environments = input.environments
    ? [...input.environments]
    : [
        ...new Set([
          ...input.routes.flatMap((route) => (route.environment === undefined ? [] : [route.environment])),
          ...input.hosts.flatMap((host) => (host.environment === undefined ? [] : [host.environment])),
          ...input.findings.flatMap((finding) => finding.environments ?? []),
        ]),
      ];
  return environments.length > 1 ? environments : [];
}

/**
 * Findings under a heading per environment when several were analysed: first those present in every environment, then
 * each environment's own (in the environments' order), then those shared by some, each group by file as usual.
 */
export function renderFindingsByEnvironment(findings: readonly Finding[], options: TextOptions, environments: readonly string[]): string {
  if (environments.length < 2 || findings.length === 0) return renderFindings(findings, options);
  const all = (finding: Finding) => !finding.environments || environments.every((e) => finding.environments?.includes(e));
  const groups = new Map<string, { names: readonly string[]; findings: Finding[] }>();
  for (const finding of findings) {
    const names = all(finding) ? [] : (finding.environments ?? []);
    const key = names.join("\u0000");
    const group = groups.get(key) ?? { names, findings: [] };
    group.findings.push(finding);
    groups.set(key, group);
  }
  const position = (name: string) => (environments.includes(name) ? environments.indexOf(name) : environments.length);
  const rank = ({ names }: { names: readonly string[] }): [number, number, number] =>
    names.length === 0 ? [0, 0, 0] : [names.length === 1 ? 1 : 2, Math.min(...names.map(position)), names.length];
  const ordered = [...groups.values()].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  return ordered
    .map(({ names, findings: group }) => {
      // Not "Environment X", which heads X's route table below.
      const heading = names.length === 0 ? "Findings in every environment" : `Findings in ${names.map(terminalSafe).join(", ")}`;
      return `${paint(options, "bold", heading)}\n${renderFindings(group, options)}`;
    })
    .join("\n");
}

/** The environments routes are of, in order of appearance, when there are several; else empty. */
function routeEnvironments(routes: readonly RouteView[]): string[] {
  const environments = [...new Set(routes.flatMap((route) => (route.environment === undefined ? [] : [route.environment])))];
  return environments.length > 1 ? environments : [];
}

/** The route table; with routes of several environments, one table per environment under its name. */
export function renderRoutes(routes: readonly RouteView[], options: TextOptions): string {
  const environments = routeEnvironments(routes);
  if (environments.length === 0) return renderRouteTable(routes, options);
  return environments
    .map((environment) => `${paint(options, "bold", `Environment ${terminalSafe(environment)}`)}\n${renderRouteTable(routes.filter((r) => r.environment === environment), options)}`)
    .join("\n");
}

function renderRouteTable(routes: readonly RouteView[], options: TextOptions): string {
  if (routes.length === 0) return "No routes.\n";
  const showChange = routes.some((r) => r.change !== undefined);
  const showHandshake = routes.some((r) => r.upstreamTls);
  const header = ["MAPPING", "PREFIX", "UPSTREAM", "MODE", "VERIFIED", "TLS CONTEXT", "CLIENT CERT", "DAYS LEFT", ...(showHandshake ? ["HANDSHAKE"] : []), ...(showChange ? ["CHANGE"] : [])];
  const rows = routes.map((route) => {
    const mode = route.rejected ? "rejected" : route.mode;
    const changeText = route.change === "changed" && route.baseMode && route.baseMode !== route.mode ? `${route.baseMode} -> ${route.mode}` : (route.change ?? "");
    return [
      // Names, prefixes and hosts come from the repository: written safely (the mode is coloured after).
      terminalSafe(route.kind === "TCPMapping" ? `${route.mapping} (tcp)` : route.mapping),
      terminalSafe(route.prefix ?? "-"),
      terminalSafe(`${route.upstream.scheme}://${route.upstream.host}:${route.upstream.port}`),
      paint(options, route.rejected ? "red" : MODE_COLOR[route.mode], mode),
      route.originatesTls ? (route.upstreamVerified ? "yes" : "no") : "-",
      terminalSafe(route.tlsContext ?? (route.requestedTlsContext ? `(${route.requestedTlsContext}: not used)` : "-")),
      terminalSafe(route.secret ?? "-"),
      route.mode === "mtls" && route.clientCertificate ? String(route.clientCertificate.daysLeft) : "-",
      ...(showHandshake ? [handshakeCell(route, options)] : []),
      ...(showChange ? [changeText] : []),
    ];
  });
  const upstreams = options.upstreamDetails === false ? [] : routes.flatMap((route) => upstreamLines(route));
  return `${table([header, ...rows]).join("\n")}\n${upstreams.length > 0 ? `\nUpstream TLS (the handshake, simulated):\n${upstreams.join("\n")}\n` : ""}`;
}

function handshakeCell(route: RouteView, options: TextOptions): string {
  const summary = handshakeSummary(route);
  if (!summary) return "-";
  return paint(options, summary.status === "ok" ? "green" : summary.status === "fails" ? "red" : "yellow", summary.status);
}

/** The upstream's side of one route and each verification step: what `routes` prints under the table. */
export function upstreamLines(route: RouteView): string[] {
  const upstream = route.upstreamTls;
  if (!upstream) return [];
  const head = `  ${route.mapping}${route.prefix ? ` (${route.prefix})` : ""}:`;
  if (upstream.state === "unknown") return [`${head} unknown: ${upstream.why}`];
  const lines = [`${head} Service ${upstream.service} -> ${upstream.workload}`];
  const server = upstream.server;
  const where = (f: SecretFileView) => `${f.kind ?? "Secret"} ${f.secret} ${f.key} (${f.file}:${f.line})`;
  lines.push(`    server certificate: ${where(upstream.serverCertificate)}${server ? `: ${server.subject}, issuer ${server.issuer}, ${server.daysLeft >= 0 ? `${server.daysLeft} days left` : `expired ${-server.daysLeft} days ago`}` : ""}`);
  lines.push(...issuedLines(upstream.serverCertificate));
  lines.push(`    client CA: ${upstream.clientCa ? where(upstream.clientCa) : "none named"}`);
  if (upstream.clientCa) lines.push(...issuedLines(upstream.clientCa));
  for (const [label, check] of [["server side (Envoy verifies the upstream)", upstream.serverCheck], ["client side (the upstream verifies Emissary)", upstream.clientCheck]] as const) {
    lines.push(`    ${label}: ${check.outcome}${check.outcome === "skipped" && check.why ? ` (${check.why})` : ""}`);
    for (const step of check.steps) lines.push(`      ${step.ok ? "ok  " : "FAIL"} ${step.text}`);
  }
  lines.push(`    name ${upstream.name}: ${upstream.nameCovered ? "covered by the server certificate" : "not covered by the server certificate"} (Emissary checks no names)`);
  return lines;
}

/** For a Secret cert-manager writes: the Certificate, its issuer and the CA that will sign it. */
function issuedLines(file: SecretFileView): string[] {
  const issued = file.issued;
  if (!issued) return [];
  const ca = issued.ca;
  return [
    `      written by cert-manager: Certificate ${issued.certificate}, ${issued.issuer}, CA Secret ${issued.caSecret} (${issued.caFile}:${issued.caLine})${ca ? `: ${ca.subject}, ${ca.daysLeft >= 0 ? `${ca.daysLeft} days left` : `expired ${-ca.daysLeft} days ago`}` : ""}`,
    `      names: ${issued.names.length > 0 ? issued.names.join(", ") : "none"}; usages: ${issued.usages.join(", ")}`,
  ];
}

/** With a base: the change's own findings first, then the pre-existing ones, each group under its heading. */
function renderFindingGroups(input: ReportInput, options: TextOptions): string {
  const environments = reportEnvironments(input);
  if (!input.hasBase) return renderFindingsByEnvironment(input.findings, options, environments);
  const introduced = input.findings.filter((f) => f.introduced !== false);
  const preExisting = input.findings.filter((f) => f.introduced === false);
  return [
    paint(options, "bold", `Introduced by the change (${introduced.length})`),
    renderFindingsByEnvironment(introduced, options, environments),
    paint(options, "bold", `Pre-existing (${preExisting.length})`),
    renderFindingsByEnvironment(preExisting, options, environments),
  ].join("\n");
}

/** Why findings at error severity do not block, from the verdict's statuses: never a bare PASS beside an error count. */
function notBlockingBecause(input: ReportInput): string {
  const errors = (input.verdict?.findings ?? []).filter((d) => d.finding.severity === "error" && !d.blocks);
  const reasons = new Map<string, number>();
  const label: Record<string, string> = {
    suppressed: "suppressed",
    "pre-existing": "pre-existing (scope: introduced)",
    accepted: "accepted",
    "below-threshold": "below failOn",
  };
  for (const d of errors) reasons.set(label[d.status] ?? d.status, (reasons.get(label[d.status] ?? d.status) ?? 0) + 1);
  return [...reasons].map(([reason, n]) => `${n} ${reason}`).join(", ");
}

/** The closing line: what the verdict is, what the change introduced and what blocks. */
export function verdictLine(input: ReportInput, options: TextOptions = { color: false }): string {
  const { summary } = input;
  const word = input.failed ? paint(options, "red", "FAIL") : paint(options, "green", "PASS");
  const blocking = input.verdict?.blocking.length ?? (input.failed ? undefined : 0);
  const counts = `${summary.errors} error(s), ${summary.warnings} warning(s), ${summary.notices} notice(s), ${summary.suppressed} suppressed`;
  const why = notBlockingBecause(input);
  const coverageReason = input.verdict?.coverage?.reason;
  const errorsNotBlocking = `${why ? ` · errors not blocking: ${why}` : ""}${coverageReason ? ` · skipped files block: ${coverageReason}` : ""}`;
  if (input.hasBase) {
    const introduced = input.findings.filter((f) => f.introduced !== false && !f.suppressed).length;
    const preExisting = input.findings.filter((f) => f.introduced === false && !f.suppressed).length;
    const suppressed = summary.suppressed > 0 ? ` · ${summary.suppressed} suppressed` : "";
    return `${word}: ${introduced} introduced (${blocking ?? "?"} blocking) · ${preExisting} pre-existing${suppressed}${errorsNotBlocking}\n`;
  }
  return `${word}: ${counts}${blocking !== undefined ? ` · ${blocking} blocking` : ""}${errorsNotBlocking}\n`;
}

/** How many skipped files the text output lists by path under the coverage line. */
const SKIPPED_FILES_SHOWN = 10;

/**
 * The top of the output when manifests in scope could not be analysed: one line saying so, then the skipped files
 * (the first few), so that a clean result is never read as covering files it did not see. Empty when none was skipped.
 */
export function renderCoverageHeader(input: ReportInput, options: TextOptions): string {
  const coverage = input.coverage;
  if (!coverage) return "";
  const line = foundNoManifests(coverage) ? `no Kubernetes manifests found (${coverageSummary(coverage)})` : skippedLine(coverage);
  if (!line) return "";
  const skipped = Object.values(coverage.skipped).reduce((sum, n) => sum + n, 0);
  const lines = [paint(options, "yellow", `Coverage: ${line}`)];
  for (const file of coverage.skippedFiles.slice(0, SKIPPED_FILES_SHOWN)) lines.push(`  ${terminalSafe(file.path)} (${file.reason})`);
  const shown = Math.min(coverage.skippedFiles.length, SKIPPED_FILES_SHOWN);
  if (skipped > shown) lines.push(paint(options, "dim", `  … and ${skipped - shown} more`));
  return `${lines.join("\n")}\n\n`;
}

/** The docs link of each rule that has a finding printed, in order of first appearance; empty without findings. */
export function renderRuleDocs(findings: readonly Finding[], options: TextOptions): string {
  const { ruleDocsUrl } = options;
  if (!ruleDocsUrl || findings.length === 0) return "";
  const ids = [...new Set(findings.map((f) => f.ruleId))];
  const width = Math.max(...ids.map((id) => id.length));
  return `${[paint(options, "bold", "Rule docs"), ...ids.map((id) => `  ${id.padEnd(width)}  ${ruleDocsUrl(id)}`)].join("\n")}\n`;
}

export function renderText(input: ReportInput, options: TextOptions): string {
  const parts = [
    renderFindingGroups(input, options),
    "",
    paint(options, "bold", "Routes"),
    renderRoutes(input.routes, { ...options, upstreamDetails: false }),
  ];
  if (input.removedRoutes && input.removedRoutes.length > 0) {
    parts.push(paint(options, "bold", "Removed routes"), renderRoutes(input.removedRoutes, { ...options, upstreamDetails: false }));
  }
  const docs = renderRuleDocs(input.findings, options);
  if (docs) parts.push(docs);
  // The verdict stays the last line: scripts and people read it there.
  parts.push(verdictLine(input, options));
  return renderCoverageHeader(input, options) + parts.join("\n");
}
