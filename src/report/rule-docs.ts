/**
 * Where a rule's documentation page lives. Pure: the adapters decide which base applies (the app's own `/docs/rules`,
 * or the project's repository at the installed version for the CLI and the Action) and pass the result to the reports.
 */

/** What a report needs to link a rule to its page and, where the format carries it (SARIF), to embed the page. */
export interface RuleDocs {
  url(ruleId: string): string;
  /** The page's Markdown (`docs/rules/<id>.md`), or undefined when it is not at hand. */
  markdown?(ruleId: string): string | undefined;
}

/**
 * The web address of a repository from package.json's `repository` field (a string or `{url}`), without `git+`, `.git`
 * or a trailing slash; null for anything that is not an http(s) URL, so that a link is never built on a guess.
 */
export function repositoryWebUrl(repository: unknown): string | null {
  const raw =
    typeof repository === "string"
      ? repository
      : typeof repository === "object" &&
          repository !== null &&
          typeof (repository as { url?: unknown }).url === "string"
        ? (repository as { url: string }).url
        : null;
  if (!raw) return null;
  const url = raw
    .replace(/^git\+/, "")
    .replace(/\.git$/, "")
    .replace(/\/+$/, "");
  return /^https?:\/\/[^\s/]+\/\S+$/.test(url) ? url : null;
}

/** `<repository>/blob/v<version>/docs/rules/<id>.md`: the page as it was for the version that produced the report. */
export function repositoryDocsUrl(repository: string, version: string, ruleId: string): string {
  return `${repository}/blob/v${encodeURIComponent(version)}/docs/rules/${encodeURIComponent(ruleId)}.md`;
}

/** `<base>/docs/rules/<id>`: the page the app serves itself (see src/app/docs-route.ts). */
export function instanceDocsUrl(baseUrl: string, ruleId: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/docs/rules/${encodeURIComponent(ruleId)}`;
}

/**
 * A deployment's public base URL (`MTLS_GATE_PUBLIC_URL`) normalised: an absolute http(s) URL with no query, fragment
 * or credentials, without its trailing slash; null when the value is not one (the caller says so rather than linking
 * to it).
 */
export function publicBaseUrl(value: string | undefined): string | null {
  if (value === undefined || value.trim() === "") return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password || url.search || url.hash)
    return null;
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}
