import { generateKeyPairSync } from "node:crypto";
import { Writable } from "node:stream";
import { createRequire } from "node:module";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { registerGate } from "../../src/app/index.js";
import type { Gate, GateOptions } from "../../src/app/gate.js";
import { BlobCache } from "../../src/app/blob-cache.js";
import { locateTools } from "../../src/render/tools.js";
import { toolEnv } from "../render/tools.js";
import { startFakeGitHub, type FakeGitHub, type FakeRepo } from "../helpers/fake-github.js";
import { userId } from "../helpers/fake-github/objects.js";

// The package is one JSON file, which Node 20 only imports with an import attribute; require reads it plainly.
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as {
  name: string;
  examples: Payload[];
}[];

export const NOW = new Date("2026-06-01T12:00:00Z");
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

export interface Harness {
  fake: FakeGitHub;
  probot: Probot;
  gate: Gate;
  repo: FakeRepo;
  logs: string[];
  /** Delivers a webhook through Probot and waits until every analysis it started has completed. */
  deliver(name: string, payload: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  repo?: string;
  cache?: BlobCache;
  tarballThreshold?: number;
  /** Octokit's retry delay base in ms (GitHub 5xx answers are retried). */
  retryBaseMs?: number;
  /** Reuse a running fake (a restarted app finds GitHub as it left it). */
  fake?: FakeGitHub;
  /** More Gate options (the analysis limit, the sweeper's, give-up retries, a queue). */
  gate?: GateOptions;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = options.fake ?? (await startFakeGitHub());
  const repoName = options.repo ?? "acme/platform";
  const repo = options.fake
    ? fake.repo(repoName)
    : fake.createRepo(repoName, { defaultBranch: "main", installationId: 1 });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const probot = new Probot({
    appId: fake.appId,
    privateKey,
    baseUrl: fake.url,
    log: pino({ level: "info" }, sink),
    // A function, not an object: Probot passes its own throttle options to the constructor, which would replace ours
    // wholesale. Throttling spaces writes a second apart, right for GitHub, pointless against the fake.
    Octokit: ProbotOctokit.defaults((instance: Record<string, unknown>) => ({
      ...instance,
      retry: { retryAfterBaseValue: options.retryBaseMs ?? 1 },
      throttle: { ...(instance.throttle as object), enabled: false },
    })),
  });
  const gate = registerGate(probot, {
    // The app renders by default with the tools it finds; the tests give it the pinned helm and kubectl (not whatever
    // this machine's PATH holds), so a check's findings do not depend on where the tests run.
    renderTools: locateTools(toolEnv()),
    ...options.gate,
    markerSecret: privateKey,
    now: options.gate?.now ?? (() => NOW),
    cache: options.cache ?? new BlobCache(),
    reader: options.tarballThreshold !== undefined ? { tarballThreshold: options.tarballThreshold } : {},
  });
  let delivery = 0;
  return {
    fake,
    probot,
    gate,
    repo,
    logs,
    async deliver(name, payload) {
      delivery++;
      await probot.receive({ id: `delivery-${delivery}`, name, payload } as Parameters<Probot["receive"]>[0]);
      await gate.idle();
    },
    close: async () => {
      await gate.idle();
      if (!options.fake) await fake.close();
    },
  };
}

type Payload = Record<string, unknown>;

/** A real payload of GitHub's documented shape (from @octokit/webhooks-examples), pointed at the fake's repository. */
export function examplePayload(event: string, action: string): Payload {
  const group = examples.find((e) => e.name === event);
  // Events without actions (push) have examples without one: asked for with "".
  const example = group?.examples.find((p) => p.action === action || (action === "" && p.action === undefined));
  if (!example) throw new Error(`no example payload for ${event}.${action}`);
  return structuredClone(example);
}

export function repositoryPayload(repo: FakeRepo, fakeUrl: string): Payload {
  return {
    id: 1296269,
    node_id: "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
    name: repo.name,
    full_name: repo.fullName,
    private: true,
    owner: { login: repo.owner, id: 1, type: "Organization" },
    html_url: `https://github.example/${repo.fullName}`,
    url: `${fakeUrl}/repos/${repo.fullName}`,
    default_branch: repo.defaultBranch,
  };
}

export function pullRequestEvent(
  fake: FakeGitHub,
  repo: FakeRepo,
  action: "opened" | "synchronize" | "reopened" | "ready_for_review",
  pr: { number: number; headSha: string; baseSha: string; baseRef?: string; fork?: boolean },
): Payload {
  const payload = examplePayload("pull_request", action);
  const repository = repositoryPayload(repo, fake.url);
  const pull = payload.pull_request as Payload;
  const headRepo = pr.fork
    ? {
        ...repository,
        full_name: `contributor/${repo.name}`,
        owner: { login: "contributor", id: 2, type: "User" },
        fork: true,
      }
    : repository;
  Object.assign(pull, {
    number: pr.number,
    state: "open",
    head: {
      ...(pull.head as Payload),
      sha: pr.headSha,
      ref: pr.fork ? "patch-1" : `feature-${pr.number}`,
      repo: headRepo,
      label: "x:y",
    },
    base: { ...(pull.base as Payload), sha: pr.baseSha, ref: pr.baseRef ?? repo.defaultBranch, repo: repository },
  });
  payload.number = pr.number;
  payload.repository = repository;
  payload.installation = { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  return payload;
}

export function mergeGroupEvent(
  fake: FakeGitHub,
  repo: FakeRepo,
  group: { headSha: string; baseSha: string; baseRef?: string },
): Payload {
  const payload = examplePayload("merge_group", "checks_requested");
  const mergeGroup = payload.merge_group as Payload;
  Object.assign(mergeGroup, {
    head_sha: group.headSha,
    head_ref: `refs/heads/gh-readonly-queue/${group.baseRef ?? "main"}/pr-7-${group.baseSha}`,
    base_sha: group.baseSha,
    base_ref: `refs/heads/${group.baseRef ?? "main"}`,
  });
  payload.repository = repositoryPayload(repo, fake.url);
  payload.installation = { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  return payload;
}

export function checkRunRerequestedEvent(
  fake: FakeGitHub,
  repo: FakeRepo,
  run: { id: number; headSha: string; externalId: string | null; pullNumbers: number[] },
): Payload {
  const payload = examplePayload("check_run", "rerequested");
  const checkRun = payload.check_run as Payload;
  Object.assign(checkRun, {
    id: run.id,
    name: "mtls-gate",
    head_sha: run.headSha,
    external_id: run.externalId,
    pull_requests: run.pullNumbers.map((number) => ({
      number,
      id: number,
      url: `${fake.url}/repos/${repo.fullName}/pulls/${number}`,
      head: { ref: "x", sha: run.headSha, repo: { id: 1, name: repo.name, url: "" } },
      base: { ref: "main", sha: "0".repeat(40), repo: { id: 1, name: repo.name, url: "" } },
    })),
  });
  payload.repository = repositoryPayload(repo, fake.url);
  payload.installation = { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  return payload;
}

export function checkSuiteRerequestedEvent(
  fake: FakeGitHub,
  repo: FakeRepo,
  suite: { headSha: string; pullNumbers: number[] },
): Payload {
  const payload = examplePayload("check_suite", "rerequested");
  const checkSuite = payload.check_suite as Payload;
  Object.assign(checkSuite, {
    head_sha: suite.headSha,
    head_branch: suite.pullNumbers.length > 0 ? "feature" : null,
    pull_requests: suite.pullNumbers.map((number) => ({
      number,
      id: number,
      url: "",
      head: { ref: "x", sha: suite.headSha, repo: { id: 1, name: repo.name, url: "" } },
      base: { ref: "main", sha: "0".repeat(40), repo: { id: 1, name: repo.name, url: "" } },
    })),
  });
  payload.repository = repositoryPayload(repo, fake.url);
  payload.installation = { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  return payload;
}

/** Every annotation on a run, as the check run page would list them. */
export function annotationsOf(repo: FakeRepo, runId: number): Record<string, unknown>[] {
  return repo.checkRuns.find((r) => r.id === runId)?.annotations ?? [];
}

export function issueCommentEvent(
  fake: FakeGitHub,
  repo: FakeRepo,
  comment: {
    id: number;
    body: string;
    user: string;
    userType?: "User" | "Bot";
    issueNumber: number;
    onPullRequest?: boolean;
    createdAt?: string;
  },
  action: "created" | "edited" = "created",
): Payload {
  const payload = examplePayload("issue_comment", action);
  const user = { login: comment.user, id: userId(comment.user), type: comment.userType ?? "User" };
  const issue = payload.issue as Payload;
  Object.assign(issue, { number: comment.issueNumber, user, state: "open" });
  if (comment.onPullRequest === false) delete issue.pull_request;
  else
    issue.pull_request = {
      url: `${fake.url}/repos/${repo.fullName}/pulls/${comment.issueNumber}`,
      html_url: "",
      diff_url: "",
      patch_url: "",
      merged_at: null,
    };
  const createdAt = comment.createdAt ?? NOW.toISOString();
  Object.assign(payload.comment as Payload, {
    id: comment.id,
    body: comment.body,
    user,
    author_association: "MEMBER",
    created_at: createdAt,
    updated_at: createdAt,
  });
  payload.sender = user;
  payload.repository = repositoryPayload(repo, fake.url);
  payload.installation = { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  return payload;
}

export function requestedActionEvent(
  fake: FakeGitHub,
  repo: FakeRepo,
  run: { id: number; headSha: string; externalId: string | null },
  identifier: string,
  user: string,
): Payload {
  const payload = examplePayload("check_run", "requested_action");
  Object.assign(payload.check_run as Payload, {
    id: run.id,
    name: "mtls-gate",
    head_sha: run.headSha,
    external_id: run.externalId,
    pull_requests: [],
  });
  payload.requested_action = { identifier };
  payload.sender = { login: user, id: 6, type: "User" };
  payload.repository = repositoryPayload(repo, fake.url);
  payload.installation = { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  return payload;
}
