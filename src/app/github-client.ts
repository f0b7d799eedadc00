import type { Context } from "probot";

/** The installation-authenticated Octokit Probot hands to every event. */
export type GitHubClient = Context["octokit"];

export interface RepoRef {
  owner: string;
  repo: string;
}
