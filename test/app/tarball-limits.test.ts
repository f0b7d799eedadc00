/**
 * The per-commit read limits through the real app and the fake GitHub: a tarball over `MTLS_GATE_MAX_TARBALL_BYTES` is
 * read as far as the limit and the check fails closed when a file it did not reach is one the pull request changed; a
 * file the manifest limits left out that the change did not touch is said and does not block; and the reader keeps no
 * more text than `MTLS_GATE_MAX_MANIFEST_BYTES` however much the tarball inflates to.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Octokit } from "@octokit/rest";
import { DEFAULT_LOAD_LIMITS, type LoadLimits } from "../../src/core/limits.js";
import { BlobCache } from "../../src/app/blob-cache.js";
import type { GitHubClient } from "../../src/app/github-client.js";
import { listCommit, newReadStats, readListing } from "../../src/app/github-reader.js";
import { startFakeGitHub, type FakeGitHub } from "../helpers/fake-github.js";
import { annotationsOf, pullRequestEvent, startHarness, type Harness } from "./harness.js";
import { brokenMappings, exampleRepository } from "./fixtures.js";

/** A valid manifest padded with `bytes` of hex comment lines that gzip cannot shrink much below half. */
function paddedConfigMap(name: string, bytes: number): string {
  const lines = [`apiVersion: v1`, `kind: ConfigMap`, `metadata: {name: ${name}, namespace: default}`, `data: {k: v}`];
  let seed = createHash("sha256").update(name).digest("hex");
  let size = 0;
  while (size < bytes) {
    seed = createHash("sha256").update(seed).digest("hex");
    lines.push(`# ${seed}`);
    size += seed.length + 3;
  }
  return `${lines.join("\n")}\n`;
}

/** Twenty padded files under bulk/, which sorts (and comes in the tarball) before the example's directories. */
function bulk(count = 20, bytes = 2048): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++)
    files[`bulk/file-${String(i).padStart(2, "0")}.yaml`] = paddedConfigMap(`bulk-${i}`, bytes);
  return files;
}

