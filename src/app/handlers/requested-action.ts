import type { Context } from "probot";
import { renderExplain, renderRefusal } from "../../report/comments.js";
import { CHECK_RUN_NAME } from "../../report/check-run.js";
import { codeSpan, escapeInline } from "../../report/markdown.js";
import { ACTIONS } from "../check-run-actions.js";
import { parseExternalId } from "../check-target.js";
import { executeCommand } from "../commands/execute.js";
import { atLeast, permissionOf } from "../commands/permission.js";
import { postReply } from "../commands/reply.js";
import type { Gate } from "../gate.js";
import { fileUrlFor } from "../../report/check-report.js";
import { describeError } from "../describe-error.js";
import { readInputs } from "../stages/read-inputs.js";
import { evaluateWith } from "../stages/run-stages.js";

const MAX_EXPLAINED = 10;

/** A button click: the clicking user's permission is checked exactly as for a comment command. */
export function onRequestedAction(gate: Gate) {
  return async (context: Context<"check_run.requested_action">): Promise<void> => {
    const { check_run: run, requested_action: action, sender } = context.payload;
    if (run.name !== CHECK_RUN_NAME || !action) return;
    const parsed = parseExternalId(run.external_id);
    const pullNumber = run.pull_requests[0]?.number ?? (parsed && parsed.numbers[0]);
    if (!pullNumber) return;
    const repo = context.repo();
    gate.jobs.start(
      `action:${run.id}:${action.identifier}:${sender.login}`,
      async () => {
        const login = await gate.identity();
        const permission = await permissionOf(context.octokit, repo, sender.login);
        if (!atLeast(permission, "write")) {
          await postReply(
            context.octokit,
            repo,
            pullNumber,
            null,
            renderRefusal(sender.login, "write", permission),
            [],
            login,
          );
          return;
        }
        const command = {
          gate,
          context,
          pullNumber,
          user: sender.login,
          userId: sender.id,
          commandCommentId: null,
          permission,
          now: gate.settings.now(),
        };
        try {
          if (action.identifier === ACTIONS.recheck.identifier) {
            const outcome = await executeCommand({ name: "recheck" }, command);
            await outcome.after?.();
          } else if (action.identifier === ACTIONS.routes.identifier) {
            const outcome = await executeCommand({ name: "routes", all: false }, command);
            await postReply(context.octokit, repo, pullNumber, null, outcome.reply, [], login);
          } else if (action.identifier === ACTIONS.explainFailures.identifier) {
            await postReply(
              context.octokit,
              repo,
              pullNumber,
              null,
              await explainFailures(gate, context, pullNumber, run.head_sha),
              [],
              login,
            );
          }
        } catch (error) {
          context.log.error({ err: describeError(error), checkRunId: run.id }, "mtls-gate button failed");
          await postReply(
            context.octokit,
            repo,
            pullNumber,
            null,
            `mtls-gate could not complete ${codeSpan(action.identifier ?? "")} (${escapeInline(describeError(error))}).`,
            [],
            login,
          );
        }
      },
      (error) =>
        context.log.error({ err: describeError(error), checkRunId: run.id }, "mtls-gate button could not be answered"),
    );
  };
}

/** The explain reply for every route that carries an introduced error, in one comment. */
async function explainFailures(
  gate: Gate,
  context: Context<"check_run.requested_action">,
  pullNumber: number,
  headSha: string,
): Promise<string> {
  const repo = context.repo();
  const { data: pull } = await context.octokit.rest.pulls.get({ ...repo, pull_number: pullNumber });
  const target = {
    repo,
    headSha,
    subject: { kind: "pull_request" as const, numbers: [pullNumber], baseRef: pull.base.ref, baseSha: pull.base.sha },
    fresh: true,
  };
  // The check's own first two stages (its policy, scope and acceptances), explaining the routes whose findings block.
  const read = await readInputs(context.octokit, target, {
    reader: gate.settings.reader,
    limits: gate.settings.limits,
    skipUnchanged: false,
    acceptances: () => gate.settings.acceptances(context.octokit, target),
    ...(gate.settings.render ? { render: gate.settings.render } : {}),
  });
  if (read.kind !== "read") return "Nothing to explain: this commit was not analysed.";
  const { failingRoutes, explanations } = await evaluateWith(gate.settings, read.inputs, {
    failingRoutes: MAX_EXPLAINED,
  });
  if (failingRoutes.length === 0)
    return "No route carries a blocking finding: the failures are about other resources (see the check run's annotations).";
  const links = {
    ruleDocsUrl: gate.settings.ruleDocsUrl,
    fileUrl: fileUrlFor(context.payload.repository.html_url, headSha),
  };
  const parts = explanations.map((result) => renderExplain(result, links));
  if (failingRoutes.length > MAX_EXPLAINED)
    parts.push(`… and ${failingRoutes.length - MAX_EXPLAINED} more failing routes.`);
  return parts.join("\n\n---\n\n");
}
