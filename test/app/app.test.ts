import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Octokit } from "@octokit/rest";
import {
  annotationsOf,
  checkRunRerequestedEvent,
  checkSuiteRerequestedEvent,
  mergeGroupEvent,
  pullRequestEvent,
  startHarness,
  type Harness,
} from "./harness.js";
import { brokenMappings, exampleRepository } from "./fixtures.js";

const TYPO_FIX = ["tls: report-context", "tls: reports-context"] as const;

/** The example repository with its one pre-existing error fixed, so tests can introduce their own. */
function cleanBase(): Record<string, string> {
  const files = exampleRepository();
  files["edge/mappings.yaml"] = (files["edge/mappings.yaml"] ?? "").replace(...TYPO_FIX);
  return files;
}

/**
 * A head that deletes the upstream client Secret as a person does in this kustomize repository: the file and its entry
 * in payments/kustomization.yaml (kustomize renders the rest; the TLSContext still names the Secret).
 */
function deleteUpstreamSecret(h: Harness, base: string): string {
  const kustomization = cleanBase()["payments/kustomization.yaml"] ?? "";
  assert.match(kustomization, /\n {2}- secret-upstream-certs\.yaml\n/);
  return h.repo.commitChanges(base, {
    "payments/secret-upstream-certs.yaml": null,
    "payments/kustomization.yaml": kustomization.replace("  - secret-upstream-certs.yaml\n", ""),
  });
}

function lastRun(h: Harness) {
  const run = h.repo.checkRuns.at(-1);
  assert.ok(run, "a check run was created");
  return run;
}

function assertValidRequests(h: Harness) {
  assert.deepEqual(h.fake.violations, [], "every request matches GitHub's OpenAPI description");
}

