/**
 * The check's verdict without a check run (a fork's read-only token): the same analysis and report the Gate's
 * `runCheck` produces, through the functions it is built from, so nothing differs but where the result goes.
 */
import type { CheckRunReport } from "../report/check-run.js";
import type { CheckTarget } from "../app/check-target.js";
import type { Gate } from "../app/gate.js";
import type { GitHubClient } from "../app/github-client.js";
import { newReadStats } from "../app/github-reader.js";
import { describeError, NO_ACCEPTANCES, prepareAnalysis, reportFor } from "../app/run-check.js";
import { renderActionError } from "./workflow-commands.js";

/**
 * Trusted config (the default branch's), merge base, both trees, differential analysis, report. Acceptances are left
 * out: they are the app's comments (`/mtls-gate accept`), and a workflow token has no app identity to recognise them by
 * (the Gate finds none under the Action either). An error is a failing report that says so, never a pass.
 */
export async function analyseWithoutCheckRun(
  gate: Gate,
  octokit: GitHubClient,
  target: CheckTarget,
  htmlUrl: string,
): Promise<CheckRunReport> {
  try {
    const prepared = await prepareAnalysis(gate.analysisRequest(octokit, target), gate.settings, newReadStats(), true);
    return reportFor(prepared, target, gate.settings, htmlUrl, NO_ACCEPTANCES);
  } catch (error) {
    return renderActionError(describeError(error));
  }
}
