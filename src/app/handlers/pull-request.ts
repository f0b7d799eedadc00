import type { Context } from "probot";
import type { Gate } from "../gate.js";

/** opened, synchronize, reopened, ready_for_review: check the pull request's head against its base. */
export function onPullRequest(gate: Gate) {
  return async (context: Context<"pull_request">): Promise<void> => {
    const pull = context.payload.pull_request;
    if (pull.state !== "open") return;
    // The base repository's installation reads a fork's head by SHA: nothing differs for forks.
    await gate.startCheck(context, {
      repo: context.repo(),
      headSha: pull.head.sha,
      subject: { kind: "pull_request", numbers: [pull.number], baseRef: pull.base.ref, baseSha: pull.base.sha },
      fresh: false,
    });
  };
}
