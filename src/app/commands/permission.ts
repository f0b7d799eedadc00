import { REPOSITORY_PERMISSIONS, type RepositoryPermission } from "../../core/policy/policy.js";
import { permissionAtLeast } from "../../core/verdict.js";
import type { GitHubClient, RepoRef } from "../github-client.js";

export type Permission = RepositoryPermission | "none";

/**
 * A user's role on the repository, from the collaborator permission API (a comment's author_association is not a
 * permission). `role_name` tells maintain and triage apart; the legacy `permission` field folds them into write/read.
 */
export async function permissionOf(octokit: GitHubClient, repo: RepoRef, username: string): Promise<Permission> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username });
    const role = (data.role_name || data.permission) as string;
    return (REPOSITORY_PERMISSIONS as readonly string[]).includes(role) ? (role as RepositoryPermission) : "none";
  } catch (error) {
    // GitHub answers 404 for users who are not collaborators at all.
    if ((error as { status?: unknown }).status === 404) return "none";
    throw error;
  }
}

export function atLeast(has: Permission, needed: RepositoryPermission): boolean {
  return permissionAtLeast(has, needed);
}
