import { limitComment } from "../../report/comments.js";
import type { GitHubClient, RepoRef } from "../github-client.js";
import { readBotComments, repliesTo, replyMarker, type BotIdentity } from "./acceptances.js";

export type ReactionContent = "eyes" | "rocket" | "confused";

/**
 * One reply per command: a redelivered or repeated command edits the bot's earlier reply to that comment instead of
 * adding another. Markers (hidden) go after the visible text, which is cut to leave them room.
 */
export async function postReply(
  octokit: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  commandCommentId: number | null,
  visible: string,
  markers: readonly string[],
  identity: BotIdentity,
): Promise<void> {
  const hidden = [...(commandCommentId !== null ? [replyMarker(commandCommentId)] : []), ...markers].join("\n");
  const body = `${limitComment(visible, hidden.length + 2)}\n\n${hidden}`.trimEnd();
  if (commandCommentId !== null && identity.appId !== null) {
    const earlier = (await readBotComments(octokit, repo, issueNumber, identity)).comments.find(
      (c) => repliesTo(c.body) === commandCommentId,
    );
    if (earlier) {
      await octokit.rest.issues.updateComment({ ...repo, comment_id: earlier.id, body });
      return;
    }
  }
  await octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body });
}

export async function react(
  octokit: GitHubClient,
  repo: RepoRef,
  commentId: number,
  content: ReactionContent,
): Promise<number> {
  const { data } = await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content });
  return data.id;
}

export async function unreact(
  octokit: GitHubClient,
  repo: RepoRef,
  commentId: number,
  reactionId: number,
): Promise<void> {
  await octokit.rest.reactions.deleteForIssueComment({ ...repo, comment_id: commentId, reaction_id: reactionId });
}
