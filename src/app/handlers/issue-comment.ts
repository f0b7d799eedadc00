import type { Context } from "probot";
import { renderRefusal, renderUsage } from "../../report/comments.js";
import { escapeInline } from "../../report/markdown.js";
import { parseComment } from "../commands/parse.js";
import { atLeast, permissionOf } from "../commands/permission.js";
import { executeCommand, type CommandOutcome } from "../commands/execute.js";
import { postReply, react, unreact } from "../commands/reply.js";
import type { Gate } from "../gate.js";
import { describeError } from "../describe-error.js";

/** A command whose comment is older than this is not carried out: a replayed or late-redelivered webhook does nothing. */
export const MAX_COMMAND_AGE_MS = 5 * 60_000;

/**
 * `/mtls-gate <command>` in a new pull request comment. Bots (this app included) are never obeyed, edited comments are
 * not re-run (only `created` arrives here), issues that are not pull requests are ignored.
 */
export function onIssueComment(gate: Gate) {
  return async (context: Context<"issue_comment.created">): Promise<void> => {
    const { comment, issue, sender } = context.payload;
    if (!issue.pull_request) return;
    if (comment.user?.type === "Bot" || sender.type === "Bot") return;
    const { slug } = await gate.appInfo();
    const parsed = parseComment(comment.body ?? "", slug);
    if (parsed.kind === "none") return;
    if (!gate.firstDelivery(context.id)) {
      context.log.info({ commentId: comment.id, deliveryId: context.id }, "mtls-gate command delivery already handled");
      return;
    }
    const age = gate.settings.now().getTime() - Date.parse(comment.created_at);
    if (!(age <= MAX_COMMAND_AGE_MS)) {
      context.log.info(
        { commentId: comment.id, createdAt: comment.created_at },
        "mtls-gate command not carried out: its comment is too old (a replayed or late webhook)",
      );
      return;
    }

    const repo = context.repo();
    // Acknowledged before any other work: the person sees the command was seen.
    const eyes = await react(context.octokit, repo, comment.id, "eyes");
    const user = comment.user?.login ?? sender.login;
    gate.jobs.start(
      `comment:${comment.id}`,
      async () => {
        let outcome: CommandOutcome;
        try {
          const permission = await permissionOf(context.octokit, repo, user);
          if (!atLeast(permission, "write"))
            outcome = { ok: false, reply: renderRefusal(user, "write", permission), markers: [] };
          else if (parsed.kind === "invalid")
            outcome = { ok: false, reply: renderUsage(parsed.problem, parsed.usage), markers: [] };
          else
            outcome = await executeCommand(parsed.command, {
              gate,
              context,
              pullNumber: issue.number,
              user,
              userId: comment.user?.id ?? sender.id,
              commandCommentId: comment.id,
              permission,
              now: gate.settings.now(),
            });
        } catch (error) {
          context.log.error({ err: describeError(error), commentId: comment.id }, "mtls-gate command failed");
          outcome = {
            ok: false,
            reply: `mtls-gate could not complete that command (${escapeInline(describeError(error))}). Post it again to retry.`,
            markers: [],
          };
        }
        if (outcome.alreadyDone) {
          context.log.info(
            { commentId: comment.id },
            "mtls-gate command already carried out; its webhook arrived again",
          );
          await unreact(context.octokit, repo, comment.id, eyes);
          return;
        }
        await postReply(
          context.octokit,
          repo,
          issue.number,
          comment.id,
          outcome.reply,
          outcome.markers,
          await gate.identity(),
        );
        await react(context.octokit, repo, comment.id, outcome.ok ? "rocket" : "confused");
        await unreact(context.octokit, repo, comment.id, eyes);
        await outcome.after?.();
      },
      (error) =>
        context.log.error(
          { err: describeError(error), commentId: comment.id },
          "mtls-gate command could not be answered",
        ),
    );
  };
}
