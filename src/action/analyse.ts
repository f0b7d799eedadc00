/**
 * The check's verdict without a check run (a fork's read-only token, or a token that may not write checks): the app's
 * four stages (src/app/stages/) with only `publish` swapped, for one that writes the workflow's log and job summary.
 */
import type { CheckRunReport } from "../report/check-run.js";
import type { CheckTarget } from "../app/check-target.js";
import type { Gate } from "../app/gate.js";
import type { GitHubClient } from "../app/github-client.js";
import type { Publish } from "../app/stages/publish.js";
import { runStages, stagesFor } from "../app/stages/run-stages.js";

/**
 * Reads, evaluates and renders exactly as the app does, then hands the report to `publish`; resolves with it. The
 * report is rendered for a workflow job (its failure says to re-run the job, there being no check run to re-run).
 */
export function checkWithoutCheckRun(
  gate: Gate,
  github: GitHubClient,
  target: CheckTarget,
  htmlUrl: string,
  publish: Publish,
): Promise<CheckRunReport> {
  const stages = stagesFor(gate.settings, github, target, { htmlUrl, surface: "workflow" });
  return runStages({ target, log: gate.app.log }, { ...stages, publish });
}