describe("pull_request", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    assertValidRequests(h);
    await h.close();
  });

  it("passes a clean change and lists the changed route", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const files = cleanBase();
    files["payments/mappings.yaml"] = (files["payments/mappings.yaml"] ?? "").replace(
      "prefix: /payments/healthz",
      "prefix: /payments/health",
    );
    const head = h.repo.commit(files, { parents: [base] });
    h.repo.addPullRequest({ number: 1, headSha: head });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 1, headSha: head, baseSha: base }),
    );

    const run = lastRun(h);
    assert.equal(run.name, "mtls-gate");
    assert.equal(run.head_sha, head);
    assert.equal(run.status, "completed");
    assert.equal(run.conclusion, "success");
    assert.equal(run.external_id, `pr:1@${base}`, "the run records what it compared: pull request and base");
    assert.deepEqual(annotationsOf(h.repo, run.id), []);
    assert.match(run.output.summary ?? "", /payments\/payments-health/);
  });

  it("fails a change that breaks a TLS reference, with the annotation on the tls: line", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const files = cleanBase();
    files["payments/mappings.yaml"] = (files["payments/mappings.yaml"] ?? "").replace(
      "tls: upstream-context",
      "tls: upstream-contxt",
    );
    const head = h.repo.commit(files, { parents: [base] });
    h.repo.addPullRequest({ number: 2, headSha: head });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 2, headSha: head, baseSha: base }),
    );

    const run = lastRun(h);
    assert.equal(run.conclusion, "failure");
    const annotations = annotationsOf(h.repo, run.id);
    const broken = annotations.find((a) => a.title === "mapping-tls-context-not-found");
    assert.ok(broken, JSON.stringify(annotations));
    assert.equal(broken.path, "payments/mappings.yaml");
    assert.equal(broken.start_line, 11);
    assert.equal(broken.annotation_level, "failure");
    // The downgrade of the route that now sends cleartext is a consequence of the typo: listed on its annotation, once.
    assert.match(String(broken.message), /Consequences on this route:\n- mtls-downgrade \(error\)/);
    assert.ok(!annotations.some((a) => a.title === "mtls-downgrade"), "not a second annotation for the same cause");
    assert.match(run.output.summary ?? "", /mtls.*plaintext/);
  });

  it("does not block on a pre-existing error, and counts it", async () => {
    const base = h.repo.commit(exampleRepository(), { branch: "main" });
    const files = exampleRepository();
    files["payments/mappings.yaml"] = (files["payments/mappings.yaml"] ?? "").replace(
      "rewrite: /healthz",
      "rewrite: /health",
    );
    const head = h.repo.commit(files, { parents: [base] });
    h.repo.addPullRequest({ number: 3, headSha: head });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "synchronize", { number: 3, headSha: head, baseSha: base }),
    );

    const run = lastRun(h);
    assert.equal(run.conclusion, "success");
    assert.deepEqual(annotationsOf(h.repo, run.id), []);
    assert.match(run.output.summary ?? "", /pre-existing/i);
  });

  it("annotates where a deleted Secret breaks a TLSContext in an untouched file", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const head = deleteUpstreamSecret(h, base);
    h.repo.addPullRequest({ number: 4, headSha: head });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 4, headSha: head, baseSha: base }),
    );

    const run = lastRun(h);
    assert.equal(run.conclusion, "failure");
    const notFound = annotationsOf(h.repo, run.id).find((a) => a.title === "tls-context-secret-not-found");
    assert.ok(notFound);
    assert.equal(notFound.path, "payments/tlscontext.yaml");
    assert.equal(notFound.start_line, 9);
    assert.match(
      run.output.summary ?? "",
      /payments\/secret-upstream-certs\.yaml/,
      "the deleted file is named in the summary",
    );
    assert.match(run.output.summary ?? "", /outside/i);
  });

  it("a deleted file its kustomization still lists: the render fails and blocks, and nothing is passed unseen", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const head = h.repo.commitChanges(base, { "payments/secret-upstream-certs.yaml": null });
    h.repo.addPullRequest({ number: 15, headSha: head });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 15, headSha: head, baseSha: base }),
    );

    const run = lastRun(h);
    assert.equal(run.head_sha, head);
    assert.equal(run.conclusion, "failure");
    // `kustomize build` of the root fails as the deployment's would: one blocking finding on the root kustomization.
    const annotations = annotationsOf(h.repo, run.id);
    assert.deepEqual(
      annotations.map((a) => [a.title, a.path, a.start_line, a.annotation_level]),
      [["render-failed", "kustomization.yaml", 1, "failure"]],
    );
    assert.match(String(annotations[0]?.message), /secret-upstream-certs\.yaml/);
    const summary = run.output.summary ?? "";
    assert.match(summary, /payments\/secret-upstream-certs\.yaml/, "the deleted file is named in the summary");
    // What was not rendered is said, and the gate's own policy file is not a manifest left unrendered.
    assert.match(summary, /not-rendered/);
    assert.doesNotMatch(summary, /mtls-gate\.yml/);
  });

  it("sends more than 50 annotations in batches of at most 50", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const head = h.repo.commitChanges(base, { "payments/broken.yaml": brokenMappings(120) });
    h.repo.addPullRequest({ number: 5, headSha: head });
    h.fake.reset();
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 5, headSha: head, baseSha: base }),
    );

    const run = lastRun(h);
    assert.equal(run.conclusion, "failure");
    const notFound = annotationsOf(h.repo, run.id).filter((a) => a.title === "mapping-tls-context-not-found");
    assert.equal(notFound.length, 120);
    const patches = h.fake.apiCalls({ method: "PATCH", path: /\/check-runs\/\d+$/ });
    for (const patch of patches) {
      const annotations = ((patch.body as { output?: { annotations?: unknown[] } }).output?.annotations ?? []).length;
      assert.ok(annotations <= 50, `a request carried ${annotations} annotations`);
    }
    const last = patches.at(-1)?.body as { status?: string; conclusion?: string };
    assert.equal(last.conclusion, "failure", "the conclusion goes out with the last batch");
    assert.ok(patches.slice(0, -1).every((p) => (p.body as { conclusion?: string }).conclusion === undefined));
  });

  it("says so and passes when no manifest changed, without reading any blob", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const head = h.repo.commitChanges(base, { "docs/README.md": "# hello\n" });
    h.repo.addPullRequest({ number: 6, headSha: head });
    h.fake.reset();
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 6, headSha: head, baseSha: base }),
    );

    const run = lastRun(h);
    assert.equal(run.conclusion, "success");
    assert.match(run.output.summary ?? "", /no Kubernetes manifests/i);
    assert.equal(h.fake.apiCalls({ path: /\/git\/blobs\// }).length, 0);
  });

  it("checks a fork's pull request through the base repository", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const files = cleanBase();
    files["edge/tlscontexts.yaml"] = (files["edge/tlscontexts.yaml"] ?? "").replace(
      "name: reports-context",
      "name: reports-ctx",
    );
    const head = h.repo.commit(files, { parents: [base] });
    h.repo.addPullRequest({ number: 7, headSha: head, fork: true });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 7, headSha: head, baseSha: base, fork: true }),
    );

    const run = lastRun(h);
    assert.equal(run.head_sha, head);
    assert.equal(run.conclusion, "failure");
    assert.ok(
      annotationsOf(h.repo, run.id).some(
        (a) => a.title === "mapping-tls-context-not-found" && a.path === "edge/mappings.yaml",
      ),
    );
  });

  it("completes a superseded head's run as cancelled when a push replaces it", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const first = h.repo.commitChanges(base, { "payments/extra.yaml": brokenMappings(1) });
    const second = h.repo.commitChanges(first, { "payments/extra.yaml": brokenMappings(2) });
    h.repo.addPullRequest({ number: 13, headSha: second });
    // Both pushes arrive before the first analysis ends.
    await h.probot.receive({
      id: "push-1",
      name: "pull_request",
      payload: pullRequestEvent(h.fake, h.repo, "opened", { number: 13, headSha: first, baseSha: base }),
    } as Parameters<typeof h.probot.receive>[0]);
    await h.probot.receive({
      id: "push-2",
      name: "pull_request",
      payload: pullRequestEvent(h.fake, h.repo, "synchronize", { number: 13, headSha: second, baseSha: base }),
    } as Parameters<typeof h.probot.receive>[0]);
    await h.gate.idle();

    const old = h.repo.checkRuns.find((r) => r.head_sha === first);
    assert.equal(old?.status, "completed");
    assert.equal(old?.conclusion, "cancelled");
    assert.equal(old?.output.title, `Superseded by ${second.slice(0, 7)}`);
    assert.deepEqual(old?.annotations, []);
    const current = h.repo.checkRuns.find((r) => r.head_sha === second);
    assert.equal(current?.conclusion, "failure");
  });

  it("replaces a run a dead worker left half-published instead of appending its annotations twice", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const head = h.repo.commitChanges(base, { "payments/extra.yaml": brokenMappings(1) });
    // What a worker killed between two annotation batches leaves: an in-progress run with some annotations.
    const github = new Octokit({ baseUrl: h.fake.url, auth: "token" });
    const { data: left } = await github.rest.checks.create({
      owner: h.repo.owner,
      repo: h.repo.name,
      name: "mtls-gate",
      head_sha: head,
      status: "in_progress",
      external_id: `pr:14@${base}`,
      output: {
        title: "Analysing",
        summary: "…",
        annotations: [
          {
            path: "payments/extra.yaml",
            start_line: 9,
            end_line: 9,
            annotation_level: "failure",
            message: "x",
            title: "mapping-tls-context-not-found",
          },
        ],
      },
    });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 14, headSha: head, baseSha: base }),
    );

    const runs = h.repo.checkRuns.filter((r) => r.head_sha === head);
    assert.equal(runs.length, 2);
    assert.equal(runs.find((r) => r.id === left.id)?.conclusion, "cancelled");
    const fresh = runs.find((r) => r.id !== left.id);
    assert.equal(fresh?.conclusion, "failure");
    assert.equal(fresh?.annotations.filter((a) => a.title === "mapping-tls-context-not-found").length, 1);
  });

  it("creates one check run for a redelivered event", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const head = h.repo.commitChanges(base, { "payments/extra.yaml": brokenMappings(1) });
    h.repo.addPullRequest({ number: 8, headSha: head });
    const event = pullRequestEvent(h.fake, h.repo, "opened", { number: 8, headSha: head, baseSha: base });
    await h.deliver("pull_request", event);
    await h.deliver("pull_request", event);
    await Promise.all([h.deliver("pull_request", event), h.deliver("pull_request", event)]);

    const runs = h.repo.checkRuns.filter((r) => r.head_sha === head);
    assert.equal(runs.length, 1);
    assert.equal(
      runs[0]?.annotations.filter((a) => a.title === "mapping-tls-context-not-found").length,
      1,
      "annotations are not appended twice",
    );
  });
});

