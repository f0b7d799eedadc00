import type { CheckTarget } from "../check-target.js";
import type { RunRegistry } from "../run-registry.js";

/** A check to run, as it travels through the queue: plain data, no clients or callbacks. */
export interface CheckJobData {
  installationId: number;
  target: CheckTarget;
  /** The repository's web address, for file links in the summary. */
  htmlUrl: string;
  /** The webhook delivery that asked: re-run requests are distinct jobs, redeliveries are not. */
  deliveryId: string;
  /** Set once the run is opened, so a worker that takes the job over finishes the same run. */
  checkRunId?: number;
}

/**
 * Where checks wait for a worker. One job per repository + head SHA + base SHA (+ the delivery, for re-runs): a redelivery or a
 * second event for the same SHA joins the job already there. It also remembers each pull request's latest head, so a
 * job whose SHA was superseded by a push ends as `cancelled` instead of publishing a stale verdict.
 */
export interface CheckQueue {
  readonly durable: boolean;
  /** The runs the whole deployment has in progress (shared by replicas), or null when only this process has runs. */
  readonly runs: RunRegistry | null;
  /** Rejects (soon: producers never wait long) when the job cannot be queued; the webhook is then answered 503. */
  enqueue(data: CheckJobData): Promise<void>;
  recordHead(pullKey: string, headSha: string): Promise<void>;
  latestHead(pullKey: string): Promise<string | null>;
  /** Resolves once jobs can be queued, or rejects within the producer's timeout (a webhook that needs GitHub first). */
  ensureAvailable(): Promise<void>;
  /** Whether Redis (if any) answers and this process's workers (if any) can take jobs: `GET /ready`. */
  readiness(): Promise<QueueReadiness>;
  /** Jobs waiting or running (the whole deployment's, with Redis): the `mtls_gate_queue_depth` metric. */
  depth(): Promise<number>;
  /** Resolves when no job is waiting or running in this process (tests, demo, graceful shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface QueueReadiness {
  /** `none`: the queue does not use Redis. */
  redis: "up" | "down" | "none";
  /** `none`: this process runs no jobs (`MTLS_GATE_ROLE=web`). */
  workers: "up" | "down" | "none";
}

/** The queue could not take a job (Redis unreachable or too slow): the delivery failed, and can be redelivered. */
export class QueueUnavailableError extends Error {
  /** Probot's webhook middleware answers with an error's `status`: GitHub records the delivery as failed. */
  readonly status = 503;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "QueueUnavailableError";
  }
}

export type CheckProcessor = (data: CheckJobData, update: (data: CheckJobData) => Promise<void>) => Promise<void>;

export function jobKey(data: CheckJobData): string {
  const { owner, repo } = data.target.repo;
  const { subject } = data.target;
  // The base is part of the key: the same head opened against another base is another check, not a redelivery.
  const against = subject.kind === "commit" ? "" : `__${subject.baseSha}`;
  const key = `check__${owner}__${repo}__${data.target.headSha}${against}`;
  return data.target.fresh ? `${key}__${data.deliveryId}` : key;
}

export function pullKey(target: CheckTarget, number: number): string {
  return `${target.repo.owner}/${target.repo.repo}#${number}`;
}
