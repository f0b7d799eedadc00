/**
 * The GitHub Action: the app's check for the workflow's pull_request or merge_group event, published as the
 * `mtls-gate` check run when the token may write checks, else as workflow-command annotations and the job summary.
 * Either way the step's exit code is the verdict: 0 success, 1 failure, 2 when the Action could not run.
 */
import { CHECK_RUN_NAME, type CheckConclusion, type CheckRunReport } from "../report/check-run.js";
import { describeError } from "../app/describe-error.js";
import { startActionApp, type ActionApp } from "./actions-probot.js";
import { checkWithoutCheckRun } from "./analyse.js";
import { CheckRunWatch } from "./check-run-watch.js";
import { ActionSetupError, readEnvironment, readPayload, type ActionEnvironment } from "./environment.js";
import { readEvent, UnsupportedEventError, withWorkflowInstallation, type ActionEvent } from "./event.js";
import { renderJobSummary, reportCommands, workflowCommand } from "./workflow-commands.js";

export const EXIT_SUCCESS = 0;
export const EXIT_FAILURE = 1;
export const EXIT_ERROR = 2;

/** Where the Action's results go: the log (workflow commands), the job summary, the step's outputs. */
export interface ActionIo {
  log(line: string): void;
  appendSummary(markdown: string): void;
  setOutput(name: string, value: string): void;
}

/** Sentences of this module's own, written as Markdown. */
type Markdown = string;

const FORK_REASON =
  "This pull request comes from a fork, and GitHub gives a fork's workflow a read-only token, which cannot create check runs.";

export async function runAction(env: NodeJS.ProcessEnv, io: ActionIo): Promise<number> {
  let event: ActionEvent;
  let payload: Record<string, unknown>;
  let environment: ActionEnvironment;
  try {
    environment = readEnvironment(env);
    payload = readPayload(environment.eventPath);
    event = readEvent(environment.eventName, payload);
  } catch (error) {
    if (!(error instanceof ActionSetupError || error instanceof UnsupportedEventError)) throw error;
    io.log(workflowCommand("error", { title: "mtls-gate" }, error.message));
    return EXIT_ERROR;
  }

  const watch = new CheckRunWatch();
  const app = await startActionApp(environment, watch, env.RUNNER_DEBUG === "1" ? "debug" : "info");

  // A fork's token is read-only whatever the workflow asks for: do not even try the check run.
  if (event.fromFork) return publishWithoutCheckRun(app, event, io, FORK_REASON);

  let handlerError: unknown = null;
  try {
    await app.deliver({
      id: environment.runId,
      name: environment.eventName,
      payload: withWorkflowInstallation(payload),
    });
  } catch (error) {
    handlerError = error;
  }

  if (watch.refused && !watch.created) {
    const reason =
      `GitHub refused to create it (HTTP ${watch.refused.status}): this workflow's token may not write checks. ` +
      "Give the job `permissions: checks: write` (a Dependabot pull request's workflow may have a read-only token).";
    return publishWithoutCheckRun(app, event, io, reason);
  }

  if (watch.completed) {
    const { conclusion, title, summary, url } = watch.completed;
    io.appendSummary(
      renderJobSummary(
        { conclusion: conclusion as CheckConclusion, title, summary, annotations: [] },
        { checkRunUrl: url },
      ),
    );
    return verdict(io, conclusion, url);
  }

  // No run completed here: an earlier attempt of this workflow (or the app) completed the check for this commit, and a
  // completed run is left alone, as for a redelivered webhook.
  const existing = await completedRunFor(app, event).catch(() => null);
  if (existing && !watch.created) {
    io.log(
      workflowCommand(
        "notice",
        { title: "mtls-gate" },
        `The ${CHECK_RUN_NAME} check run for ${event.target.headSha.slice(0, 7)} was already completed (${existing.conclusion}) and stands: ` +
          "a re-run of the workflow does not analyse the same commit again. Push a commit to check again.",
      ),
    );
    io.appendSummary(
      renderJobSummary(
        {
          conclusion: existing.conclusion as CheckConclusion,
          title: existing.title,
          summary: existing.summary,
          annotations: [],
        },
        { checkRunUrl: existing.url },
      ),
    );
    return verdict(io, existing.conclusion, existing.url);
  }

  const problem = handlerError ? describeError(firstError(handlerError)) : "the check run was not completed";
  io.log(workflowCommand("error", { title: "mtls-gate" }, `mtls-gate could not complete its check: ${problem}`));
  return EXIT_ERROR;
}

/** The fork case: the same analysis and report, published as workflow commands and the job summary. */
async function publishWithoutCheckRun(
  app: ActionApp,
  event: ActionEvent,
  io: ActionIo,
  reason: Markdown,
): Promise<number> {
  io.log(`mtls-gate: no check run. ${reason.replaceAll("`", "")}`);
  // The app's stages, publishing to the workflow's log and job summary instead of a check run.
  const report: CheckRunReport = await checkWithoutCheckRun(
    app.gate,
    app.octokit,
    event.target,
    event.htmlUrl,
    async (published) => {
      for (const line of reportCommands(published)) io.log(line);
      io.appendSummary(renderJobSummary(published, { withoutCheckRun: reason }));
    },
  );
  return verdict(io, report.conclusion, null);
}

function verdict(io: ActionIo, conclusion: string, url: string | null): number {
  io.setOutput("conclusion", conclusion);
  if (url) io.setOutput("check-run-url", url);
  io.log(`mtls-gate: ${conclusion}${url ? ` (${url})` : ""}`);
  return conclusion === "success" ? EXIT_SUCCESS : EXIT_FAILURE;
}

async function completedRunFor(app: ActionApp, event: ActionEvent) {
  const { data } = await app.octokit.rest.checks.listForRef({
    ...event.target.repo,
    ref: event.target.headSha,
    check_name: CHECK_RUN_NAME,
    filter: "latest",
  });
  const run = data.check_runs.find(
    (r) => r.head_sha === event.target.headSha && r.status === "completed" && r.conclusion,
  );
  return run
    ? {
        conclusion: run.conclusion ?? "",
        title: run.output.title ?? "",
        summary: run.output.summary ?? "",
        url: run.html_url,
      }
    : null;
}

/** Probot rejects with an AggregateError of the handlers' errors. */
function firstError(error: unknown): unknown {
  return error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
}
