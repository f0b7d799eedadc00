import type { Context } from "probot";
import { CHECK_RUN_NAME } from "../../report/check-run.js";
import { subjectForSha } from "../check-target.js";
import type { Gate } from "../gate.js";

/** "Re-run" on our check run: a new run on the same head, compared with what the old run compared. */
export function onCheckRunRerequested(gate: Gate) {
  return async (context: Context<"check_run.rerequested">): Promise<void> => {
    const run = context.payload.check_run;
    if (run.name !== CHECK_RUN_NAME) return;
    // Before asking GitHub anything: a queue that cannot take the job answers 503 now, not after GitHub's timeout.
    await gate.ensureQueueAvailable(context.id);
    const repo = context.repo();
    const subject = await subjectForSha(context.octokit, repo, run.head_sha, {
      pullNumbers: run.pull_requests.map((p) => p.number),
      externalId: run.external_id,
    });
    await gate.startCheck(context, { repo, headSha: run.head_sha, subject, fresh: true });
  };
}

/** "Re-run all checks": the suite lists its pull requests, except for forks, where open pull requests are searched. */
export function onCheckSuiteRerequested(gate: Gate) {
  return async (context: Context<"check_suite.rerequested">): Promise<void> => {
    const suite = context.payload.check_suite;
    await gate.ensureQueueAvailable(context.id);
    const repo = context.repo();
    const subject = await subjectForSha(context.octokit, repo, suite.head_sha, {
      pullNumbers: suite.pull_requests.map((p) => p.number),
      externalId: await gate.lastExternalId(context.octokit, repo, suite.head_sha),
    });
    await gate.startCheck(context, { repo, headSha: suite.head_sha, subject, fresh: true });
  };
}
