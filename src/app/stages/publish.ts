/**
 * Stage 4 of a check, `publish`: the report goes to GitHub as the `mtls-gate` check run (annotations in batches of
 * 50, see check-run-publisher.ts), with the verdicts of other pull requests on the same head carried both ways. The
 * Action swaps this stage only: without a check run it publishes to the workflow's log and job summary instead.
 */
import { renderInternalError, type CheckRunReport } from "../../report/check-run.js";
import { buttonsFor } from "../../report/check-report.js";
import { completeCheckRun } from "../check-run-publisher.js";
import type { CheckTarget } from "../check-target.js";
import { describeError } from "../describe-error.js";
import type { GitHubClient } from "../github-client.js";
import { failSiblings, reportWithSiblings, siblingRuns, type SiblingRun } from "../head-verdicts.js";

/** Where a check's report goes. */
export type Publish = (report: CheckRunReport) => Promise<void>;

export interface CheckRunTarget {
  github: GitHubClient;
  target: CheckTarget;
  checkRunId: number;
  /** This app's id, to find its runs for other pull requests with the same head (null: unknown, none are read). */
  appId: number | null;
  now: () => Date;
  log: { error: (data: object, message: string) => void };
}

/**
 * Completes the run with the report. Whatever happens it ends completed: when the report cannot be published, one last
 * attempt sends the smallest possible update, an internal error; only when that fails too does this reject.
 */
export function publishToCheckRun(run: CheckRunTarget): Publish {
  const { github, target, checkRunId, log } = run;
  return async (report) => {
    let siblings: SiblingRun[] = [];
    if (report.conclusion !== "cancelled") {
      try {
        siblings = await siblingRuns(github, target.repo, target, run.appId);
      } catch (error) {
        log.error(
          { err: describeError(error), checkRunId },
          "could not read the runs of other pull requests with this head",
        );
      }
    }
    const merged = reportWithSiblings(report, target, siblings);
    // The buttons follow the conclusion shown: a run failing with a sibling can explain failures too.
    const shown =
      merged.actions && merged.conclusion !== report.conclusion
        ? { ...merged, actions: buttonsFor(target.subject, merged.conclusion) }
        : merged;
    try {
      await completeCheckRun(github, target.repo, checkRunId, shown, run.now, shown.actions ?? []);
      await failSiblings(github, target.repo, target, report, siblings, run.now());
    } catch (error) {
      log.error({ err: describeError(error), checkRunId }, "could not publish the check run result");
      await completeCheckRun(
        github,
        target.repo,
        checkRunId,
        renderInternalError({ problem: describeError(error) }),
        run.now,
      );
    }
  };
}

/** A report completed as it is: no buttons, no sibling verdicts (a run that overran or was given up). */
export function publishPlain(github: GitHubClient, target: CheckTarget, checkRunId: number, now: () => Date): Publish {
  return (report) => completeCheckRun(github, target.repo, checkRunId, report, now);
}
