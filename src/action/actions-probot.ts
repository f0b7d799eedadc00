/**
 * The app under GitHub Actions: the Probot that `@probot/adapter-github-actions` bundles, authenticated with the
 * workflow's token, logging through the adapter's Actions log destination, with the app's handlers registered on it.
 *
 * The adapter's `run(app)` does this too, but a gate cannot use it as is: it logs a handler's error and resolves (the
 * step would pass); it takes the API address from GHE_HOST only (not GITHUB_API_URL, so not GHE.com); its
 * `createProbot` reads the environment down to `*.pem` files in the working directory (the checkout: two of them stop
 * it); and it takes no client class, which the check-run watch plugs into. So the same steps are taken here: a
 * token-authenticated Probot, the app function loaded on it, the event file's payload received under the run id, and
 * then, as `run` does not, the wait for the checks the handlers queued.
 */
import { loadLimitsFromEnv } from "../core/limits.js";
import { pino } from "pino";
import type { Probot } from "probot";
import {
  Probot as ActionsProbot,
  ProbotOctokit as ActionsProbotOctokit,
  type Options as ActionsProbotOptions,
} from "@probot/adapter-github-actions";
import { transport } from "@probot/adapter-github-actions/pino-transport-github-actions.js";
import type { Gate } from "../app/gate.js";
import type { GitHubClient } from "../app/github-client.js";
import { registerGate } from "../app/index.js";
import type { CheckRunWatch, HookedClient } from "./check-run-watch.js";
import type { ActionEnvironment } from "./environment.js";

export interface ActionApp {
  gate: Gate;
  /** The workflow token's client, the one the Gate's handlers get. */
  octokit: GitHubClient;
  /** Delivers the event to the app and resolves once every check it started has finished (or rejects with the handlers' errors, after that). */
  deliver(event: { id: string; name: string; payload: Record<string, unknown> }): Promise<void>;
}

export async function startActionApp(
  environment: ActionEnvironment,
  watch: CheckRunWatch,
  logLevel: string,
): Promise<ActionApp> {
  const probot = new ActionsProbot({
    githubToken: environment.token,
    baseUrl: environment.apiUrl,
    // pino 10's logger where the adapter's Probot 13 declares pino 9's: the same logger API.
    log: pino({ level: logLevel }, transport) as unknown as ActionsProbotOptions["log"],
    // Every client Probot creates (per event, per installation) is of this class, so the watch sees all their requests.
    Octokit: ActionsProbotOctokit.plugin((octokit) => watch.plugin(octokit as unknown as HookedClient)),
  });

  let gate: Gate | undefined;
  await probot.load((app) => {
    // The adapter bundles Probot 13; the app is written against Probot 14. What the Gate and its handlers use of the
    // instance (`on`, `auth`, `log`) and of its clients (REST methods, `paginate`, `config.get`) is the same in both.
    const { limits, problems } = loadLimitsFromEnv(process.env);
    if (problems.length > 0) throw new Error(problems.join("; "));
    // Rendering as in the app: the Gate finds kustomize (or kubectl) and helm on the runner's PATH, or through
    // MTLS_GATE_KUSTOMIZE / MTLS_GATE_HELM set in the workflow (test/action/rendering.test.ts).
    gate = registerGate(app as unknown as Probot, { limits });
  });
  if (!gate) throw new Error("the app function registered no gate");
  const loaded = gate;
  // Without an installation id Probot hands out its token-authenticated client: the one every event gets.
  const octokit = (await probot.auth()) as unknown as GitHubClient;

  return {
    gate: loaded,
    octokit,
    async deliver({ id, name, payload }) {
      try {
        await probot.receive({ id, name, payload } as Parameters<ActionsProbot["receive"]>[0]);
      } finally {
        // The handlers only queue the check: the process must not end before it is published.
        await loaded.idle();
      }
    },
  };
}