describe("re-runs and the merge queue", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    assertValidRequests(h);
    await h.close();
  });

  it("re-runs a fork's check run (no pull requests in the payload) as a new run against the same base", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const head = h.repo.commitChanges(base, { "payments/extra.yaml": brokenMappings(2) });
    h.repo.addPullRequest({ number: 11, headSha: head, fork: true });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 11, headSha: head, baseSha: base, fork: true }),
    );
    const first = lastRun(h);

    await h.deliver(
      "check_run",
      checkRunRerequestedEvent(h.fake, h.repo, {
        id: first.id,
        headSha: head,
        externalId: first.external_id,
        pullNumbers: [],
      }),
    );
    const second = lastRun(h);
    assert.notEqual(second.id, first.id);
    assert.equal(second.conclusion, "failure");
    assert.equal(second.external_id, `pr:11@${base}`);
    assert.equal(annotationsOf(h.repo, second.id).length, annotationsOf(h.repo, first.id).length);
  });

  it("re-runs all checks of a suite whose pull request is found by its head SHA", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const head = h.repo.commitChanges(base, { "payments/extra.yaml": brokenMappings(1) });
    h.repo.addPullRequest({ number: 12, headSha: head, fork: true });
    await h.deliver("check_suite", checkSuiteRerequestedEvent(h.fake, h.repo, { headSha: head, pullNumbers: [] }));

    const run = lastRun(h);
    assert.equal(run.head_sha, head);
    assert.equal(run.external_id, `pr:12@${base}`);
    assert.equal(run.conclusion, "failure");
  });

  it("analyses the merge queue's combined commit for real", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const head = deleteUpstreamSecret(h, base);
    await h.deliver("merge_group", mergeGroupEvent(h.fake, h.repo, { headSha: head, baseSha: base }));

    const run = lastRun(h);
    assert.equal(run.head_sha, head);
    assert.equal(run.conclusion, "failure");
    assert.equal(run.external_id, `merge_group:${base}:main:pr:7`);
    assert.ok(annotationsOf(h.repo, run.id).some((a) => a.title === "tls-context-secret-not-found"));
  });
});