/** The body of the last request that completed the run: what GitHub was told. */
function completion(h: Harness, runId: number): { conclusion: string; output: { title: string; summary: string } } {
  const patches = h.fake
    .apiCalls({ method: "PATCH", path: new RegExp(`/check-runs/${runId}$`) })
    .map((r) => r.body as { status?: string; conclusion?: string; output?: { title: string; summary: string } })
    .filter((body) => body.status === "completed");
  const last = patches.at(-1);
  assert.ok(last?.conclusion && last.output, "the run was completed");
  // Markdown escapes (`MTLS\_GATE`) removed, so that the text reads as a reviewer sees it.
  const summary = last.output.summary.replace(/\\([\\`*_{}[\]()#+\-.!|])/g, "$1");
  return { conclusion: last.conclusion, output: { title: last.output.title, summary } };
}

function limited(limits: Partial<LoadLimits>): LoadLimits {
  return { ...DEFAULT_LOAD_LIMITS, ...limits };
}

describe("a commit over the per-commit read limits", { timeout: 120_000 }, () => {
  let h: Harness;
  before(async () => {
    // Every uncached file read through the tarball; 16 KiB downloaded is about half of bulk/'s 40 KiB of hex.
    h = await startHarness({ tarballThreshold: 0, gate: { limits: limited({ maxTarballBytes: 16 * 1024 }) } });
  });
  after(async () => {
    assert.deepEqual(h.fake.violations, []);
    await h.close();
  });

  it("a tarball over the cap fails closed with a message: a changed file the download never reached blocks", async () => {
    const base = h.repo.commit({ ...exampleRepository(), ...bulk() }, { branch: "main" });
    const head = h.repo.commitChanges(base, { "payments/extra.yaml": brokenMappings(2) });
    h.fake.reset();
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 1, headSha: head, baseSha: base }),
    );
    const run = h.repo.checkRuns.find((r) => r.head_sha === head);
    assert.ok(run);
    assert.equal(h.fake.apiCalls({ path: /\/tarball\// }).length, 2, "both commits were read from their tarballs");

    const sent = completion(h, run.id);
    assert.equal(sent.conclusion, "failure");
    assert.match(sent.output.title, /files skipped \(blocking\)$/);
    assert.match(
      sent.output.summary,
      /Blocks merge:.*a changed manifest file \(payments\/extra\.yaml\) was not analysed/,
    );
    assert.match(sent.output.summary, /MTLS_GATE_MAX_TARBALL_BYTES/);
    const annotations = annotationsOf(h.repo, run.id);
    const leftOut = annotations.find((a) => a.path === "payments/extra.yaml");
    assert.equal(leftOut?.title, "file-too-large");
    assert.match(String(leftOut.message), /download limit of 16,384 bytes \(MTLS_GATE_MAX_TARBALL_BYTES\)/);
    // Its broken Mappings were never read: the only thing said about the file is that it was not.
    assert.equal(annotations.filter((a) => a.title === "mapping-tls-context-not-found").length, 0);
  });

  it("a changed file the download reached is analysed, and files it did not reach are said without blocking", async () => {
    const base = h.repo.commit({ ...exampleRepository(), ...bulk() }, { branch: "main" });
    const head = h.repo.commitChanges(base, { "bulk/file-00.yaml": paddedConfigMap("bulk-0-edited", 2048) });
    h.fake.reset();
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 2, headSha: head, baseSha: base }),
    );
    const run = h.repo.checkRuns.find((r) => r.head_sha === head);
    assert.ok(run);
    const sent = completion(h, run.id);
    assert.equal(sent.conclusion, "success", sent.output.summary);
    assert.doesNotMatch(sent.output.summary, /Blocks merge/);
    assert.match(sent.output.summary, /manifest files could not be analysed \(\d+ too-large\)/);
  });

  it("a tarball over the cap of a tree GitHub cannot list fails as a whole, naming the limit", async () => {
    const base = h.repo.commit({ ...exampleRepository(), ...bulk() }, { branch: "main" });
    const head = h.repo.commitChanges(base, { "payments/extra.yaml": brokenMappings(1) });
    h.fake.treeEntryLimit = 5;
    try {
      h.fake.reset();
      await h.deliver(
        "pull_request",
        pullRequestEvent(h.fake, h.repo, "opened", { number: 3, headSha: head, baseSha: base }),
      );
    } finally {
      h.fake.treeEntryLimit = 100000;
    }
    const run = h.repo.checkRuns.find((r) => r.head_sha === head);
    assert.ok(run);
    const sent = completion(h, run.id);
    assert.equal(sent.conclusion, "failure");
    assert.equal(sent.output.title, "Repository over the tarball limit (MTLS_GATE_MAX_TARBALL_BYTES, 16,384 bytes)");
    assert.match(sent.output.summary, /could not read commit `[0-9a-f]{40}` whole/);
    assert.deepEqual(annotationsOf(h.repo, run.id), []);
  });
});

describe("a commit over the manifest limits, under the tarball's", { timeout: 120_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ tarballThreshold: 0, gate: { limits: limited({ maxManifestFiles: 3 }) } });
  });
  after(async () => {
    assert.deepEqual(h.fake.violations, []);
    await h.close();
  });

  it("an unchanged file left out is said, and does not block", async () => {
    const base = h.repo.commit({ ...bulk(5, 64), "zz/late.yaml": brokenMappings(1) }, { branch: "main" });
    const head = h.repo.commitChanges(base, { "bulk/file-00.yaml": paddedConfigMap("edited", 64) });
    h.fake.reset();
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 4, headSha: head, baseSha: base }),
    );
    const run = h.repo.checkRuns.find((r) => r.head_sha === head);
    assert.ok(run);
    const sent = completion(h, run.id);
    assert.equal(sent.conclusion, "success", sent.output.summary);
    assert.match(sent.output.summary, /3 of 6 manifest files could not be analysed \(3 too-large\)/);
    assert.doesNotMatch(sent.output.summary, /Blocks merge/);
  });

  it("a changed file left out blocks, naming MTLS_GATE_MAX_MANIFEST_FILES", async () => {
    const base = h.repo.commit({ ...bulk(5, 64), "zz/late.yaml": brokenMappings(1) }, { branch: "main" });
    const head = h.repo.commitChanges(base, { "zz/late.yaml": brokenMappings(2) });
    h.fake.reset();
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 5, headSha: head, baseSha: base }),
    );
    const run = h.repo.checkRuns.find((r) => r.head_sha === head);
    assert.ok(run);
    const sent = completion(h, run.id);
    assert.equal(sent.conclusion, "failure");
    assert.match(
      sent.output.summary,
      /Blocks merge:.*a changed manifest file \(zz\/late\.yaml\) was not analysed: the commit is over a per-commit analysis limit \(MTLS_GATE_MAX_MANIFEST_FILES\)/,
    );
    assert.match(sent.output.summary, /`zz\/late\.yaml` \(too-large\)/);
    assert.equal(sent.output.title, "No new problems · 3 pre-existing · 3 files skipped (blocking)");
  });
});

describe("what the reader keeps of a tarball", { timeout: 120_000 }, () => {
  let fake: FakeGitHub;
  before(async () => {
    fake = await startFakeGitHub();
  });
  after(async () => {
    await fake.close();
  });

  it("keeps at most MTLS_GATE_MAX_MANIFEST_BYTES of text from 100 MB of YAML in a tarball of a few hundred KiB", async (t) => {
    // 100 files of 1,000,000 bytes each, every line the same: gzip takes it to almost nothing.
    const files: Record<string, string> = {};
    const line = "# " + "x".repeat(97) + "\n";
    for (let i = 0; i < 100; i++)
      files[`generated/part-${String(i).padStart(3, "0")}.yaml`] = `kind: ConfigMap\n${line.repeat(9_999)}`.padEnd(
        1_000_000,
        "#",
      );
    const repo = fake.createRepo("acme/huge", { defaultBranch: "main", installationId: 1 });
    const sha = repo.commit(files, { branch: "main" });
    const octokit = new Octokit({ baseUrl: fake.url, auth: "token" }) as unknown as GitHubClient;
    const ref = { owner: "acme", repo: "huge" };
    const maxManifestBytes = 8 * 1024 * 1024;
    const stats = newReadStats();
    const listing = await listCommit(octokit, ref, sha, stats);
    const heapBefore = process.memoryUsage().heapUsed;
    const snapshot = await readListing(
      octokit,
      ref,
      listing,
      {
        cache: new BlobCache(1024 * 1024),
        maxFileBytes: DEFAULT_LOAD_LIMITS.maxFileBytes,
        tarballThreshold: 0,
        concurrency: 4,
        limits: { ...DEFAULT_LOAD_LIMITS, maxManifestBytes },
        inScope: () => true,
      },
      stats,
    );
    const heapAfter = process.memoryUsage().heapUsed;
    const keptChars = snapshot.files.reduce((sum, f) => sum + f.text.length, 0);
    const kept = snapshot.files.filter((f) => f.text !== "").length;
    t.diagnostic(
      `tarball ${stats.tarballBytes} bytes downloaded; kept ${kept} files, ${keptChars} characters of text ` +
        `(limit ${maxManifestBytes}); ${stats.filesLeftOut} left out; heap +${Math.round((heapAfter - heapBefore) / 1024 / 1024)} MiB`,
    );
    assert.equal(stats.tarballRequests, 1);
    assert.ok(stats.tarballBytes < 1024 * 1024, `${stats.tarballBytes} bytes downloaded`);
    assert.equal(kept, 8, "the first 8 files in path order fit in 8 MiB");
    assert.ok(keptChars <= maxManifestBytes);
    assert.equal(stats.filesLeftOut, 92);
    assert.deepEqual(
      snapshot.files.filter((f) => f.unread === "manifest-limits").map((f) => f.path)[0],
      "generated/part-008.yaml",
    );
    assert.equal(snapshot.blobs.size, 100, "every file still has its blob SHA, for change detection");
    assert.equal(
      snapshot.blobs.get("generated/part-050.yaml"),
      listing.entries?.find((e) => e.path === "generated/part-050.yaml")?.sha,
    );
  });
});
