import type { Finding } from "../../core/types.js";
import { renderExplain, renderHelp, renderRefusal, renderRoutes } from "../../report/comments.js";
import { codeSpan, escapeInline, mention } from "../../report/markdown.js";
import type { CheckTarget } from "../check-target.js";
import type { EventContext, Gate } from "../gate.js";
import { renderInvalidConfig } from "../../report/check-run.js";
import { fileUrlFor } from "../../report/check-report.js";
import type { CheckInputs, Evaluation, ExplainRequest } from "../stages/evaluate.js";
import { readInputs, type ReadOutcome } from "../stages/read-inputs.js";
import { evaluateWith } from "../stages/run-stages.js";
import { acceptanceMarker, readAcceptances, repoName, type Acceptance, type AcceptanceState } from "./acceptances.js";
import { allUsage, type Command } from "./parse.js";
import { atLeast, type Permission } from "./permission.js";

export interface CommandOutcome {
  ok: boolean;
  reply: string;
  /** Hidden markers stored with the reply (acceptances). */
  markers: string[];
  /** Work that must follow the reply (a re-check that reads the acceptance the reply records). */
  after?: () => Promise<void>;
  /** Nothing to post: the command was already carried out, and its reply (with its marker) must stay as it is. */
  alreadyDone?: boolean;
}

export interface CommandContext {
  gate: Gate;
  context: EventContext;
  pullNumber: number;
  user: string;
  /** The user's GitHub id: recorded in acceptances with the login. */
  userId: number;
  /** The comment that carries the command (null for a button): an accept or revoke is carried out once per comment. */
  commandCommentId: number | null;
  permission: Permission;
  now: Date;
}

const MAX_LISTED = 20;

/** Runs one command for a user who may run commands (the caller checked write permission). */
export async function executeCommand(command: Command, cc: CommandContext): Promise<CommandOutcome> {
  switch (command.name) {
    case "help":
      return { ok: true, reply: renderHelp(allUsage()), markers: [] };
    case "recheck": {
      const target = await pullTarget(cc);
      return {
        ok: true,
        reply: `Re-checking ${codeSpan(target.headSha.slice(0, 7))}: the \`mtls-gate\` check run starts again on it.`,
        markers: [],
        after: () => cc.gate.startCheck(cc.context, target),
      };
    }
    case "routes":
    case "explain": {
      const target = await pullTarget(cc);
      const explaining = command.name === "explain" ? { queries: [command.target] } : undefined;
      const analysed = await analyse(cc, target, explaining);
      if (analysed.kind !== "analysed") return { ok: false, reply: notAnalysed(analysed), markers: [] };
      const { analysis, explanations } = analysed.evaluation;
      if (command.name === "routes") {
        return {
          ok: true,
          reply: renderRoutes({
            routes: analysis.routes,
            removedRoutes: analysis.removedRoutes,
            all: command.all,
            headSha: target.headSha,
          }),
          markers: [],
        };
      }
      const result = explanations[0];
      if (!result) throw new Error("the analysis returned no explanation");
      return { ok: result.kind === "found", reply: renderExplain(result, links(cc, target)), markers: [] };
    }
    case "accept":
      return accept(command, cc);
    case "revoke":
      return revoke(command, cc);
  }
}

async function accept(command: Extract<Command, { name: "accept" }>, cc: CommandContext): Promise<CommandOutcome> {
  const target = await pullTarget(cc);
  const state = await recorded(cc, target);
  const refused = notRecordable(cc, state);
  if (refused) return refused;
  const analysed = await analyse(cc, target);
  if (analysed.kind !== "analysed") return { ok: false, reply: notAnalysed(analysed), markers: [] };
  const introduced = analysed.evaluation.analysis.findings.filter((f) => f.introduced !== false && !f.suppressed);
  const matching = introduced.filter((f) => f.ruleId === command.ruleId && f.resource === command.resource);
  if (matching.length === 0) {
    const listed = introduced
      .slice(0, MAX_LISTED)
      .map((f) => `- ${codeSpan(`${f.ruleId} ${f.resource ?? ""}`.trim())}`);
    const more = introduced.length > MAX_LISTED ? [`- … and ${introduced.length - MAX_LISTED} more`] : [];
    return {
      ok: false,
      reply: [
        `No finding ${codeSpan(command.ruleId)} on ${codeSpan(command.resource)} is introduced by this pull request, so there is nothing to accept.`,
        ...(introduced.length > 0
          ? ["", "Introduced findings (rule and resource, as `accept` takes them):", ...listed, ...more]
          : []),
      ].join("\n"),
      markers: [],
    };
  }
  const needed = analysed.inputs.policy.commands.acceptErrors;
  if (matching.some((f) => f.severity === "error") && !atLeast(cc.permission, needed)) {
    return { ok: false, reply: renderRefusal(cc.user, `${needed} (to accept an error)`, cc.permission), markers: [] };
  }
  const acceptance: Acceptance = {
    ruleId: command.ruleId,
    resource: command.resource,
    reason: command.reason,
    by: cc.user,
    byId: cc.userId,
    permission: cc.permission,
    at: cc.now.toISOString(),
    fingerprints: [...new Set(matching.map((f) => f.fingerprint))].sort(),
    repo: repoName(target.repo),
    pullNumber: cc.pullNumber,
    commandCommentId: cc.commandCommentId ?? 0,
  };
  return {
    ok: true,
    reply: [
      `Accepted ${codeSpan(command.ruleId)} on ${codeSpan(command.resource)} for this pull request (${describe(matching)}), by ${mention(cc.user)}.`,
      `Reason: ${escapeInline(command.reason)}`,
      "",
      `The check runs again and lists this acceptance; ${codeSpan(`/mtls-gate revoke ${command.ruleId} ${command.resource}`)} withdraws it.`,
    ].join("\n"),
    markers: [acceptanceMarker("accept", acceptance, cc.gate.markerKey)],
    after: () => cc.gate.startCheck(cc.context, target),
  };
}