describe("configuration", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    assertValidRequests(h);
    await h.close();
  });

  it("fails with a clear message when the default branch's configuration is invalid", async () => {
    const files = cleanBase();
    files[".github/mtls-gate.yml"] = "failOn: errors\nscope: introduced\n";
    const base = h.repo.commit(files, { branch: "main" });
    const head = h.repo.commitChanges(base, { "payments/extra.yaml": "# nothing yet\n" });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 21, headSha: head, baseSha: base }),
    );

    const run = lastRun(h);
    assert.equal(run.conclusion, "failure");
    assert.match(run.output.title ?? "", /configuration/i);
    assert.match(run.output.summary ?? "", /failOn/);
  });

  it("blocks on pre-existing errors too with scope: all", async () => {
    const files = exampleRepository();
    files[".github/mtls-gate.yml"] = (files[".github/mtls-gate.yml"] ?? "").replace("scope: introduced", "scope: all");
    const base = h.repo.commit(files, { branch: "main" });
    const head = h.repo.commitChanges(base, {
      "payments/mappings.yaml": (files["payments/mappings.yaml"] ?? "").replace(
        "rewrite: /healthz",
        "rewrite: /health",
      ),
    });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 23, headSha: head, baseSha: base }),
    );

    const run = lastRun(h);
    assert.equal(run.conclusion, "failure");
    const typo = annotationsOf(h.repo, run.id).find((a) => a.title === "mapping-tls-context-not-found");
    assert.equal(typo?.path, "edge/mappings.yaml", "the pre-existing error is annotated because it blocks");
  });

  it("takes organisation defaults from the .github repository when the repository has no file", async () => {
    const org = h.fake.createRepo("acme/.github", { defaultBranch: "main", installationId: 1 });
    org.commit({ ".github/mtls-gate.yml": "failOn: warning\n" }, { branch: "main" });
    const files = cleanBase();
    delete files[".github/mtls-gate.yml"];
    const base = h.repo.commit(files, { branch: "main" });
    // A plain Secret with a private key: a warning, which blocks only under the organisation's failOn: warning.
    const head = h.repo.commitChanges(base, {
      "payments/another-secret.yaml": (files["payments/secret-upstream-certs.yaml"] ?? "")
        .replace(/name: upstream-certs/, "name: another-certs")
        .replace(/\n {2}annotations:\n {4}mtls-gate\.io\/ignore:.*\n/, "\n"),
    });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 24, headSha: head, baseSha: base }),
    );

    const run = lastRun(h);
    const warning = annotationsOf(h.repo, run.id).find((a) => a.title === "secret-private-key-in-git");
    assert.equal(warning?.annotation_level, "warning", JSON.stringify(annotationsOf(h.repo, run.id)));
    assert.equal(run.conclusion, "failure");
  });

  it("annotates a pull request's broken configuration change but judges with the default branch's", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const files = cleanBase();
    // The pull request tries to switch the gate off and misspells a key on the way.
    files[".github/mtls-gate.yml"] = (files[".github/mtls-gate.yml"] ?? "").replace(
      "failOn: error",
      "failOn: warning\nfail_on: never",
    );
    files["payments/mappings.yaml"] = (files["payments/mappings.yaml"] ?? "").replace(
      "tls: upstream-context",
      "tls: nope",
    );
    const head = h.repo.commit(files, { parents: [base] });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 22, headSha: head, baseSha: base }),
    );

    const run = lastRun(h);
    assert.equal(run.conclusion, "failure");
    const annotations = annotationsOf(h.repo, run.id);
    const policy = annotations.find((a) => a.title === "policy-invalid");
    assert.ok(policy, JSON.stringify(annotations.map((a) => a.title)));
    assert.equal(policy.path, ".github/mtls-gate.yml");
    assert.equal(policy.start_line, 3);
    assert.ok(annotations.some((a) => a.title === "mapping-tls-context-not-found"));
  });
});

