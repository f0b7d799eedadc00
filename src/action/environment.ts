/** What GitHub Actions tells the Action through its environment (inputs arrive as `INPUT_<NAME>` variables). */
import { readFileSync } from "node:fs";

export interface ActionEnvironment {
  /** The `github-token` input (the workflow's GITHUB_TOKEN by default). */
  token: string;
  /** GITHUB_API_URL: https://api.github.com, https://HOST/api/v3 on GitHub Enterprise Server, or a GHE.com address. */
  apiUrl: string;
  eventName: string;
  eventPath: string;
  /** GITHUB_RUN_ID, which stands for the webhook delivery id. */
  runId: string;
}

/** The Action cannot start: a message for the log and exit code 2. */
export class ActionSetupError extends Error {}

export function readEnvironment(env: NodeJS.ProcessEnv): ActionEnvironment {
  // The runner hands a JavaScript action its `github-token` input as INPUT_GITHUB-TOKEN; GITHUB_TOKEN is what the
  // composite action passed before and what a script running the bundle by hand sets.
  const token = env["INPUT_GITHUB-TOKEN"] || env.GITHUB_TOKEN || "";
  if (!token)
    throw new ActionSetupError(
      "no token: set the action's `github-token` input (default: the workflow's GITHUB_TOKEN), or GITHUB_TOKEN",
    );
  const missing = ["GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH"].filter((name) => !env[name]);
  if (missing.length > 0) throw new ActionSetupError(`not running in GitHub Actions: ${missing.join(" and ")} not set`);
  return {
    token,
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    eventName: env.GITHUB_EVENT_NAME ?? "",
    eventPath: env.GITHUB_EVENT_PATH ?? "",
    runId: env.GITHUB_RUN_ID || "local",
  };
}

/** The event's webhook payload, from the file Actions wrote it to. */
export function readPayload(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ActionSetupError(
      `cannot read the event payload ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  try {
    const payload: unknown = JSON.parse(text);
    if (payload !== null && typeof payload === "object" && !Array.isArray(payload))
      return payload as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ActionSetupError(`the event payload ${path} is not a JSON object`);
}
