import type { Context, Probot } from "probot";
import { CHECK_RUN_NAME } from "../report/check-run.js";
import { BlobCache } from "./blob-cache.js";
import { openCheckRun } from "./check-run-publisher.js";
import { externalIdFor, type CheckTarget } from "./check-target.js";
import { JobQueue } from "./job-queue.js";
import { ruleDocsUrl } from "./links.js";
import { DEFAULT_READER, describeError, runCheck, type GateSettings } from "./run-check.js";
import { CONFIG_FILE } from "./trusted-config.js";
import { readAcceptances, type Acceptance } from "./commands/acceptances.js";

export type EventContext = Context<"pull_request" | "check_run" | "check_suite" | "merge_group" | "issue_comment">;

export interface AppInfo {
  id: number | null;
  slug: string | null;
}

export interface GateOptions {
  now?: () => Date;
  cache?: BlobCache;
  reader?: Partial<GateSettings["reader"]>;
}

/** The app's state shared by its handlers: the blob cache, the background jobs and the app's own id. */
export class Gate {
  readonly jobs = new JobQueue();
  readonly settings: GateSettings;
  readonly #opening = new Set<string>();
  #appInfo: Promise<AppInfo> | null = null;

  constructor(
    private readonly app: Probot,
    options: GateOptions = {},
  ) {
    this.settings = {
      cache: options.cache ?? new BlobCache(),
      now: options.now ?? (() => new Date()),
      reader: { ...DEFAULT_READER, ...options.reader },
      ruleDocsUrl,
    };
  }

  /**
   * Opens the check run (visible as in progress at once), then analyses in the background so the webhook is answered
   * within GitHub's 10 seconds however large the repository.
   */
  async startCheck(context: EventContext, target: CheckTarget): Promise<void> {
    const { owner, repo } = target.repo;
    const key = `${owner}/${repo}@${target.headSha}`;
    if (!target.fresh && this.#opening.has(key)) return;
    this.#opening.add(key);
    let opened;
    try {
      opened = await openCheckRun(context.octokit, target.repo, target.headSha, {
        externalId: externalIdFor(target.subject),
        fresh: target.fresh,
        appId: (await this.appInfo()).id,
        now: this.settings.now(),
      });
    } finally {
      this.#opening.delete(key);
    }
    if ("skip" in opened) {
      context.log.info({ headSha: target.headSha, checkRunId: opened.id, reason: opened.skip }, "check run already handled");
      return;
    }
    const job = { ...this.analysisRequest(context, target), checkRunId: opened.id, htmlUrl: context.payload.repository?.html_url ?? "", log: context.log, readAcceptances: () => this.acceptancesFor(context, target) };
    this.jobs.start(
      `check-run:${opened.id}`,
      async () => {
        await runCheck(job, this.settings);
      },
      (error) => context.log.error({ err: describeError(error), checkRunId: opened.id }, "check run could not be completed"),
    );
  }

  /** What an analysis needs from an event: its installation's client, the target and the trusted config reader. */
  analysisRequest(context: EventContext, target: CheckTarget) {
    return {
      octokit: context.octokit,
      target,
      // Probot reads the default branch only (and follows _extends); arrays in the repository's file replace the
      // organisation's instead of being appended to them.
      readConfig: () => context.config(CONFIG_FILE, undefined, { arrayMerge: (_base: unknown[], own: unknown[]) => own }),
    };
  }

  /** The acceptances recorded on the target's pull requests (for the merge queue: the pull request it is merging). */
  async acceptancesFor(context: EventContext, target: CheckTarget): Promise<Acceptance[]> {
    const numbers = target.subject.kind === "commit" ? [] : target.subject.numbers;
    const login = await this.botLogin();
    if (numbers.length === 0 || !login) return [];
    try {
      return await readAcceptances(context.octokit, target.repo, numbers, login);
    } catch (error) {
      // A queue branch can name a pull request that is gone: no acceptances, not a failure.
      if ((error as { status?: unknown }).status === 404) return [];
      throw error;
    }
  }

  /** The login the app comments as: `<slug>[bot]`. */
  async botLogin(): Promise<string | null> {
    const { slug } = await this.appInfo();
    return slug ? `${slug}[bot]` : null;
  }

  /** The external id of this app's latest run on a SHA: what it compared, for a re-run whose payload does not say. */
  async lastExternalId(octokit: EventContext["octokit"], repo: CheckTarget["repo"], headSha: string): Promise<string | null> {
    const appId = (await this.appInfo()).id;
    const { data } = await octokit.rest.checks.listForRef({
      ...repo,
      ref: headSha,
      check_name: CHECK_RUN_NAME,
      filter: "latest",
      ...(appId !== null ? { app_id: appId } : {}),
    });
    return data.check_runs[0]?.external_id ?? null;
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
