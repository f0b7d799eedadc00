import type { Context } from "probot";
import { queuedPullRequest } from "../check-target.js";
import type { Gate } from "../gate.js";

/** A merge queue's combined commit gets a real analysis against the queue's base; the queue waits for this check. */
export function onMergeGroup(gate: Gate) {
  return async (context: Context<"merge_group.checks_requested">): Promise<void> => {
    const group = context.payload.merge_group;
    await gate.startCheck(context, {
      repo: context.repo(),
      headSha: group.head_sha,
      subject: {
        kind: "merge_group",
        baseRef: group.base_ref.replace(/^refs\/heads\//, ""),
        baseSha: group.base_sha,
        numbers: queuedPullRequest(group.head_ref),
      },
      fresh: false,
    });
  };
}
