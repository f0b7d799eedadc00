/**
 * What became of the `mtls-gate` check run, as the Gate's own GitHub requests tell it: an Octokit plugin on the
 * Action's client class, so every client Probot hands the Gate (per event or per installation) reports here. It only
 * observes; requests and answers pass unchanged.
 */

const CREATE = /^\/repos\/[^/]+\/[^/]+\/check-runs$/;
const UPDATE = /^\/repos\/[^/]+\/[^/]+\/check-runs\/[^/]+$/;

export interface CompletedRun {
  id: number;
  /** Where the run shows on GitHub. */
  url: string | null;
  conclusion: string;
  title: string;
  summary: string;
}

/** The hooks Octokit offers plugins (before-after-hook), as far as this plugin uses them. */
export interface HookedClient {
  hook: {
    after(name: "request", hook: (response: { data: unknown }, options: RequestOptions) => void): void;
    error(name: "request", hook: (error: unknown, options: RequestOptions) => unknown): void;
  };
}

/** Octokit's endpoint options: method, URL template (or URL) and the parameters, body fields included. */
type RequestOptions = Record<string, unknown>;

export class CheckRunWatch {
  /** The run the Gate created. */
  created: { id: number } | null = null;
  /** GitHub's refusal to create the run (403: the token may not write checks). */
  refused: { status: number; message: string } | null = null;
  /** The last update that completed a run. */
  completed: CompletedRun | null = null;

  /** The Octokit plugin (`Octokit.plugin(watch.plugin)`). */
  readonly plugin = (octokit: HookedClient): void => {
    octokit.hook.after("request", (response, options) => this.#answered(response.data, options));
    octokit.hook.error("request", (error, options) => {
      this.#failed(error, options);
      throw error;
    });
  };

  #answered(data: unknown, options: RequestOptions): void {
    const method = String(options.method ?? "").toUpperCase();
    const path = pathOf(options.url);
    const body = data !== null && typeof data === "object" ? (data as Record<string, unknown>) : {};
    if (method === "POST" && CREATE.test(path) && typeof body.id === "number") {
      this.created = { id: body.id };
    } else if (
      method === "PATCH" &&
      UPDATE.test(path) &&
      options.status === "completed" &&
      typeof body.id === "number"
    ) {
      const output = (options.output ?? {}) as { title?: unknown; summary?: unknown };
      this.completed = {
        id: body.id,
        url: typeof body.html_url === "string" ? body.html_url : null,
        conclusion: String(options.conclusion ?? body.conclusion ?? ""),
        title: typeof output.title === "string" ? output.title : "",
        summary: typeof output.summary === "string" ? output.summary : "",
      };
    }
  }

  #failed(error: unknown, options: RequestOptions): void {
    const status = (error as { status?: unknown }).status;
    if (String(options.method ?? "").toUpperCase() === "POST" && CREATE.test(pathOf(options.url)) && status === 403) {
      this.refused = { status, message: error instanceof Error ? error.message : String(error) };
    }
  }
}

/** The path of a request's URL: a template (`/repos/{owner}/{repo}/check-runs`) or a full address. */
function pathOf(url: unknown): string {
  const text = String(url ?? "");
  const path = /^https?:\/\//.test(text) ? new URL(text).pathname.replace(/^\/api\/v3(?=\/)/, "") : text;
  return path.split("?")[0] ?? "";
}
