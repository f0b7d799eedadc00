import type { CheckTarget } from "../check-target.js";

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
  enqueue(data: CheckJobData): Promise<void>;
  recordHead(pullKey: string, headSha: string): Promise<void>;
  latestHead(pullKey: string): Promise<string | null>;
  /** Resolves when no job is waiting or running in this process (tests, demo, graceful shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
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
