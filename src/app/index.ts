import type { ApplicationFunction, Probot } from "probot";
import { loadLimitsFromEnv } from "../core/limits.js";
import { Gate, type GateOptions } from "./gate.js";
import { deploymentSettings, gateOptionsFor, markerSecretFrom } from "./settings.js";
import { onMergeGroup } from "./handlers/merge-group.js";
import { onIssueComment } from "./handlers/issue-comment.js";
import { onIssueEdited } from "./handlers/issues.js";
import { onPush } from "./handlers/push.js";
import { onPullRequest } from "./handlers/pull-request.js";
import { onRequestedAction } from "./handlers/requested-action.js";
import { onCheckRunRerequested, onCheckSuiteRerequested } from "./handlers/rerequest.js";
import { metricsHandler } from "./metrics.js";
import { readyHandler } from "./ready.js";

/** Registers every handler on a Probot instance; returns the gate so tests and the demo can wait for its jobs. */
export function registerGate(app: Probot, options: GateOptions = {}): Gate {
  const gate = new Gate(app, options);
  app.on(
    ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened", "pull_request.ready_for_review"],
    onPullRequest(gate),
  );
  app.on("check_run.rerequested", onCheckRunRerequested(gate));
  app.on("check_suite.rerequested", onCheckSuiteRerequested(gate));
  app.on("merge_group.checks_requested", onMergeGroup(gate));
  app.on("issue_comment.created", onIssueComment(gate));
  app.on("check_run.requested_action", onRequestedAction(gate));
  app.on("push", onPush(gate));
  app.on("issues.edited", onIssueEdited(gate));
  return gate;
}

/**
 * The Probot application function (`probot run`, `npm start`), configured by the environment (see settings.ts): the
 * handlers, `GET /ready` on Probot's server, and the sweeper (at start, then every `MTLS_GATE_SWEEP_INTERVAL_MS`).
 */
const mtlsGate: ApplicationFunction = (app, options) => {
  // Limits set wrong refuse the start: a deployment never runs with limits it did not ask for.
  const { limits, problems } = loadLimitsFromEnv(process.env);
  if (problems.length > 0) throw new Error(problems.join("; "));
  const deployment = deploymentSettings(process.env);
  const gate = registerGate(app, { ...gateOptionsFor(deployment, app, markerSecretFrom(process.env)), limits });
  // Absent when the function is loaded without a server (Probot's createNodeMiddleware has it too).
  options?.addHandler?.(readyHandler(gate));
  options?.addHandler?.(metricsHandler(gate.metrics, deployment.metricsToken));
  gate.startSweeper();
  void gate.watch.start().catch((error: unknown) => app.log.error({ err: String(error) }, "mtls-gate scans could not start"));
  // A stopping replica lets its running jobs finish or hands them back to the queue.
  process.once("SIGTERM", () => {
    void gate.close().finally(() => process.exit(0));
  });
};

export default mtlsGate;
