import type { ExplainResult } from "../core/explain.js";
import { weaker, type Finding } from "../core/types.js";
import type { RouteView } from "../core/views.js";
import { codeSpan, escapeInline, link, mention, plural } from "./markdown.js";

/** GitHub refuses issue comments longer than this many characters. */
export const MAX_COMMENT_CHARS = 65536;
/** Tables longer than this fold into a `<details>` block. */
export const FOLD_ROWS = 20;


export interface ReplyLinks {
  ruleDocsUrl: (ruleId: string) => string;
  fileUrl?: (path: string, line: number) => string;
}

/** Cuts a reply to GitHub's comment limit at a line break, with a note saying so; `reserve` keeps room for markers. */
export function limitComment(body: string, reserve = 0): string {
  const limit = MAX_COMMENT_CHARS - reserve;
  if (body.length <= limit) return body;
  const note = "\n\n… (cut: the reply was longer than a GitHub comment may be; `mtls-gate analyze` prints everything)";
  const cut = body.lastIndexOf("\n", limit - note.length);
  return body.slice(0, cut > 0 ? cut : limit - note.length) + note;
}

export function renderHelp(usage: string): string {
  return [
    "**mtls-gate commands** (write permission or higher; start a comment line with the command):",
    "",
    "```",
    usage,
    "```",
    "- `recheck` re-runs the check on the pull request's current head.",
    "- `routes` lists the routes this pull request changes (`--all`: every route), with base → head mode and the client certificate's days left.",
    "- `explain` shows how one route resolves: Mapping → service → TLSContext → Secret → certificate → CA, with every finding on the way.",
    "- `accept` lets one introduced finding stop blocking this pull request (a reason is required; `error` findings need the permission the policy's `commands.acceptErrors` names, `maintain` by default). `revoke` withdraws it.",
  ].join("\n");
}

export function renderUsage(problem: string, usage: string): string {
  return [`mtls-gate did not understand that: ${escapeInline(problem)}.`, "", "Usage:", "```", usage, "```"].join("\n");
}

export function renderRefusal(user: string, needed: string, has: string): string {
  return `Sorry ${mention(user)}, mtls-gate commands need ${escapeInline(needed)} permission on this repository (you have ${escapeInline(has)}). Nothing was done.`;
}

function modeChange(route: RouteView): string {
  if (route.change === "removed") return `${route.mode} → removed`;
  if (route.baseMode === undefined || route.baseMode === null) return route.change === "added" ? `new: ${route.mode}` : route.mode;
  if (route.baseMode === route.mode) return route.mode;
  const downgrade = weaker(route.mode, route.baseMode);
  return `${route.baseMode} → ${route.mode}${downgrade ? " ⚠️ downgrade" : ""}`;
}

function routeRow(route: RouteView): string {
  const upstream = `${route.upstream.scheme}://${route.upstream.host}:${route.upstream.port}`;
  const certificate = route.clientCertificate;
  const days = certificate ? String(certificate.daysLeft) : "—";
  const cells = [
    escapeInline(route.mapping),
    route.prefix !== null ? codeSpan(route.prefix) : "—",
    escapeInline(upstream),
    modeChange(route) + (route.rejected ? ` (rejected: ${escapeInline(route.rejected)})` : ""),
    route.secret !== null ? escapeInline(route.secret) : "—",
    days,
  ];
  return `| ${cells.join(" | ")} |`;
}

/** `/mtls-gate routes [--all]`: changed routes first; every route with `--all`; long tables folded. */
export function renderRoutes(input: { routes: readonly RouteView[]; removedRoutes: readonly RouteView[]; all: boolean; headSha: string }): string {
  const changed = [...input.routes.filter((r) => r.change === "added" || r.change === "changed"), ...input.removedRoutes];
  const unchanged = input.routes.filter((r) => r.change !== "added" && r.change !== "changed");
  const rows = input.all ? [...changed, ...unchanged] : changed;
  const heading = `**mtls-gate routes** at ${codeSpan(input.headSha.slice(0, 7))}: ${plural(input.routes.length, "route")}, ${changed.length} changed by this pull request.`;
  if (rows.length === 0) return `${heading}\n\nNo route changed. \`/mtls-gate routes --all\` lists every route.`;
  const table = ["| Mapping | Prefix | Upstream | Mode (base → head) | Client certificate | Days left |", "| --- | --- | --- | --- | --- | --- |", ...rows.map(routeRow)];
  const body = rows.length > FOLD_ROWS ? ["<details>", `<summary>${plural(rows.length, "route")}</summary>`, "", ...table, "", "</details>"] : table;
  return limitComment([heading, "", ...body].join("\n"));
}

function findingLine(finding: Finding, links: ReplyLinks): string {
  const where = `${finding.file}:${finding.line}`;
  const located = links.fileUrl ? link(escapeInline(where), links.fileUrl(finding.file, finding.line)) : escapeInline(where);
  const state = finding.suppressed ? " (suppressed)" : finding.introduced === false ? " (pre-existing)" : "";
  return `- **${finding.severity}**${state} ${link(codeSpan(finding.ruleId), links.ruleDocsUrl(finding.ruleId))} at ${located}: ${escapeInline(finding.message)}`;
}

/** `/mtls-gate explain <route>`: the resolution chain and every finding on it, or close matches. */
export function renderExplain(result: ExplainResult, links: ReplyLinks): string {
  if (result.kind === "ambiguous") {
    return `${codeSpan(result.query)} names several routes: ${result.candidates.map(codeSpan).join(", ")}. Use \`namespace/name\`.`;
  }
  if (result.kind === "unknown") {
    const suggestions = result.suggestions.length > 0 ? ` Close matches: ${result.suggestions.map(codeSpan).join(", ")}.` : "";
    return `No route is named ${codeSpan(result.query)} (by Mapping name, \`namespace/name\` or prefix).${suggestions}`;
  }
  const { route, steps, findings } = result.explanation;
  const lines = [`**mtls-gate explain** ${codeSpan(route.mapping)}: ${modeChange(route)}`, ""];
  steps.forEach((step, i) => {
    const at = step.at ? ` (${links.fileUrl ? link(escapeInline(`${step.at.file}:${step.at.line}`), links.fileUrl(step.at.file, step.at.line)) : escapeInline(`${step.at.file}:${step.at.line}`)})` : "";
    lines.push(`${i + 1}. **${step.kind}**: ${escapeInline(step.summary)}${at}`);
    for (const detail of step.details) lines.push(`   - ${escapeInline(detail)}`);
  });
  lines.push("", findings.length > 0 ? `**Findings on this route (${findings.length})**, each with its fix:` : "No finding on this route.");
  for (const finding of findings) lines.push(findingLine(finding, links));
  return limitComment(lines.join("\n"));
}
