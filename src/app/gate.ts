import deepmerge from "deepmerge";
import type { Context, Probot } from "probot";
import { renderInternalError } from "../report/check-run.js";
import { BlobCache } from "./blob-cache.js";
import { completeCheckRun, latestCheckRun, openCheckRun, takeOverCheckRun } from "./check-run-publisher.js";
import { externalIdFor, type CheckTarget } from "./check-target.js";
import { randomBytes } from "node:crypto";
import { markerKey, readAcceptances, type AcceptanceState, type BotIdentity } from "./commands/acceptances.js";
import type { GitHubClient, RepoRef } from "./github-client.js";
import { JobQueue } from "./job-queue.js";
import { ruleDocsUrl } from "./links.js";
import { pullKey, type CheckJobData, type CheckQueue } from "./queue/check-queue.js";
import { InProcessCheckQueue } from "./queue/in-process-queue.js";
import { DEFAULT_READER, describeError, runCheck, type AnalysisRequest, type GateSettings } from "./run-check.js";
import { CONFIG_FILE } from "./trusted-config.js";

export type EventContext = Context<"pull_request" | "check_run" | "check_suite" | "merge_group" | "issue_comment">;

export interface AppInfo {
  id: number | null;
  slug: string | null;
}

export interface GateOptions {
  now?: () => Date;
  cache?: BlobCache;
  reader?: Partial<GateSettings["reader"]>;
  /** Where checks wait for a worker; default: run them in this process. */
  queue?: (gate: Gate) => CheckQueue;
  /**
   * What acceptance markers are signed with (`MTLS_GATE_MARKER_SECRET`, else the app's private key). Without one, a
   * random key: acceptances then count only in the process that recorded them (fail closed).
   */
  markerSecret?: string | Buffer;
}

const MAX_REMEMBERED_DELIVERIES = 10_000;

/** The app's state shared by its handlers: the blob cache, the check queue, command jobs and the app's own identity. */
export class Gate {
  /** Command replies run in the background of the process that received the comment. */
  readonly jobs = new JobQueue();
  readonly settings: GateSettings;
  readonly queue: CheckQueue;
  /** The HMAC key of acceptance markers. */
  readonly markerKey: Buffer;
  #appInfo: Promise<AppInfo> | null = null;
  /** Deliveries of comment commands this process has handled (the most recent ones), so a replay runs nothing. */
  readonly #deliveries = new Set<string>();

  constructor(
    readonly app: Probot,
    options: GateOptions = {},
  ) {
    this.settings = {
      cache: options.cache ?? new BlobCache(),
      now: options.now ?? (() => new Date()),
      reader: { ...DEFAULT_READER, ...options.reader },
      ruleDocsUrl,
    };
    this.markerKey = markerKey(options.markerSecret ?? randomBytes(32));
    this.queue =
      options.queue?.(this) ??
      new InProcessCheckQueue(
        (data, update) => this.processCheck(data, update),
        (error, data) => void this.giveUp(data, error),
      );
  }

  /**
   * Queues a check and returns: the webhook is answered at once however large the repository. A pull request's head
   * is recorded first, so an older job for the same pull request knows it was superseded.
   */
  async startCheck(context: EventContext, target: CheckTarget): Promise<void> {
    const installationId = (context.payload as { installation?: { id: number } }).installation?.id;
    if (installationId === undefined) throw new Error("the event names no installation");
    if (target.subject.kind === "pull_request" && !target.fresh) {
      for (const number of target.subject.numbers) await this.queue.recordHead(pullKey(target, number), target.headSha);
    }
    await this.queue.enqueue({
      installationId,
      target,
      htmlUrl: context.payload.repository?.html_url ?? "",
      deliveryId: context.id,
    });
  }

