/**
 * The workflow's event, as GitHub Actions hands it over (the webhook payload in the file GITHUB_EVENT_PATH names):
 * which events the Action checks, what it compares, and whether the pull request comes from a fork.
 */
import { queuedPullRequest, type CheckTarget } from "../app/check-target.js";

/** The `pull_request` activity types the app checks (`registerGate` listens to exactly these). */
export const PULL_REQUEST_ACTIONS: readonly string[] = ["opened", "synchronize", "reopened", "ready_for_review"];

type Payload = Record<string, unknown>;

export type ActionEvent =
  | {
      kind: "pull_request";
      /** What the app's pull_request handler would check. */
      target: CheckTarget;
      /** The repository's web address, for file links in the summary. */
      htmlUrl: string;
      /** The head branch lives in another repository: the workflow's token is read-only. */
      fromFork: boolean;
    }
  | { kind: "merge_group"; target: CheckTarget; htmlUrl: string; fromFork: false };

export class UnsupportedEventError extends Error {}

/** Reads the event the workflow runs for; anything the app would not check is an error, never a silent pass. */
export function readEvent(eventName: string, payload: Payload): ActionEvent {
  const action = typeof payload.action === "string" ? payload.action : "";
  const repository = object(payload.repository);
  const owner = string(object(repository.owner).login);
  const repo = string(repository.name);
  const htmlUrl = string(repository.html_url);
  if (!owner || !repo) throw new UnsupportedEventError(`the ${eventName} event names no repository`);

  if (eventName === "pull_request") {
    if (!PULL_REQUEST_ACTIONS.includes(action)) {
      throw new UnsupportedEventError(
        `mtls-gate checks pull_request events of the types ${PULL_REQUEST_ACTIONS.join(", ")}, not "${action}": ` +
          "remove `types:` from the workflow's pull_request trigger, or list only these",
      );
    }
    const pull = object(payload.pull_request);
    const head = object(pull.head);
    const base = object(pull.base);
    const number = pull.number;
    const headSha = string(head.sha);
    if (typeof number !== "number" || !headSha || !string(base.sha))
      throw new UnsupportedEventError("the pull_request event has no head or base commit");
    return {
      kind: "pull_request",
      target: {
        repo: { owner, repo },
        headSha,
        subject: { kind: "pull_request", numbers: [number], baseRef: string(base.ref), baseSha: string(base.sha) },
        fresh: false,
      },
      htmlUrl,
      fromFork: isFromFork(head, base),
    };
  }

  if (eventName === "merge_group") {
    if (action !== "checks_requested")
      throw new UnsupportedEventError(`mtls-gate checks merge_group.checks_requested, not merge_group.${action}`);
    const group = object(payload.merge_group);
    const headSha = string(group.head_sha);
    const baseSha = string(group.base_sha);
    if (!headSha || !baseSha) throw new UnsupportedEventError("the merge_group event has no head or base commit");
    return {
      kind: "merge_group",
      target: {
        repo: { owner, repo },
        headSha,
        subject: {
          kind: "merge_group",
          baseRef: string(group.base_ref).replace(/^refs\/heads\//, ""),
          baseSha,
          numbers: queuedPullRequest(string(group.head_ref)),
        },
        fresh: false,
      },
      htmlUrl,
      fromFork: false,
    };
  }

  throw new UnsupportedEventError(
    `mtls-gate runs on pull_request and merge_group events, not ${eventName}` +
      (eventName === "pull_request_target" ? " (pull_request_target is not supported)" : ""),
  );
}

/**
 * A fork's pull request: the head repository is not the base repository (by id or by name), or was deleted. Not
 * `head.repo.fork`, which is also true between two branches of a repository that is itself a fork.
 */
function isFromFork(head: Payload, base: Payload): boolean {
  if (head.repo === null || typeof head.repo !== "object") return true;
  const headRepo = head.repo as Payload;
  const baseRepo = object(base.repo);
  if (typeof headRepo.id === "number" && typeof baseRepo.id === "number" && headRepo.id !== baseRepo.id) return true;
  return string(headRepo.full_name).toLowerCase() !== string(baseRepo.full_name).toLowerCase();
}

/**
 * The payload the app receives. A workflow's event carries no `installation` (it is not sent to an app), while the Gate
 * queues each check under the event's installation and later asks `app.auth(installationId)` for a client. Under the
 * adapter's token authentication every installation is the workflow token, and Probot answers `auth()` for a falsy id
 * with that token's client; so the event gets installation 0, which names no installation of any app.
 */
export function withWorkflowInstallation(payload: Payload): Payload {
  return payload.installation ? payload : { ...payload, installation: { id: WORKFLOW_TOKEN_INSTALLATION_ID } };
}

export const WORKFLOW_TOKEN_INSTALLATION_ID = 0;

function object(value: unknown): Payload {
  return value !== null && typeof value === "object" ? (value as Payload) : {};
}

function string(value: unknown): string {
  return typeof value === "string" ? value : "";
}
