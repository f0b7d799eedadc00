/**
 * `npm run bench:api`: GitHub API requests for one check on a repository of 1,000 manifests, cold and after a one-file
 * push, with the default reader (tarball when many blobs are missing) and with blob-per-file reads, measured against
 * the local fake GitHub through the real app.
 */
import { BlobCache } from "../src/app/blob-cache.js";
import { pullRequestEvent, startHarness, type Harness } from "../test/app/harness.js";

const MANIFESTS = 1000;

function manifestRepository(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const team = `team-${i % 20}`;
    files[`${team}/route-${i}.yaml`] = [
      "apiVersion: getambassador.io/v3alpha1",
      "kind: Mapping",
      "metadata:",
      `  name: route-${i}`,
      `  namespace: ${team}`,
      "spec:",
      `  prefix: /route-${i}/`,
      `  service: svc-${i}:8080`,
      "",
    ].join("\n");
  }
  return files;
}

export interface ApiCallCounts {
  strategy: string;
  cold: number;
  afterPush: number;
  coldByEndpoint: Record<string, number>;
}

/** One check as the app runs it: GitHub requests (all, and writes), wall time, and the run's outcome. */
export interface CheckRunMeasurement {
  calls: number;
  /** POST/PATCH/PUT/DELETE requests: what Octokit's throttling spaces about a second apart on github.com. */
  writes: number;
  ms: number;
  byEndpoint: Record<string, number>;
  conclusion: string | null;
  annotations: number;
  /** Each annotation's rule (its title) and place: the bench checks the seeded defect is among them. */
  annotated: { title: string; path: string; line: number }[];
}

export interface CheckMeasurement {
  cold: CheckRunMeasurement;
  afterPush: CheckRunMeasurement;
  /** With `CheckScenario.replicaPush`: the first check a second app instance runs (its own caches), after the push. */
  secondReplica?: CheckRunMeasurement;
}

export interface CheckScenario {
  /** The default branch's files (the pull request's base). */
  files: Record<string, string>;
  /** The pull request's head: the base with these files replaced. */
  head: Record<string, string>;
  /** A later push to the pull request: the head with these files replaced. */
  push: Record<string, string>;
  /**
   * One more push to the pull request, checked by a second app instance against the same fake GitHub: its own blob
   * cache, render cache and analysis threads (so its own parsed-file cache), as another replica behind a load balancer
   * or a restarted process. It shares this process's compiled code, which a real replica would have warmed on its own.
   */
  replicaPush?: Record<string, string>;
  tarballThreshold?: number;
}

/**
 * Through the real app and the local fake GitHub: a pull request opened (a cold blob cache), then a push to it
 * (`synchronize`), each delivered as a webhook and timed until the check run completed.
 */
export async function measureCheck(scenario: CheckScenario): Promise<CheckMeasurement> {
  const h = await startHarness({ cache: new BlobCache(), ...(scenario.tarballThreshold !== undefined ? { tarballThreshold: scenario.tarballThreshold } : {}) });
  try {
    const base = h.repo.commit(scenario.files, { branch: "main" });
    const first = h.repo.commitChanges(base, scenario.head);
    h.repo.addPullRequest({ number: 1, headSha: first });
    const check = async (action: "opened" | "synchronize", headSha: string, app: Harness = h): Promise<CheckRunMeasurement> => {
      h.fake.reset();
      const started = performance.now();
      await app.deliver("pull_request", pullRequestEvent(h.fake, h.repo, action, { number: 1, headSha, baseSha: base }));
      const ms = performance.now() - started;
      const calls = h.fake.apiCalls();
      if (h.fake.violations.length > 0) throw new Error(`requests outside GitHub's API description: ${h.fake.violations.join("; ")}`);
      const byEndpoint: Record<string, number> = {};
      for (const call of calls) {
        const endpoint = `${call.method} ${call.operationId ?? call.path}`;
        byEndpoint[endpoint] = (byEndpoint[endpoint] ?? 0) + 1;
      }
      const run = [...h.repo.checkRuns].reverse().find((r) => r.head_sha === headSha);
      return {
        calls: calls.length,
        writes: calls.filter((c) => c.method !== "GET" && c.method !== "HEAD").length,
        ms,
        byEndpoint,
        conclusion: run?.conclusion ?? null,
        annotations: run?.annotations.length ?? 0,
        annotated: (run?.annotations ?? []).map((a) => ({ title: String(a.title), path: String(a.path), line: Number(a.start_line) })),
      };
    };
    const cold = await check("opened", first);
    const second = h.repo.commitChanges(first, scenario.push);
    const afterPush = await check("synchronize", second);
    if (!scenario.replicaPush) return { cold, afterPush };
    const replica = await startHarness({ fake: h.fake, cache: new BlobCache(), ...(scenario.tarballThreshold !== undefined ? { tarballThreshold: scenario.tarballThreshold } : {}) });
    try {
      // Delivered at once, as the first instance's cold check was: both include their analysis threads' start.
      const third = h.repo.commitChanges(second, scenario.replicaPush);
      return { cold, afterPush, secondReplica: await check("synchronize", third, replica) };
    } finally {
      await replica.close();
    }
  } finally {
    await h.close();
  }
}

export async function measure(tarballThreshold: number, strategy: string): Promise<ApiCallCounts> {
  const files = manifestRepository(MANIFESTS);
  const { cold, afterPush } = await measureCheck({
    files,
    head: { "team-1/route-1.yaml": (files["team-1/route-1.yaml"] ?? "").replace("svc-1:8080", "svc-1:8081") },
    push: { "team-2/route-2.yaml": (files["team-2/route-2.yaml"] ?? "").replace("svc-2:8080", "svc-2:8082") },
    tarballThreshold,
  });
  return { strategy, cold: cold.calls, afterPush: afterPush.calls, coldByEndpoint: cold.byEndpoint };
}

async function main(): Promise<void> {
  const results = [await measure(20, "tree + tarball when > 20 blobs missing (default)"), await measure(Number.POSITIVE_INFINITY, "tree + one request per blob")];
  console.log(`GitHub API requests for one check on ${MANIFESTS} manifests (the fake counts every request the app sends):`);
  for (const r of results) {
    console.log(`\n${r.strategy}\n  cold: ${r.cold}   after a one-file push: ${r.afterPush}`);
    for (const [endpoint, count] of Object.entries(r.coldByEndpoint).sort()) console.log(`    ${String(count).padStart(5)}  ${endpoint}`);
  }
  const [tarball, blobs] = results;
  if (tarball && blobs) console.log(`\nCold check: blob-per-file needs ${(blobs.cold / tarball.cold).toFixed(1)}x the requests of the tarball reader.`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
