/**
 * `npm run bench:api`: GitHub API requests for one check on a repository of 1,000 manifests, cold and after a one-file
 * push, with the default reader (tarball when many blobs are missing) and with blob-per-file reads, measured against
 * the local fake GitHub through the real app.
 */
import { BlobCache } from "../src/app/blob-cache.js";
import { pullRequestEvent, startHarness } from "../test/app/harness.js";

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

export async function measure(tarballThreshold: number, strategy: string): Promise<ApiCallCounts> {
  const h = await startHarness({ cache: new BlobCache(), tarballThreshold });
  try {
    const files = manifestRepository(MANIFESTS);
    const base = h.repo.commit(files, { branch: "main" });
    const first = h.repo.commitChanges(base, { "team-1/route-1.yaml": (files["team-1/route-1.yaml"] ?? "").replace("svc-1:8080", "svc-1:8081") });
    h.repo.addPullRequest({ number: 1, headSha: first });
    h.fake.reset();
    await h.deliver("pull_request", pullRequestEvent(h.fake, h.repo, "opened", { number: 1, headSha: first, baseSha: base }));
    const coldCalls = h.fake.apiCalls();

    const second = h.repo.commitChanges(first, { "team-2/route-2.yaml": (files["team-2/route-2.yaml"] ?? "").replace("svc-2:8080", "svc-2:8082") });
    h.fake.reset();
    await h.deliver("pull_request", pullRequestEvent(h.fake, h.repo, "synchronize", { number: 1, headSha: second, baseSha: base }));
    const pushCalls = h.fake.apiCalls();

    const coldByEndpoint: Record<string, number> = {};
    for (const call of coldCalls) {
      const endpoint = `${call.method} ${call.operationId ?? call.path}`;
      coldByEndpoint[endpoint] = (coldByEndpoint[endpoint] ?? 0) + 1;
    }
    if (h.fake.violations.length > 0) throw new Error(`requests outside GitHub's API description: ${h.fake.violations.join("; ")}`);
    return { strategy, cold: coldCalls.length, afterPush: pushCalls.length, coldByEndpoint };
  } finally {
    await h.close();
  }
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