async function revoke(command: Extract<Command, { name: "revoke" }>, cc: CommandContext): Promise<CommandOutcome> {
  const target = await pullTarget(cc);
  const state = await recorded(cc, target);
  const refused = notRecordable(cc, state);
  if (refused) return refused;
  const active = state.acceptances;
  const existing = active.find((a) => a.ruleId === command.ruleId && a.resource === command.resource);
  if (!existing) {
    const listed = active.map((a) => `- ${codeSpan(`${a.ruleId} ${a.resource}`)} (by ${mention(a.by)})`);
    return {
      ok: false,
      reply: [
        `No acceptance of ${codeSpan(command.ruleId)} on ${codeSpan(command.resource)} is in force on this pull request.`,
        ...(listed.length > 0 ? ["", "In force:", ...listed] : []),
      ].join("\n"),
      markers: [],
    };
  }
  return {
    ok: true,
    reply: `Revoked the acceptance of ${codeSpan(command.ruleId)} on ${codeSpan(command.resource)} (given by ${mention(existing.by)}). The check runs again.`,
    markers: [
      acceptanceMarker(
        "revoke",
        {
          ...existing,
          by: cc.user,
          byId: cc.userId,
          permission: cc.permission,
          at: cc.now.toISOString(),
          commandCommentId: cc.commandCommentId ?? 0,
        },
        cc.gate.markerKey,
      ),
    ],
    after: () => cc.gate.startCheck(cc.context, target),
  };
}

/** The acceptances and revokes already recorded on the pull request, read whole or not at all. */
function recorded(cc: CommandContext, target: CheckTarget): Promise<AcceptanceState> {
  return cc.gate
    .identity()
    .then((identity) => readAcceptances(cc.context.octokit, target.repo, [cc.pullNumber], identity, cc.gate.markerKey));
}

/**
 * Why an accept or revoke cannot be recorded now: it comes from no comment (a button), its comment was already carried
 * out (a redelivered or replayed webhook must not undo a later revoke), or the conversation cannot be read whole.
 */
function notRecordable(cc: CommandContext, state: AcceptanceState): CommandOutcome | null {
  if (cc.commandCommentId === null)
    return { ok: false, reply: "Acceptances are recorded from comment commands only.", markers: [] };
  if (state.handledCommands.has(cc.commandCommentId)) {
    return { ok: false, reply: "", markers: [], alreadyDone: true };
  }
  if (state.problem)
    return { ok: false, reply: `mtls-gate cannot record this now: ${escapeInline(state.problem)}.`, markers: [] };
  return null;
}

/** The pull request's current head against its base: what every command looks at. */
async function pullTarget(cc: CommandContext): Promise<CheckTarget> {
  const repo = cc.context.repo();
  const { data: pull } = await cc.context.octokit.rest.pulls.get({ ...repo, pull_number: cc.pullNumber });
  return {
    repo,
    headSha: pull.head.sha,
    subject: { kind: "pull_request", numbers: [pull.number], baseRef: pull.base.ref, baseSha: pull.base.sha },
    fresh: true,
  };
}

type Analysed =
  | { kind: "analysed"; inputs: CheckInputs; evaluation: Evaluation }
  | Exclude<ReadOutcome, { kind: "read" }>;

/**
 * A check's first two stages for a command: `readInputs` (every change, no acceptances: the command reads those itself
 * when it needs them) and `evaluate` in an analysis thread, with the explanations the command asks for.
 */
export async function analyse(cc: CommandContext, target: CheckTarget, explain?: ExplainRequest): Promise<Analysed> {
  const read = await readInputs(cc.context.octokit, target, {
    reader: cc.gate.settings.reader,
    limits: cc.gate.settings.limits,
    skipUnchanged: false,
    acceptances: null,
    ...(cc.gate.settings.render ? { render: cc.gate.settings.render } : {}),
  });
  if (read.kind !== "read") return read;
  return { kind: "analysed", inputs: read.inputs, evaluation: await evaluateWith(cc.gate.settings, read.inputs, explain) };
}

function notAnalysed(outcome: Exclude<Analysed, { kind: "analysed" }>): string {
  if (outcome.kind !== "invalid-config") return "This pull request touches no Kubernetes manifests.";
  const report = renderInvalidConfig(outcome);
  return `${report.title}.\n\n${report.summary}`;
}

function links(cc: CommandContext, target: CheckTarget) {
  return {
    ruleDocsUrl: cc.gate.settings.ruleDocsUrl,
    fileUrl: fileUrlFor(cc.context.payload.repository?.html_url ?? "", target.headSha),
  };
}

function describe(findings: readonly Finding[]): string {
  const bySeverity = new Map<string, number>();
  for (const f of findings) bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
  return [...bySeverity].map(([severity, count]) => `${count} ${severity}${count > 1 ? "s" : ""}`).join(", ");
}