describe("GitHub failures", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    assertValidRequests(h);
    await h.close();
  });

  it("retries a 5xx answer and completes normally", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const head = h.repo.commitChanges(base, { "payments/extra.yaml": brokenMappings(1) });
    h.fake.failNext({ method: "GET", path: /\/git\/trees\// }, 502);
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 31, headSha: head, baseSha: base }),
    );

    const run = lastRun(h);
    assert.equal(run.conclusion, "failure");
    assert.ok(annotationsOf(h.repo, run.id).some((a) => a.title === "mapping-tls-context-not-found"));
    assert.ok(h.fake.requests.some((r) => r.status === 502));
  });

  it("completes the run as an internal-error failure when GitHub keeps failing", async () => {
    const base = h.repo.commit(cleanBase(), { branch: "main" });
    const head = h.repo.commitChanges(base, { "payments/extra.yaml": "# x\n" });
    h.fake.failNext({ method: "GET", path: /\/git\/trees\// }, 503, 100);
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 32, headSha: head, baseSha: base }),
    );

    const run = lastRun(h);
    assert.equal(run.status, "completed");
    assert.equal(run.conclusion, "failure");
    assert.match(run.output.title ?? "", /^Internal error/);
    assert.match(run.output.summary ?? "", /503/);
  });
});
