import type { Context, Probot } from "probot";
import { CHECK_RUN_NAME } from "../report/check-run.js";
import { BlobCache } from "./blob-cache.js";
import { openCheckRun } from "./check-run-publisher.js";
import { externalIdFor, type CheckTarget } from "./check-target.js";
import { JobQueue } from "./job-queue.js";
import { ruleDocsUrl } from "./links.js";
import { DEFAULT_READER, describeError, runCheck, type GateSettings } from "./run-check.js";
import { CONFIG_FILE } from "./trusted-config.js";

type EventContext = Context<"pull_request" | "check_run" | "check_suite" | "merge_group">;

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
  #appId: Promise<number | null> | null = null;

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
        appId: await this.appId(),
        now: this.settings.now(),
      });
    } finally {
      this.#opening.delete(key);
    }
    if ("skip" in opened) {
      context.log.info({ headSha: target.headSha, checkRunId: opened.id, reason: opened.skip }, "check run already handled");
      return;
    }
    const job = {
      octokit: context.octokit,
      target,
      checkRunId: opened.id,
      // Probot reads the default branch only (and follows _extends); arrays in the repository's file replace the
      // organisation's instead of being appended to them.
      readConfig: () => context.config(CONFIG_FILE, undefined, { arrayMerge: (_base: unknown[], own: unknown[]) => own }),
      htmlUrl: context.payload.repository?.html_url ?? "",
      log: context.log,
    };
    this.jobs.start(
      `check-run:${opened.id}`,
      async () => {
        await runCheck(job, this.settings);
      },
      (error) => context.log.error({ err: describeError(error), checkRunId: opened.id }, "check run could not be completed"),
    );
  }

  /** The external id of this app's latest run on a SHA: what it compared, for a re-run whose payload does not say. */
  async lastExternalId(octokit: EventContext["octokit"], repo: CheckTarget["repo"], headSha: string): Promise<string | null> {
    const appId = await this.appId();
    const { data } = await octokit.rest.checks.listForRef({
      ...repo,
      ref: headSha,
      check_name: CHECK_RUN_NAME,
      filter: "latest",
      ...(appId !== null ? { app_id: appId } : {}),
    });
    return data.check_runs[0]?.external_id ?? null;
  }

  /** The app's id, to recognise its own runs; looked up once. Null if GitHub would not say (then runs match by name). */
  appId(): Promise<number | null> {
    this.#appId ??= this.app
      .auth()
      .then((octokit) => octokit.rest.apps.getAuthenticated())
      .then(({ data }) => data?.id ?? null)
      .catch(() => {
        this.#appId = null;
        return null;
      });
    return this.#appId;
  }
}
