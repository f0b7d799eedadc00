import type { Context } from "probot";
import type { Gate } from "../gate.js";

/**
 * A push to the default branch: its new head is scanned (in the background: the webhook is answered at once). Other
 * branches, tags and branch deletions are pull requests' business or nothing.
 */
export function onPush(gate: Gate) {
  return async (context: Context<"push">): Promise<void> => {
    const { payload } = context;
    const installationId = payload.installation?.id;
    const branch = payload.repository.default_branch;
    if (installationId === undefined || !branch || payload.deleted || payload.ref !== `refs/heads/${branch}`) return;
    gate.watch.scanLater({
      installationId,
      repo: context.repo(),
      defaultBranch: branch,
      headSha: payload.after,
      htmlUrl: payload.repository.html_url,
    });
  };
}
