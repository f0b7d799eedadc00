/**
 * The one function the check queue is built with: a worker's side of a job. It opens (or takes over) the job's check
 * run, runs the four stages (src/app/stages/run-stages.ts) within the analysis limit, and completes the run as a
 * timed-out failure when the limit passes. The run is recorded as in progress (for the sweeper) until it is completed.
 */
import type { Probot } from "probot";
import { renderInternalError } from "../report/check-run.js";
import { formatDuration, guardClient, withinAnalysisLimit } from "./analysis-limit.js";
import { openCheckRun, takeOverCheckRun } from "./check-run-publisher.js";
import { externalIdFor, type CheckTarget } from "./check-target.js";
import { describeError } from "./describe-error.js";
import type { GitHubClient } from "./github-client.js";
import { newReadStats } from "./github-reader.js";
import { pullKey, type CheckJobData, type CheckProcessor } from "./queue/check-queue.js";
import type { RunTracker } from "./run-tracker.js";
import { publishPlain, publishToCheckRun } from "./stages/publish.js";
import { runStages, stagesFor, type StageSettings } from "./stages/run-stages.js";

type Logger = Probot["log"];

export interface CheckRunnerOptions {
  stages: StageSettings;
  /** An installation's client. */
  auth: (installationId: number) => Promise<GitHubClient>;
  /** This app's id (to recognise its runs), null when GitHub would not say. */
  appId: () => Promise<number | null>;
  /** The latest head recorded for a pull request (the queue's), to tell a superseded job. */
  latestHead: (pullKey: string) => Promise<string | null>;
  runs: RunTracker;
  analysisTimeoutMs: number;
  log: Logger;
  /** Told of every run this process completes (the metrics). */
  onCompleted?: (conclusion: string, seconds: number) => void;
}

export function checkRunner(options: CheckRunnerOptions): CheckProcessor {
  const { stages: settings, runs, analysisTimeoutMs } = options;
  const now = settings.now;
  return async (data, update) => {
    const { target } = data;
    const started = performance.now();
    const github = await options.auth(data.installationId);
    guardClient(github);
    const log = options.log.child({ repo: `${target.repo.owner}/${target.repo.repo}`, headSha: target.headSha });
    const externalId = externalIdFor(target.subject);
    const opened =
      data.checkRunId === undefined
        ? await openCheckRun(github, target.repo, target.headSha, {
            externalId,
            fresh: target.fresh,
            appId: await options.appId(),
            now: now(),
          })
        : await takeOverCheckRun(github, target.repo, data.checkRunId, target.headSha, { externalId, now: now() });
    if ("skip" in opened) {
      log.info({ checkRunId: opened.id }, "check run already completed for this head");
      await runs.forget(opened.id, log);
      return;
    }
    const checkRunId = opened.id;
    await runs.working(checkRunId, async () => {
      const run = { checkRunId, installationId: data.installationId, repo: target.repo, headSha: target.headSha };
      await runs.record({ ...run, since: Date.now() }, log);
      if (checkRunId !== data.checkRunId) await update({ ...data, checkRunId });
      const stats = newReadStats();
      const stages = stagesFor(settings, github, target, { htmlUrl: data.htmlUrl, stats });
      const outcome = await withinAnalysisLimit(analysisTimeoutMs, async () => {
        const appId = await options.appId();
        const report = await runStages(
          { target, supersededBy: () => supersededBy(options, target), log },
          { ...stages, publish: publishToCheckRun({ github, target, checkRunId, appId, now, log }) },
        );
        log.info({ checkRunId, conclusion: report.conclusion, ...stats }, "mtls-gate check completed");
        options.onCompleted?.(report.conclusion, (performance.now() - started) / 1000);
      });
      if (outcome.outcome === "timed-out") {
        log.error(
          { checkRunId, limitMs: analysisTimeoutMs, activity: outcome.activity },
          "mtls-gate analysis stopped at the analysis limit",
        );
        // A fresh client: the job's own refuses every request once its limit has passed.
        const fresh = await options.auth(data.installationId);
        const report = stages.render({
          kind: "timed-out",
          limit: formatDuration(analysisTimeoutMs),
          activity: outcome.activity,
        });
        await publishPlain(fresh, target, checkRunId, now)(report);
        options.onCompleted?.(report.conclusion, (performance.now() - started) / 1000);
      }
      await runs.forget(checkRunId, log);
    });
  };
}

/** The newer head of the target's pull request, when a push superseded the SHA this job checks. */
async function supersededBy(options: CheckRunnerOptions, target: CheckTarget): Promise<string | null> {
  if (target.subject.kind !== "pull_request") return null;
  for (const number of target.subject.numbers) {
    const latest = await options.latestHead(pullKey(target, number));
    if (latest && latest !== target.headSha) return latest;
  }
  return null;
}

export interface GiveUpOptions {
  auth: (installationId: number) => Promise<GitHubClient>;
  runs: RunTracker;
  now: () => Date;
  log: Logger;
  /** Waits between attempts to complete the run; after the last the sweeper takes over. */
  retryDelaysMs: readonly number[];
  /** The sweeper's limit: a run left to it is recorded as already that old, so its next pass completes it. */
  staleRunMs: number;
}

/**
 * Fail closed: a job that cannot be completed still ends its check, as a failure that says why. Never rejects: a
 * failure to complete the run is logged with its id and retried; after the last attempt the run is left to the sweeper,
 * due at its next pass.
 */
export async function giveUp(options: GiveUpOptions, data: CheckJobData, error: unknown): Promise<void> {
  const { checkRunId, target } = data;
  const { runs } = options;
  const log = options.log.child({ repo: `${target.repo.owner}/${target.repo.repo}`, headSha: target.headSha });
  log.error({ err: describeError(error), checkRunId: checkRunId ?? null }, "mtls-gate check job given up");
  if (checkRunId === undefined) return;
  const report = renderInternalError({ problem: `the analysis job failed repeatedly: ${describeError(error)}` });
  try {
    await runs.working(checkRunId, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const github = await options.auth(data.installationId);
          await publishPlain(github, target, checkRunId, options.now)(report);
          await runs.forget(checkRunId, log);
          if (attempt > 1) log.info({ checkRunId, attempt }, "given-up run completed");
          return;
        } catch (failure) {
          const wait = options.retryDelaysMs[attempt - 1];
          if (wait === undefined) {
            log.error(
              { checkRunId, attempts: attempt, err: describeError(failure) },
              "could not complete a given-up run; the sweeper completes it at its next pass",
            );
            const run = { checkRunId, installationId: data.installationId, repo: target.repo, headSha: target.headSha };
            await runs.local.opened({ ...run, since: Date.now() - options.staleRunMs });
            return;
          }
          log.error(
            { checkRunId, attempt, retryInMs: wait, err: describeError(failure) },
            "could not complete a given-up run; retrying",
          );
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    });
  } catch (failure) {
    log.error({ checkRunId, err: describeError(failure) }, "mtls-gate give-up failed; the sweeper completes the run");
  }
}
