import { TarballTooLargeError } from "./github-reader.js";

/** A short description safe to show: HTTP failures by status and endpoint, anything else by its error class only. */
export function describeError(error: unknown): string {
  const status = (error as { status?: unknown }).status;
  const request = (error as { request?: { method?: string; url?: string } }).request;
  if (typeof status === "number" && request?.url) {
    const path = new URL(request.url).pathname;
    return `GitHub API answered ${status} to ${request.method ?? "a request"} ${path}`;
  }
  // Its message holds only a SHA and the limit, and names the variable that raises it.
  if (error instanceof TarballTooLargeError) return error.message;
  return error instanceof Error ? `${error.name} in the analysis` : "unknown failure";
}
