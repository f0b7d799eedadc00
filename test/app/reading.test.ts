import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BlobCache } from "../../src/app/blob-cache.js";
import { measure } from "../../bench/api-calls.js";
import { annotationsOf, pullRequestEvent, startHarness, type Harness } from "./harness.js";
import { brokenMappings, exampleRepository } from "./fixtures.js";

describe("reading the repository", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ cache: new BlobCache() });
  });
  after(async () => {
    assert.deepEqual(h.fake.violations, []);
    await h.close();
  });

  it("answers the webhook at once; the run shows in progress until the analysis ends", async () => {
    // The first tree read fails once and is retried after 400 ms: the analysis is certainly still running.
    const slow = await startHarness({ retryBaseMs: 400 });
    try {
      const base = slow.repo.commit(exampleRepository(), { branch: "main" });
      const head = slow.repo.commitChanges(base, { "payments/extra.yaml": brokenMappings(1) });
      slow.fake.failNext({ method: "GET", path: /\/git\/trees\// }, 502);
      const payload = pullRequestEvent(slow.fake, slow.repo, "opened", { number: 1, headSha: head, baseSha: base });
      await slow.probot.receive({ id: "fast-ack", name: "pull_request", payload } as Parameters<
        typeof slow.probot.receive
      >[0]);
      // The webhook is answered before the analysis ends: nothing is completed yet.
      assert.ok(!slow.repo.checkRuns.some((r) => r.head_sha === head && r.status === "completed"));
      for (let i = 0; i < 100 && !slow.repo.checkRuns.some((r) => r.head_sha === head); i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const run = slow.repo.checkRuns.find((r) => r.head_sha === head);
      assert.equal(run?.status, "in_progress", "the run shows in progress while the analysis waits");
      await slow.gate.idle();
      assert.equal(run?.status, "completed");
      assert.equal(run?.conclusion, "failure");
    } finally {
      await slow.close();
    }
  });

  it("reads a tree GitHub truncates through the tarball, losing no file", async () => {
    const files = exampleRepository();
    const base = h.repo.commit(files, { branch: "main" });
    const head = h.repo.commitChanges(base, { "payments/extra.yaml": brokenMappings(3) });
    h.fake.treeEntryLimit = 5;
    try {
      h.fake.reset();
      await h.deliver(
        "pull_request",
        pullRequestEvent(h.fake, h.repo, "opened", { number: 2, headSha: head, baseSha: base }),
      );
    } finally {
      h.fake.treeEntryLimit = 100000;
    }
    const run = h.repo.checkRuns.find((r) => r.head_sha === head);
    assert.equal(run?.conclusion, "failure");
    assert.equal(
      annotationsOf(h.repo, run?.id ?? 0).filter((a) => a.title === "mapping-tls-context-not-found").length,
      3,
    );
    assert.equal(h.fake.apiCalls({ path: /\/tarball\// }).length, 2, "both commits came from their tarballs");
  });

  it("reports a manifest over the size limit without downloading it", async () => {
    const base = h.repo.commit(exampleRepository(), { branch: "main" });
    const huge = "# padding\n".repeat(120_000);
    const head = h.repo.commitChanges(base, { "payments/huge.yaml": huge });
    h.fake.reset();
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 3, headSha: head, baseSha: base }),
    );
    const run = h.repo.checkRuns.find((r) => r.head_sha === head);
    const tooLarge = annotationsOf(h.repo, run?.id ?? 0).find((a) => a.title === "file-too-large");
    assert.ok(tooLarge, "the file is reported");
    assert.equal(tooLarge.path, "payments/huge.yaml");
    assert.equal(h.fake.apiCalls({ path: /\/git\/blobs\// }).length, 0, "its blob was never requested");
  });

  it("never sends key material or Secret data to GitHub or the logs", async () => {
    const files = exampleRepository();
    const secretValues = Object.entries(files)
      .filter(([path]) => /secret/.test(path))
      .flatMap(([, text]) =>
        [...text.matchAll(/^\s+[\w.-]+:\s+([A-Za-z0-9+/=]{40,})\s*$/gm)].map((m) => (m[1] ?? "").slice(0, 32)),
      );
    assert.ok(secretValues.length >= 3, "the example holds Secret data to look for");
    const base = h.repo.commit(files, { branch: "main" });
    // Break every Secret's use: key material is everywhere in the findings' neighbourhood.
    const head = h.repo.commitChanges(base, {
      "payments/tlscontext.yaml": (files["payments/tlscontext.yaml"] ?? "").replace(
        "secret: upstream-certs",
        "secret: upstream-cert",
      ),
    });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 4, headSha: head, baseSha: base }),
    );
    const sent = h.fake.requests.filter((r) => r.method !== "GET").map((r) => JSON.stringify(r.body));
    const everything = [...sent, ...h.logs].join("\n");
    assert.doesNotMatch(everything, /PRIVATE KEY|BEGIN CERTIFICATE/);
    for (const value of secretValues) assert.ok(!everything.includes(value), "no Secret data value leaves the process");
  });
});

describe("GitHub API requests for a 1,000-manifest repository", { timeout: 120_000 }, () => {
  it("a cold check costs a dozen requests and a one-file push fewer, thanks to the tarball and the blob cache", async () => {
    const counts = await measure(20, "default");
    // One of them lists the head's runs at publish time: the verdicts of other pull requests with the same head.
    assert.ok(counts.cold <= 13, `cold: ${counts.cold} requests`);
    assert.ok(counts.afterPush <= 11, `after a push: ${counts.afterPush} requests`);
    assert.equal(counts.coldByEndpoint["GET checks/list-for-ref"], 2, "one listing to open the run, one to publish");
    assert.equal(counts.coldByEndpoint["GET repos/download-tarball-archive"], 1);
  });
});
