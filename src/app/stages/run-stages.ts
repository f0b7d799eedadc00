/**
 * A check as four plain stages, run in order by one function:
 *
 *   readInputs (GitHub -> plain data)  ->  evaluate (analysis + verdict, in an analysis thread)
 *     ->  render (pure: the report)  ->  publish (the check run; the Action's fork path: the workflow log)
 *
 * `runStages` is the whole flow of a check once its run is open; everything around it (opening the run, the analysis
 * limit, the queue) is in check-runner.ts, and what binds the stages to a deployment's settings is `stagesFor`.
 */
import type { ExplainRequest } from "./evaluate.js";
import type { LoadLimits } from "../../core/limits.js";
import type { CheckRunReport } from "../../report/check-run.js";
import { renderCheckReport, type CheckOutcome, type RenderContext } from "../../report/check-report.js";
import { analysisSignal, noteActivity } from "../analysis-limit.js";
import type { CheckTarget } from "../check-target.js";
import type { AcceptanceState } from "../commands/acceptances.js";
import { describeError } from "../describe-error.js";
import type { GitHubClient } from "../github-client.js";
import { TarballTooLargeError, type ReadStats } from "../github-reader.js";
import type { CheckInputs, EvaluateRequest, Evaluation } from "./evaluate.js";
import type { Publish } from "./publish.js";
import { describeInputs, describeTarget, readInputs, type ReaderSettings, type ReadOutcome } from "./read-inputs.js";
import type { AppRenderSettings } from "./render-inputs.js";

export interface Stages {
  readInputs: (target: CheckTarget) => Promise<ReadOutcome>;
  evaluate: (inputs: CheckInputs) => Promise<Evaluation>;
  render: (outcome: CheckOutcome) => CheckRunReport;
  publish: Publish;
}

export interface StageJob {
  target: CheckTarget;
  /** The newer head SHA when a push superseded the one this job checks (its verdict would be stale). */
  supersededBy?: () => Promise<string | null>;
  log: { error: (data: object, message: string) => void };
}

/**
 * Runs the four stages for one target and returns the report it published. Any failure before publishing becomes a
 * failing report that says what went wrong (fail closed); a failure to publish rejects.
 */
export async function runStages(job: StageJob, stages: Stages): Promise<CheckRunReport> {
  const { target } = job;
  let outcome: CheckOutcome;
  let report: CheckRunReport;
  try {
    const before = await job.supersededBy?.();
    if (before) outcome = { kind: "superseded", newerSha: before };
    else {
      const read = await stages.readInputs(target);
      if (read.kind === "read") {
        noteActivity(describeInputs(target, read.inputs));
        const evaluation = await stages.evaluate(read.inputs);
        noteActivity(`publishing the verdict on ${describeTarget(target)}`);
        outcome = { kind: "evaluated", inputs: read.inputs, evaluation };
      } else outcome = read;
      // A push during the analysis makes this verdict stale: say so rather than publish it.
      const after = await job.supersededBy?.();
      if (after) outcome = { kind: "superseded", newerSha: after };
    }
    report = stages.render(outcome);
  } catch (error) {
    job.log.error({ err: describeError(error), headSha: target.headSha }, "mtls-gate analysis failed");
    report = stages.render(
      error instanceof TarballTooLargeError
        ? { kind: "tarball-too-large", limit: error.limit, sha: error.sha }
        : { kind: "failed", problem: describeError(error) },
    );
  }
  await stages.publish(report);
  return report;
}

/** What the stages need of a deployment. */
export interface StageSettings {
  /** How trees and blobs are read (the blob cache included). */
  reader: ReaderSettings;
  /** The analysis limits (`MTLS_GATE_MAX_*`, see src/core/limits.ts). */
  limits: LoadLimits;
  now: () => Date;
  ruleDocsUrl: (ruleId: string) => string;
  /** Runs `evaluate` in an analysis thread; the signal (the job's analysis limit) ends it. */
  evaluateInThread: (request: EvaluateRequest, signal?: AbortSignal) => Promise<Evaluation>;
  /** The acceptances recorded on a target's pull requests. */
  acceptances: (github: GitHubClient, target: CheckTarget) => Promise<AcceptanceState>;
  /** Rendering of kustomizations and charts (the tools found); absent: the YAML as written. */
  render?: AppRenderSettings;
}

export interface StageOptions {
  /** The repository's web address, for file links. */
  htmlUrl: string;
  stats?: ReadStats;
  /** Where the report is read (default: a check run). */
  surface?: RenderContext["surface"];
}

/** The first three stages of a check of `target`, bound to a deployment's settings and an installation's client. */
export function stagesFor(
  settings: StageSettings,
  github: GitHubClient,
  target: CheckTarget,
  options: StageOptions,
): Omit<Stages, "publish"> {
  const context: RenderContext = {
    repo: target.repo,
    headSha: target.headSha,
    subject: target.subject,
    htmlUrl: options.htmlUrl,
    ruleDocsUrl: settings.ruleDocsUrl,
    ...(options.surface ? { surface: options.surface } : {}),
  };
  return {
    readInputs: (t) =>
      readInputs(github, t, {
        reader: settings.reader,
        limits: settings.limits,
        ...(options.stats ? { stats: options.stats } : {}),
        skipUnchanged: true,
        acceptances: () => settings.acceptances(github, t),
        ...(settings.render ? { render: settings.render } : {}),
      }),
    evaluate: (inputs) => evaluateWith(settings, inputs),
    render: (outcome) => renderCheckReport(outcome, context),
  };
}

/** `evaluate` in an analysis thread, under the current job's analysis limit (if any); with explanations if asked. */
export function evaluateWith(
  settings: StageSettings,
  inputs: CheckInputs,
  explain?: ExplainRequest,
): Promise<Evaluation> {
  const request: EvaluateRequest = {
    inputs,
    settings: {
      now: settings.now().toISOString(),
      limits: settings.limits,
      validatePolicyFile: true,
      ...(explain ? { explain } : {}),
    },
  };
  return settings.evaluateInThread(request, analysisSignal());
}
