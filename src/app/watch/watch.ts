/**
 * Watching default branches: scans on pushes (handlers/push.ts), on the dashboard's re-scan box (handlers/issues.ts)
 * and on each repository's `watch.schedule`. A tick lists every installation's repositories and scans those whose
 * period has no scan yet: a claim per repository and period (in Redis with REDIS_URL) makes that exactly once per
 * period however many replicas tick. Without Redis an in-process timer ticks; with it, a BullMQ job scheduler, so one
 * replica ticks per interval.
 */
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { WatchSchedule } from "../../core/policy/policy.js";
import { describeError } from "../describe-error.js";
import type { GitHubClient } from "../github-client.js";
import { KeyedSingleFlight } from "../keyed-single-flight.js";
import { runScan, type ScanDeps, type ScanOutcome, type ScanRequest } from "./scan.js";

export const SCHEDULE_PERIOD_MS: Readonly<Record<Exclude<WatchSchedule, "off">, number>> = {
  hourly: 3_600_000,
  daily: 86_400_000,
  weekly: 7 * 86_400_000,
};
/** The schedule of a repository never scanned: the policy's default. */
const DEFAULT_SCHEDULE: WatchSchedule = "daily";
/** How often the tick looks for due scans (the shortest schedule's period divided by 12). */
export const DEFAULT_TICK_MS = 5 * 60_000;
const SCAN_CONCURRENCY = 2;
const MAX_REPO_PAGES = 100;

export interface WatchOptions extends ScanDeps {
  /** The app's own client (JWT), to list installations. */
  appClient: () => Promise<GitHubClient>;
  tickMs?: number;
  /** Test-only: shorter periods. */
  periodsMs?: Partial<Record<Exclude<WatchSchedule, "off">, number>>;
  now?: () => number;
  /**
   * With Redis: the tick runs as a BullMQ job scheduler on this queue; `tick: false` (web-only processes) registers the
   * scheduler but leaves its jobs to the workers, so analyses stay off the processes that answer webhooks.
   */
  redis?: { url: string; queueName: string; tick?: boolean } | null;
}

export class Watch {
  readonly #scans = new KeyedSingleFlight();
  readonly #options: WatchOptions;
  #timer: NodeJS.Timeout | null = null;
  #queue: Queue | null = null;
  #worker: Worker | null = null;
  #ticking: Promise<number> | null = null;
  readonly #connections: Redis[] = [];

  constructor(options: WatchOptions) {
    this.#options = options;
  }

  /** One scan of a repository now (one at a time per repository in this process). */
  async scan(request: ScanRequest): Promise<ScanOutcome | null> {
    const key = `${request.repo.owner}/${request.repo.repo}`.toLowerCase();
    let outcome: ScanOutcome | null = null;
    const started = this.#scans.start(
      key,
      async () => {
        outcome = await runScan(this.#options, request);
      },
      (error) => this.#options.log.error({ repository: key, err: describeError(error) }, "mtls-gate scan failed"),
    );
    if (!started) return null;
    await this.#scans.idle();
    return outcome;
  }

  /** A scan in the background of this process (a webhook is answered at once). */
  scanLater(request: ScanRequest): void {
    const key = `${request.repo.owner}/${request.repo.repo}`.toLowerCase();
    this.#scans.start(
      key,
      async () => {
        await runScan(this.#options, request);
      },
      (error) => this.#options.log.error({ repository: key, err: describeError(error) }, "mtls-gate scan failed"),
    );
  }

  /** Scans every repository whose schedule period has no scan yet; resolves with how many this call scanned. */
  tick(): Promise<number> {
    // Ticks of one process never overlap: a slow tick is not joined by the next.
    this.#ticking ??= this.#tick().finally(() => (this.#ticking = null));
    return this.#ticking;
  }

  async #tick(): Promise<number> {
    const now = (this.#options.now ?? Date.now)();
    const due: ScanRequest[] = [];
    const app = await this.#options.appClient();
    const installations = await app.paginate(app.rest.apps.listInstallations, { per_page: 100 });
    for (const installation of installations) {
      const github = await this.#options.auth(installation.id);
      for (let page = 1; page <= MAX_REPO_PAGES; page++) {
        const { data } = await github.rest.apps.listReposAccessibleToInstallation({ per_page: 100, page });
        for (const repository of data.repositories) {
          if (repository.archived) continue;
          const repo = { owner: repository.owner.login, repo: repository.name };
          const full = `${repo.owner}/${repo.repo}`;
          const last = await this.#options.state.get(full);
          const schedule = last?.schedule ?? DEFAULT_SCHEDULE;
          if (schedule === "off") continue;
          const period = this.#periodMs(schedule);
          const index = Math.floor(now / period);
          if (!(await this.#options.state.claim(full, `${schedule}:${index}`, period * 2))) continue;
          due.push({
            installationId: installation.id,
            repo,
            defaultBranch: repository.default_branch,
            htmlUrl: repository.html_url,
          });
        }
        if (data.repositories.length < 100) break;
      }
    }
    let scanned = 0;
    const queue = [...due];
    const worker = async () => {
      for (let request = queue.shift(); request; request = queue.shift()) {
        try {
          await runScan(this.#options, request);
          scanned++;
        } catch (error) {
          this.#options.log.error(
            { repository: `${request.repo.owner}/${request.repo.repo}`, err: describeError(error) },
            "mtls-gate scheduled scan failed",
          );
        }
      }
    };
    await Promise.all(Array.from({ length: SCAN_CONCURRENCY }, worker));
    return scanned;
  }

  #periodMs(schedule: Exclude<WatchSchedule, "off">): number {
    return this.#options.periodsMs?.[schedule] ?? SCHEDULE_PERIOD_MS[schedule];
  }

  /** Ticks now and every `tickMs`: in this process, or (with Redis) as a BullMQ job scheduler shared by replicas. */
  async start(): Promise<void> {
    const tickMs = this.#options.tickMs ?? DEFAULT_TICK_MS;
    const redis = this.#options.redis;
    const failed = (error: unknown) =>
      this.#options.log.error({ err: describeError(error) }, "mtls-gate scan tick failed");
    if (!redis) {
      void this.tick().catch(failed);
      this.#timer = setInterval(() => void this.tick().catch(failed), tickMs);
      this.#timer.unref();
      return;
    }
    const connection = () => {
      // BullMQ's blocking commands need a connection that never gives up on a request.
      const client = new Redis(redis.url, { maxRetriesPerRequest: null });
      client.on("error", () => undefined);
      this.#connections.push(client);
      return client;
    };
    this.#queue = new Queue(redis.queueName, { connection: connection() });
    this.#queue.on("error", failed);
    // Every replica upserts the same scheduler: one tick job per interval, whichever replica's worker takes it.
    await this.#queue.upsertJobScheduler(
      "watch-tick",
      { every: tickMs },
      { name: "tick", opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
    if (redis.tick === false) return;
    this.#worker = new Worker(redis.queueName, async () => this.tick(), { connection: connection(), concurrency: 1 });
    this.#worker.on("error", failed);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#worker?.close();
    await this.#queue?.close();
    await Promise.all(this.#connections.map((c) => c.quit().catch(() => c.disconnect())));
    await this.#ticking?.catch(() => undefined);
    await this.#scans.idle();
    await this.#options.state.close();
  }

  /** Every scan this process started has finished (tests). */
  async idle(): Promise<void> {
    await this.#ticking?.catch(() => undefined);
    await this.#scans.idle();
  }
}
