import {
  CHECK_RUN_NAME,
  IN_PROGRESS_OUTPUT,
  type CheckAnnotation,
  type CheckRunAction,
  type CheckRunReport,
} from "../report/check-run.js";
import type { GitHubClient, RepoRef } from "./github-client.js";

/** GitHub accepts at most this many annotations per create or update request. */
export const ANNOTATIONS_PER_REQUEST = 50;

export interface OpenedCheckRun {
  id: number;
  /** True when a run for this head SHA already existed and is being finished instead of a new one. */
  reused: boolean;
}

export type OpenDecision = OpenedCheckRun | { skip: "completed"; id: number };

/**
 * Starts the `mtls-gate` run for a head SHA. A redelivered event finds the run it started before: a completed run is
 * left alone, an in-progress one is finished (the queue lets one job per SHA run at a time, so an in-progress run is
 * one whose worker died). A re-run request always gets a new run, as GitHub's UI expects.
 */
export async function openCheckRun(
  octokit: GitHubClient,
  repo: RepoRef,
  headSha: string,
  options: { externalId: string; fresh: boolean; appId: number | null; now: Date },
): Promise<OpenDecision> {
  if (!options.fresh) {
    // Only a run that compared the same thing (pull request and base) is this event's run; another base is another check.
    const existing = (await ourRuns(octokit, repo, headSha, options.appId)).find(
      (run) => run.external_id === options.externalId,
    );
    if (existing) {
      const resumed = await resumeCheckRun(octokit, repo, existing, options.now);
      if (resumed !== "replace") return resumed;
    }
  }
  return createCheckRun(octokit, repo, headSha, options);
}

/** This app's latest `mtls-gate` run on a commit (by name alone when the app's id is unknown). */
export async function latestCheckRun(octokit: GitHubClient, repo: RepoRef, headSha: string, appId: number | null) {
  const { data } = await octokit.rest.checks.listForRef({
    ...repo,
    ref: headSha,
    check_name: CHECK_RUN_NAME,
    filter: "latest",
    ...(appId !== null ? { app_id: appId } : {}),
  });
  return data.check_runs.find((run) => run.head_sha === headSha);
}

const MAX_RUN_PAGES = 5;

/** This app's `mtls-gate` runs on a commit, newest first (every run, not only the latest of the name). */
export async function ourRuns(octokit: GitHubClient, repo: RepoRef, headSha: string, appId: number | null) {
  const runs = [];
  for (let page = 1; page <= MAX_RUN_PAGES; page++) {
    const { data } = await octokit.rest.checks.listForRef({
      ...repo,
      ref: headSha,
      check_name: CHECK_RUN_NAME,
      filter: "all",
      per_page: 100,
      page,
      ...(appId !== null ? { app_id: appId } : {}),
    });
    runs.push(...data.check_runs.filter((run) => run.head_sha === headSha));
    if (data.check_runs.length < 100) break;
  }
  return runs.sort((a, b) => b.id - a.id);
}

interface ExistingRun {
  id: number;
  status: string;
  output: { annotations_count: number };
}

/**
 * A run a dead worker left behind. Completed: its verdict stands. In progress without annotations: finished by this
 * job. In progress with some annotations already sent: they would be sent twice (every update appends), so it is
 * closed as cancelled and the caller opens a new run.
 */
async function resumeCheckRun(
  octokit: GitHubClient,
  repo: RepoRef,
  run: ExistingRun,
  now: Date,
): Promise<OpenDecision | "replace"> {
  if (run.status === "completed") return { skip: "completed", id: run.id };
  if (run.output.annotations_count > 0) {
    await octokit.rest.checks.update({
      ...repo,
      check_run_id: run.id,
      status: "completed",
      conclusion: "cancelled",
      completed_at: now.toISOString(),
      output: {
        title: "Replaced by a new run",
        summary:
          "The worker analysing this commit stopped while publishing; a new run on the same commit carries the verdict.",
      },
    });
    return "replace";
  }
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: run.id,
    status: "in_progress",
    output: IN_PROGRESS_OUTPUT,
  });
  return { id: run.id, reused: true };
}

/** A job that already opened a run (a worker took it over): finish that run, unless it is done or half-published. */
export async function takeOverCheckRun(
  octokit: GitHubClient,
  repo: RepoRef,
  checkRunId: number,
  headSha: string,
  options: { externalId: string; now: Date },
): Promise<OpenDecision> {
  const { data } = await octokit.rest.checks.get({ ...repo, check_run_id: checkRunId });
  const resumed = await resumeCheckRun(octokit, repo, data, options.now);
  return resumed === "replace" ? createCheckRun(octokit, repo, headSha, options) : resumed;
}

async function createCheckRun(
  octokit: GitHubClient,
  repo: RepoRef,
  headSha: string,
  options: { externalId: string; now: Date },
): Promise<OpenedCheckRun> {
  const { data } = await octokit.rest.checks.create({
    ...repo,
    name: CHECK_RUN_NAME,
    head_sha: headSha,
    status: "in_progress",
    external_id: options.externalId,
    started_at: options.now.toISOString(),
    output: IN_PROGRESS_OUTPUT,
  });
  return { id: data.id, reused: false };
}

/**
 * Publishes the result: annotations go out 50 a request while the run is still in progress (every update appends),
 * and the last request carries the conclusion, so the run only turns green or red once everything is on it.
 */
export async function completeCheckRun(
  octokit: GitHubClient,
  repo: RepoRef,
  checkRunId: number,
  report: CheckRunReport,
  now: () => Date,
  actions: readonly CheckRunAction[] = [],
): Promise<void> {
  const batches = chunk(report.annotations, ANNOTATIONS_PER_REQUEST);
  const output = (annotations: CheckAnnotation[]) => ({
    title: report.title,
    summary: report.summary,
    ...(report.text !== undefined ? { text: report.text } : {}),
    ...(annotations.length > 0 ? { annotations } : {}),
  });
  for (const batch of batches.slice(0, -1)) {
    await octokit.rest.checks.update({
      ...repo,
      check_run_id: checkRunId,
      status: "in_progress",
      output: output(batch),
    });
  }
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: checkRunId,
    status: "completed",
    conclusion: report.conclusion,
    completed_at: now().toISOString(),
    output: output(batches.at(-1) ?? []),
    ...(actions.length > 0 ? { actions: [...actions] } : {}),
  });
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