  /** True the first time this process sees a delivery id: a redelivered or replayed command webhook is not run again. */
  firstDelivery(deliveryId: string): boolean {
    if (this.#deliveries.has(deliveryId)) return false;
    this.#deliveries.add(deliveryId);
    if (this.#deliveries.size > MAX_REMEMBERED_DELIVERIES)
      this.#deliveries.delete(this.#deliveries.values().next().value as string);
    return true;
  }

  /** A worker's side of a job: open (or take over) the run, analyse, publish. */
  async processCheck(data: CheckJobData, update: (data: CheckJobData) => Promise<void>): Promise<void> {
    const { target } = data;
    const octokit = await this.app.auth(data.installationId);
    const log = this.app.log.child({ repo: `${target.repo.owner}/${target.repo.repo}`, headSha: target.headSha });
    const externalId = externalIdFor(target.subject);
    const opened =
      data.checkRunId === undefined
        ? await openCheckRun(octokit, target.repo, target.headSha, {
            externalId,
            fresh: target.fresh,
            appId: (await this.appInfo()).id,
            now: this.settings.now(),
          })
        : await takeOverCheckRun(octokit, target.repo, data.checkRunId, target.headSha, {
            externalId,
            now: this.settings.now(),
          });
    if ("skip" in opened) {
      log.info({ checkRunId: opened.id }, "check run already completed for this head");
      return;
    }
    const checkRunId = opened.id;
    if (checkRunId !== data.checkRunId) await update({ ...data, checkRunId });
    await runCheck(
      {
        ...this.analysisRequest(octokit, target),
        checkRunId,
        htmlUrl: data.htmlUrl,
        log,
        readAcceptances: () => this.acceptancesFor(octokit, target),
        supersededBy: () => this.supersededBy(target),
        appId: (await this.appInfo()).id,
      },
      this.settings,
    );
  }

  /** Fail closed: a job that cannot be completed still ends its check, as a failure that says why. */
  async giveUp(data: CheckJobData, error: unknown): Promise<void> {
    this.app.log.error({ err: describeError(error), headSha: data.target.headSha }, "mtls-gate check job given up");
    if (data.checkRunId === undefined) return;
    const octokit = await this.app.auth(data.installationId);
    const report = renderInternalError({ problem: `the analysis job failed repeatedly: ${describeError(error)}` });
    await completeCheckRun(octokit, data.target.repo, data.checkRunId, report, this.settings.now);
  }

  /** The newer head of the target's pull request, when a push superseded the SHA this job checks. */
  async supersededBy(target: CheckTarget): Promise<string | null> {
    if (target.subject.kind !== "pull_request") return null;
    for (const number of target.subject.numbers) {
      const latest = await this.queue.latestHead(pullKey(target, number));
      if (latest && latest !== target.headSha) return latest;
    }
    return null;
  }

  /** Every check and command job of this process (and, with Redis, of the queue) has finished. */
  async idle(): Promise<void> {
    await this.jobs.idle();
    await this.queue.idle();
    await this.jobs.idle();
  }

  /** What an analysis needs: the installation's client, the target and the trusted config reader. */
  analysisRequest(octokit: GitHubClient, target: CheckTarget): AnalysisRequest {
    return { octokit, target, readConfig: () => readTrustedConfig(octokit, target.repo) };
  }

  /** The acceptances recorded on the target's pull requests (for the merge queue: the pull request it is merging). */
  async acceptancesFor(octokit: GitHubClient, target: CheckTarget): Promise<AcceptanceState> {
    const numbers = target.subject.kind === "commit" ? [] : target.subject.numbers;
    const identity = await this.identity();
    // Without its identity (the Action's workflow token) the app has no comments of its own: no acceptance counts.
    if (numbers.length === 0 || identity.appId === null)
      return { acceptances: [], handledCommands: new Set(), problem: null };
    try {
      return await readAcceptances(octokit, target.repo, numbers, identity, this.markerKey);
    } catch (error) {
      // A queue branch can name a pull request that is gone: no acceptances, not a failure.
      if ((error as { status?: unknown }).status === 404)
        return { acceptances: [], handledCommands: new Set(), problem: null };
      throw error;
    }
  }

  /** How the app recognises its own comments: by the app id GitHub records on them. */
  async identity(): Promise<BotIdentity> {
    return { appId: (await this.appInfo()).id };
  }

  /** The login the app comments as: `<slug>[bot]`. */
  async botLogin(): Promise<string | null> {
    const { slug } = await this.appInfo();
    return slug ? `${slug}[bot]` : null;
  }

  /** The external id of this app's latest run on a SHA: what it compared, for a re-run whose payload does not say. */
  async lastExternalId(octokit: GitHubClient, repo: CheckTarget["repo"], headSha: string): Promise<string | null> {
    const run = await latestCheckRun(octokit, repo, headSha, (await this.appInfo()).id);
    return run?.external_id ?? null;
  }

  /** The app's id (to recognise its own runs) and slug (its comments' author), looked up once; null when GitHub would not say. */
  appInfo(): Promise<AppInfo> {
    this.#appInfo ??= this.app
      .auth()
      .then((octokit) => octokit.rest.apps.getAuthenticated())
      .then(({ data }) => ({ id: data?.id ?? null, slug: data?.slug ?? null }))
      .catch(() => {
        this.#appInfo = null;
        return { id: null, slug: null };
      });
    return this.#appInfo;
  }
}

/**
 * The default branch's `.github/mtls-gate.yml`, falling back to the organisation's `.github` repository and following
 * `_extends` (Probot's config plugin, as `context.config` uses it, but usable by a worker that has no event context).
 * Keys of the repository's file replace inherited ones; arrays are replaced, not appended to. `_extends` is honoured
 * only within the repository's owner, and a file it names must exist: a policy never silently loses its base.
 */
async function readTrustedConfig(octokit: GitHubClient, repo: RepoRef): Promise<unknown> {
  const { config, files } = await octokit.config.get({
    ...repo,
    path: `.github/${CONFIG_FILE}`,
    defaults: (configs: Record<string, unknown>[]) => deepmerge.all<Record<string, unknown>>(configs, { arrayMerge: (_inherited: unknown[], own: unknown[]) => own }),
  });
  // The repository's own file, else the organisation's `.github` one; every file after it was named by `_extends`.
  const firstExtended = files[0]?.config ? 1 : 2;
  for (const file of files.slice(firstExtended)) {
    const named = `${file.owner}/${file.repo}:${file.path}`;
    if (file.owner.toLowerCase() !== repo.owner.toLowerCase()) {
      throw new Error(`_extends names ${named}, outside ${repo.owner}: only repositories of the same owner are honoured`);
    }
    if (file.config === null) throw new Error(`_extends names ${named}, which cannot be read (missing, or not readable by the app)`);
  }
  return files.some((file) => file.config !== null) ? config : null;
}
