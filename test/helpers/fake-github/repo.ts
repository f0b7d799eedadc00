/** A repository of the fake: git objects, branches, pull requests, check runs, comments, collaborators. */
import { ObjectStore, toBytes, validatePath, type FlatTree } from "./git.js";
import type { FakeRepo, Permission, StoredCheckRun, StoredComment, StoredIssue } from "./types.js";

export interface PullState {
  number: number;
  headSha: string;
  baseRef: string;
  headRef: string;
  fork: boolean;
  state: "open" | "closed";
  user: string;
  id: number;
  createdAt: string;
}

/** What the fake knows about a comment besides what tests see. */
export interface CommentMeta {
  createdAt: string;
  updatedAt: string;
}

export interface RepoServices {
  nextId(kind: "repo" | "pull" | "comment" | "reaction" | "checkRun" | "checkSuite" | "issue"): number;
  now(): string;
}

export class FakeRepoImpl implements FakeRepo {
  readonly owner: string;
  readonly name: string;
  readonly id: number;
  readonly store = new ObjectStore();
  readonly branches = new Map<string, string>();
  readonly pulls = new Map<number, PullState>();
  readonly checkRuns: StoredCheckRun[] = [];
  readonly comments: StoredComment[] = [];
  readonly issues: StoredIssue[] = [];
  readonly commentMeta = new WeakMap<StoredComment, CommentMeta>();
  readonly permissions = new Map<string, Permission>();
  readonly createdAt: string;

  constructor(
    readonly fullName: string,
    readonly defaultBranch: string,
    readonly installationId: number,
    readonly services: RepoServices,
  ) {
    const [owner, name, ...rest] = fullName.split("/");
    if (!owner || !name || rest.length > 0) throw new Error(`fake-github: repository name must be "owner/name", got ${JSON.stringify(fullName)}`);
    this.owner = owner;
    this.name = name;
    this.id = services.nextId("repo");
    this.createdAt = services.now();
  }

  commit(files: Record<string, string | Uint8Array>, options: { parents?: string[]; branch?: string; message?: string } = {}): string {
    const flat: FlatTree = new Map();
    for (const [path, content] of Object.entries(files)) {
      validatePath(path);
      flat.set(path, this.store.putBlob(content));
    }
    const tipOfBranch = options.branch !== undefined ? this.branches.get(options.branch) : undefined;
    const parents = options.parents ?? (tipOfBranch ? [tipOfBranch] : []);
    return this.finishCommit(flat, parents, options);
  }

  commitChanges(parent: string, changes: Record<string, string | Uint8Array | null>, options: { branch?: string; message?: string } = {}): string {
    const flat = this.store.flatten(this.store.commit(parent).tree);
    for (const [path, content] of Object.entries(changes)) {
      validatePath(path);
      if (content === null) {
        if (!flat.delete(path)) throw new Error(`fake-github: cannot delete ${path}: not in ${parent}`);
      } else {
        flat.set(path, this.store.putBlob(toBytes(content)));
      }
    }
    return this.finishCommit(flat, [parent], options);
  }

  private finishCommit(flat: FlatTree, parents: string[], options: { branch?: string; message?: string }): string {
    const tree = this.store.putTree(flat);
    const sha = this.store.putCommit(tree, parents, options.message);
    const first = this.store.commitCount() === 1;
    if (options.branch !== undefined) this.setBranch(options.branch, sha);
    if (first && !this.branches.has(this.defaultBranch)) this.branches.set(this.defaultBranch, sha);
    return sha;
  }

  branchSha(branch: string): string {
    const sha = this.branches.get(branch);
    if (!sha) throw new Error(`fake-github: ${this.fullName} has no branch ${branch}`);
    return sha;
  }

  setBranch(branch: string, sha: string): void {
    if (!branch || branch.startsWith("/") || branch.endsWith("/") || branch.includes("..") || /[\s~^:?*[\\]/.test(branch)) {
      throw new Error(`fake-github: invalid branch name ${JSON.stringify(branch)}`);
    }
    this.store.commit(sha);
    this.branches.set(branch, sha);
  }

  addPullRequest(pr: {
    number: number;
    headSha: string;
    baseRef?: string;
    headRef?: string;
    fork?: boolean;
    state?: "open" | "closed";
    user?: string;
  }): void {
    if (!Number.isInteger(pr.number) || pr.number < 1) throw new Error(`fake-github: invalid pull request number ${pr.number}`);
    if (this.pulls.has(pr.number)) throw new Error(`fake-github: ${this.fullName} already has pull request #${pr.number}`);
    this.store.commit(pr.headSha);
    const baseRef = pr.baseRef ?? this.defaultBranch;
    this.branchSha(baseRef);
    this.pulls.set(pr.number, {
      number: pr.number,
      headSha: pr.headSha,
      baseRef,
      headRef: pr.headRef ?? `pr-${pr.number}`,
      fork: pr.fork ?? false,
      state: pr.state ?? "open",
      user: pr.user ?? "octocat",
      id: this.services.nextId("pull"),
      createdAt: this.services.now(),
    });
  }

  setPullRequestHead(number: number, headSha: string): void {
    const pr = this.pulls.get(number);
    if (!pr) throw new Error(`fake-github: ${this.fullName} has no pull request #${number}`);
    this.store.commit(headSha);
    pr.headSha = headSha;
  }

  addIssue(title: string, body: string, user: { login: string; type: "User" | "Bot" }): StoredIssue {
    const now = this.services.now();
    // Issues and pull requests share one sequence of numbers.
    const number = Math.max(0, ...this.pulls.keys(), ...this.issues.map((i) => i.number)) + 1;
    const issue: StoredIssue = {
      id: this.services.nextId("issue"),
      number,
      title,
      body,
      state: "open",
      stateReason: null,
      user,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      edits: 0,
    };
    this.issues.push(issue);
    return issue;
  }

  addComment(issueNumber: number, body: string, user: { login: string; type: "User" | "Bot" }): StoredComment {
    const now = this.services.now();
    const comment: StoredComment = { id: this.services.nextId("comment"), issue_number: issueNumber, body, user, reactions: [] };
    this.comments.push(comment);
    this.commentMeta.set(comment, { createdAt: now, updatedAt: now });
    return comment;
  }

  setPermission(user: string, permission: Permission): void {
    this.permissions.set(user.toLowerCase(), permission);
  }

  /**
   * A commit SHA for a ref as GitHub resolves one: a full or abbreviated (7+ hex) commit SHA, a branch name,
   * "heads/<branch>" or "refs/heads/<branch>". Null when nothing matches.
   */
  resolveCommit(ref: string): string | null {
    const object = this.store.get(ref.toLowerCase());
    if (object?.type === "commit") return object.sha;
    const branch = ref.replace(/^refs\//, "").replace(/^heads\//, "");
    const tip = this.branches.get(branch) ?? this.branches.get(ref);
    if (tip) return tip;
    if (/^[0-9a-f]{7,39}$/i.test(ref)) {
      const prefix = ref.toLowerCase();
      const matches = [...this.store.objects.values()].filter((o) => o.type === "commit" && o.sha.startsWith(prefix));
      if (matches.length === 1) return (matches[0] as { sha: string }).sha;
    }
    return null;
  }

  commentTimes(comment: StoredComment): CommentMeta {
    let meta = this.commentMeta.get(comment);
    if (!meta) {
      const now = this.services.now();
      meta = { createdAt: now, updatedAt: now };
      this.commentMeta.set(comment, meta);
    }
    return meta;
  }
}
