import type { Context } from "probot";
import { rescanRequested } from "../../report/dashboard.js";
import { atLeast, permissionOf } from "../commands/permission.js";
import { describeError } from "../describe-error.js";
import type { Gate } from "../gate.js";
import { isDashboard } from "../watch/dashboard-issue.js";

/**
 * An edit of the dashboard issue that ticks `- [ ] Re-scan now`: a scan of the default branch, when the person who
 * edited it has write permission (asked of the collaborator permission API, not read from the payload). Only the app's
 * own dashboard counts (its app id and the marker signed for this repository): an issue anyone else writes with the
 * same title, marker or checkbox is ignored. Edits by bots (the app's own included) never trigger a scan.
 */
export function onIssueEdited(gate: Gate) {
  return async (context: Context<"issues.edited">): Promise<void> => {
    const { issue, sender } = context.payload;
    const installationId = context.payload.installation?.id;
    if (installationId === undefined || sender.type === "Bot") return;
    const repo = context.repo();
    const { id: appId } = await gate.appInfo();
    if (!isDashboard(issue, { appId }, gate.markerKey, repo) || !rescanRequested(issue.body ?? "")) return;
    gate.jobs.start(
      `rescan:${repo.owner}/${repo.repo}`.toLowerCase(),
      async () => {
        const permission = await permissionOf(context.octokit, repo, sender.login);
        if (!atLeast(permission, "write")) {
          context.log.info({ user: sender.login, permission }, "dashboard re-scan ignored: the user cannot write");
          return;
        }
        await gate.watch.scan({
          installationId,
          repo,
          defaultBranch: context.payload.repository.default_branch,
          htmlUrl: context.payload.repository.html_url,
          force: true,
        });
      },
      (error) => context.log.error({ err: describeError(error) }, "dashboard re-scan failed"),
    );
  };
}
