/**
 * Issue 19 through the real app and the fake GitHub: scans of the default branch (push, schedule, the dashboard's
 * re-scan box), the dashboard issue's life (created, edited in place, closed on renewal, reopened), forged dashboards
 * ignored, an idle repository's cost, `/metrics` parsed as Prometheus text, and two replicas on a real Redis scanning 50
 * repositories exactly once per period. Certificates are made with OpenSSL at the start, so "10 days left" is measured
 * against a clock the test sets.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { metricsHandler } from "../../src/app/metrics.js";
import { dashboardMarker } from "../../src/app/watch/dashboard-issue.js";
import { DASHBOARD_TITLE } from "../../src/report/dashboard.js";
import { startFakeGitHub, type FakeGitHub, type FakeRepo } from "../helpers/fake-github.js";
import { userId } from "../helpers/fake-github/objects.js";
import { examplePayload, repositoryPayload, startHarness, type Harness } from "./harness.js";
import { startRedis, waitFor } from "./processes.js";

const DAY = 86_400_000;
const b64 = (text: string) => Buffer.from(text).toString("base64");

interface Made {
  ca: string;
  a: string;
  aKey: string;
  b: string;
  bKey: string;
  /** notAfter of each, ms. */
  caEnd: number;
  aEnd: number;
  bEnd: number;
}

/** A CA (10 years), a client certificate valid 40 days (`a`) and one valid 400 days (`b`), issued now. */
function makeCertificates(): Made {
  const dir = mkdtempSync(join(tmpdir(), "mtls-gate-watch-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  try {
    run(
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "3650",
      "-subj",
      "/O=Partner/CN=Partner Root CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    );
    const leaf = (name: string, days: number) => {
      writeFileSync(
        join(dir, `${name}.ext`),
        `extendedKeyUsage=clientAuth\nsubjectAltName=DNS:${name}.acme.example\nbasicConstraints=CA:FALSE\n`,
      );
      run(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.csr`,
        "-subj",
        `/O=Acme/CN=${name}.acme.example`,
      );
      run(
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        String(days),
        "-out",
        `${name}.crt`,
        "-extfile",
        `${name}.ext`,
      );
    };
    leaf("client-a", 40);
    leaf("client-b", 400);
    const end = (file: string) =>
      Date.parse(
        run("x509", "-in", file, "-noout", "-enddate")
          .toString()
          .trim()
          .replace(/^notAfter=/, ""),
      );
    const read = (file: string) => readFileSync(join(dir, file), "utf8");
    return {
      ca: read("ca.crt"),
      a: read("client-a.crt"),
      aKey: read("client-a.key"),
      b: read("client-b.crt"),
      bKey: read("client-b.key"),
      caEnd: end("ca.crt"),
      aEnd: end("client-a.crt"),
      bEnd: end("client-b.crt"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const certs = makeCertificates();

/** A partner route presenting `partner-client` and verifying its upstream with `partner-ca`. */
function partnerFiles(crt: string, key: string): Record<string, string> {
  return {
    "edge/secrets.yaml": [
      "apiVersion: v1",
      "kind: Secret",
      "metadata: {name: partner-client, namespace: payments}",
      "type: kubernetes.io/tls",
      "data:",
      `  tls.crt: ${b64(crt)}`,
      `  tls.key: ${b64(key)}`,
      "---",
      "apiVersion: v1",
      "kind: Secret",
      "metadata: {name: partner-ca, namespace: payments}",
      "type: Opaque",
      "data:",
      `  tls.crt: ${b64(certs.ca)}`,
      "",
    ].join("\n"),
    "edge/partner.yaml": [
      "apiVersion: getambassador.io/v3alpha1",
      "kind: TLSContext",
      "metadata: {name: partner, namespace: payments}",
      "spec: {secret: partner-client, ca_secret: partner-ca}",
      "---",
      "apiVersion: getambassador.io/v3alpha1",
      "kind: Mapping",
      "metadata: {name: partner-api, namespace: payments}",
      'spec: {prefix: /partner/, service: "https://partner.payments:443", tls: partner}',
      "---",
      "apiVersion: getambassador.io/v3alpha1",
      "kind: Mapping",
      "metadata: {name: plain-api, namespace: payments}",
      "spec: {prefix: /plain/, service: plain.payments}",
      "",
    ].join("\n"),
  };
}

function pushEvent(fake: FakeGitHub, repo: FakeRepo, before: string, after: string): Record<string, unknown> {
  const payload = examplePayload("push", "");
  return {
    ...payload,
    ref: `refs/heads/${repo.defaultBranch}`,
    before,
    after,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    commits: [],
    head_commit: null,
    repository: repositoryPayload(repo, fake.url),
    installation: { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" },
  };
}

function issuesEditedEvent(
  fake: FakeGitHub,
  repo: FakeRepo,
  issue: { number: number; body: string; author: { login: string; type: "User" | "Bot" }; byApp: boolean },
  editor: string,
  previousBody: string,
): Record<string, unknown> {
  const payload = examplePayload("issues", "edited");
  const author = { login: issue.author.login, id: userId(issue.author.login), type: issue.author.type };
  Object.assign(payload.issue as Record<string, unknown>, {
    number: issue.number,
    title: DASHBOARD_TITLE,
    body: issue.body,
    user: author,
    state: "open",
    performed_via_github_app: issue.byApp ? { id: fake.appId, slug: "mtls-gate", name: "mtls-gate" } : null,
  });
  delete (payload.issue as Record<string, unknown>).pull_request;
  payload.changes = { body: { from: previousBody } };
  payload.sender = { login: editor, id: userId(editor), type: "User" };
  payload.repository = repositoryPayload(repo, fake.url);
  payload.installation = { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  return payload;
}

function dashboards(repo: FakeRepo) {
  return repo.issues.filter((i) => i.title === DASHBOARD_TITLE && i.user.type === "Bot");
}

function scanRuns(repo: FakeRepo) {
  return repo.checkRuns.filter((r) => r.external_id === "commit");
}

describe("scans of the default branch and the dashboard issue", () => {
  let h: Harness;
  // 10 days before client-a expires.
  let now = new Date(certs.aEnd - 10 * DAY - 60_000);
  let head: string;
  let issueNumber: number;

  before(async () => {
    h = await startHarness({ gate: { now: () => now } });
    head = h.repo.commit(partnerFiles(certs.a, certs.aKey), { branch: "main" });
  });
  after(async () => {
    await h.close();
    await h.gate.close();
  });

  it("creates one dashboard issue on the first scan, with the certificate expiring in 10 days", async () => {
    await h.deliver("push", pushEvent(h.fake, h.repo, "0".repeat(40), head));
    assert.deepEqual(h.fake.violations, []);
    const issues = dashboards(h.repo);
    assert.equal(issues.length, 1);
    const issue = issues[0]!;
    issueNumber = issue.number;
    assert.equal(issue.state, "open");
    assert.match(
      issue.body,
      /\| \*\*10\*\* \| `payments\/partner-client` \(`tls\.crt`, \[edge\/secrets\.yaml:6\]\(https:\/\/github\.example\/acme\/platform\/blob\/[0-9a-f]{40}\/edge\/secrets\.yaml#L6\)\)/,
    );
    assert.match(
      issue.body,
      /O=Acme, CN=client-a\.acme\.example \| O=Partner, CN=Partner Root CA \| `payments\/partner-api` \|/,
    );
    assert.match(issue.body, /- \[ \] Re-scan now/);
    assert.match(issue.body, /- \*\*mtls\*\*: 1\n {2}- `payments\/partner-api`/);
    assert.match(issue.body, /- \*\*plaintext\*\*: 1\n {2}- `payments\/plain-api`/);
    assert.ok(issue.body.includes(dashboardMarker(h.gate.markerKey, { owner: "acme", repo: "platform" })));
    // The scan published the mtls-gate check run on the default branch's head.
    const runs = scanRuns(h.repo);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.head_sha, head);
    assert.equal(runs[0]?.status, "completed");
    assert.equal(runs[0]?.conclusion, "success");
  });

  it("edits the same issue on the next scan, never a second one; an idle scan costs at most 3 requests", async (t) => {
    // The same commit and policy a few minutes later: the last result is reused, nothing is written.
    h.fake.reset();
    assert.equal(await h.gate.watch.tick(), 1);
    // Every request but the installation's listings (one per tick for all its repositories), the organisation's
    // `.github` fallback for the configuration included.
    const idle = h.fake.apiCalls().filter((r) => !/^\/(app\/installations|installation\/repositories)$/.test(r.path));
    t.diagnostic(`idle scan: ${idle.map((r) => `${r.method} ${r.path}`).join(", ")}`);
    assert.ok(
      idle.length <= 3,
      `an idle scan made ${idle.length} requests: ${idle.map((r) => `${r.method} ${r.path}`).join(", ")}`,
    );
    assert.equal(scanRuns(h.repo).length, 1);
    assert.equal(dashboards(h.repo)[0]?.edits, 0);
    // A day later: one day fewer left, so the body is edited in place.
    now = new Date(now.getTime() + DAY);
    await h.deliver("push", pushEvent(h.fake, h.repo, head, head));
    const issues = dashboards(h.repo);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.number, issueNumber);
    assert.equal(issues[0]?.edits, 1);
    assert.match(issues[0]?.body ?? "", /\| \*\*9\*\* \| `payments\/partner-client`/);
    assert.deepEqual(h.fake.violations, []);
  });

  it("closes the issue once the certificate is renewed by a push", async () => {
    const renewed = h.repo.commitChanges(head, partnerFiles(certs.b, certs.bKey), { branch: "main" });
    await h.deliver("push", pushEvent(h.fake, h.repo, head, renewed));
    head = renewed;
    const [issue] = dashboards(h.repo);
    assert.equal(dashboards(h.repo).length, 1);
    assert.equal(issue?.state, "closed");
    assert.equal(issue?.stateReason, "completed");
    assert.match(issue?.body ?? "", /Nothing needs attention\./);
    assert.equal(scanRuns(h.repo).at(-1)?.head_sha, renewed);
  });

  it("reopens it when another certificate nears expiry", async () => {
    now = new Date(certs.bEnd - 5 * DAY - 60_000);
    await h.gate.watch.tick();
    await h.gate.idle();
    const issues = dashboards(h.repo);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.number, issueNumber);
    assert.equal(issues[0]?.state, "open");
    assert.match(issues[0]?.body ?? "", /\| \*\*5\*\* \| `payments\/partner-client`/);
    assert.match(issues[0]?.body ?? "", /CN=client-b\.acme\.example/);
  });

  it("re-scans when a writer ticks the box, and does nothing for a reader", async () => {
    const issue = dashboards(h.repo)[0]!;
    const ticked = issue.body.replace("- [ ] Re-scan now", "- [x] Re-scan now");
    h.repo.setPermission("reader", "read");
    h.repo.setPermission("writer", "write");
    const before = scanRuns(h.repo).length;
    const author = { login: "mtls-gate[bot]", type: "Bot" as const };
    await h.deliver(
      "issues",
      issuesEditedEvent(
        h.fake,
        h.repo,
        { number: issue.number, body: ticked, author, byApp: true },
        "reader",
        issue.body,
      ),
    );
    assert.equal(scanRuns(h.repo).length, before, "a reader's tick scans nothing");
    const unticked = issue.body;
    // The writer's edit, as GitHub stores it and sends it.
    issue.body = ticked;
    await h.deliver(
      "issues",
      issuesEditedEvent(
        h.fake,
        h.repo,
        { number: issue.number, body: ticked, author, byApp: true },
        "writer",
        unticked,
      ),
    );
    assert.equal(scanRuns(h.repo).length, before + 1, "a writer's tick scans the default branch");
    assert.equal(issue.body, unticked, "the scan unticks the box");
    assert.deepEqual(
      h.fake.apiCalls({ path: /collaborators\/.*\/permission$/ }).map((r) => r.path.split("/")[5]),
      ["reader", "writer"],
    );
  });

  it("ignores a forged dashboard: a user's issue or comment carrying the marker, title and a ticked box", async () => {
    const real = dashboards(h.repo)[0]!;
    const editsBefore = real.edits;
    const marker = dashboardMarker(h.gate.markerKey, { owner: "acme", repo: "platform" });
    const forgedBody = `${real.body.replace("- [ ] Re-scan now", "- [x] Re-scan now")}\n${marker}\n`;
    h.repo.setPermission("mallory", "write");
    const forged = h.repo.addIssue(DASHBOARD_TITLE, forgedBody, { login: "mallory", type: "User" });
    h.repo.addComment(forged.number, `copied ${marker}`, { login: "mallory", type: "User" });
    const before = scanRuns(h.repo).length;
    // A writer's edit of an issue the app did not write: no scan.
    await h.deliver(
      "issues",
      issuesEditedEvent(
        h.fake,
        h.repo,
        { number: forged.number, body: forgedBody, author: { login: "mallory", type: "User" }, byApp: false },
        "mallory",
        "",
      ),
    );
    assert.equal(scanRuns(h.repo).length, before);
    // An app that lost its memory of the issue (a restart) finds the real one again, not the forged one.
    const fresh = await startHarness({
      fake: h.fake,
      repo: "acme/platform",
      gate: { now: () => new Date(now.getTime() + DAY) },
    });
    try {
      await fresh.gate.watch.tick();
      await fresh.gate.idle();
    } finally {
      await fresh.gate.close();
    }
    assert.equal(forged.edits, 0);
    assert.equal(forged.body, forgedBody);
    assert.equal(dashboards(h.repo).length, 1);
    assert.equal(dashboards(h.repo)[0]?.edits, editsBefore + 1);
    assert.deepEqual(h.fake.violations, []);
  });
});

describe("GET /metrics", () => {
  let h: Harness;
  let server: Server;
  let url: string;
  const now = new Date(certs.aEnd - 10 * DAY - 60_000);

  before(async () => {
    h = await startHarness({ repo: "acme/metrics", gate: { now: () => now } });
    const sha = h.repo.commit(partnerFiles(certs.a, certs.aKey), { branch: "main" });
    await h.deliver("push", pushEvent(h.fake, h.repo, "0".repeat(40), sha));
    const handler = metricsHandler(h.gate.metrics, "scrape-token");
    server = createServer((req, res) => {
      void handler(req, res).then((handled) => {
        if (!handled) res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
    await h.gate.close();
  });

  it("answers 401 without the bearer token, or with a wrong one", async () => {
    assert.equal((await fetch(url)).status, 401);
    assert.equal((await fetch(url, { headers: { authorization: "Bearer wrong" } })).status, 401);
    assert.equal((await fetch(url, { headers: { authorization: "Basic scrape-token" } })).status, 401);
  });

  it("serves Prometheus text whose values match the repository's certificates", async () => {
    const response = await fetch(url, { headers: { authorization: "Bearer scrape-token" } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(await response.text());
    const family = (name: string) => families.find((f) => f.name === name);
    const expiry = family("mtls_gate_certificate_expiration_timestamp_seconds");
    assert.equal(expiry?.type, "GAUGE");
    const series = (expiry?.metrics ?? []).map((m) => ({ labels: m.labels, value: Number(m.value) }));
    series.sort((a, b) => a.value - b.value);
    assert.deepEqual(series, [
      {
        labels: {
          repository: "acme/metrics",
          namespace: "payments",
          secret: "partner-client",
          subject: "O=Acme, CN=client-a.acme.example",
        },
        value: certs.aEnd / 1000,
      },
      {
        labels: {
          repository: "acme/metrics",
          namespace: "payments",
          secret: "partner-ca",
          subject: "O=Partner, CN=Partner Root CA",
        },
        value: certs.caEnd / 1000,
      },
    ]);
    const routes = family("mtls_gate_routes")?.metrics.map((m) => [m.labels?.mode, Number(m.value)]);
    assert.deepEqual(Object.fromEntries(routes ?? []), { mtls: 1, tls: 0, plaintext: 1 });
    assert.deepEqual(
      family("mtls_gate_blocking_findings")?.metrics.map((m) => Number(m.value)),
      [0],
    );
    assert.equal(family("mtls_gate_queue_depth")?.metrics[0]?.value, "0");
    const remaining = Number(family("mtls_gate_github_rate_limit_remaining")?.metrics[0]?.value);
    assert.ok(remaining > 0 && remaining < 5000, `rate limit remaining ${remaining}`);
    assert.equal(family("mtls_gate_check_duration_seconds")?.type, "HISTOGRAM");
  });

  it("counts pull request checks by conclusion", async () => {
    const { pullRequestEvent } = await import("./harness.js");
    const base = h.repo.branchSha("main");
    const broken = h.repo.commitChanges(base, {
      "edge/broken.yaml":
        "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: b, namespace: payments}\nspec: {prefix: /b/, service: b, tls: missing}\n",
    });
    h.repo.addPullRequest({ number: 5, headSha: broken });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 5, headSha: broken, baseSha: base }),
    );
    const response = await fetch(url, { headers: { authorization: "Bearer scrape-token" } });
    const families = parsePrometheusTextFormat(await response.text());
    const checks = families.find((f) => f.name === "mtls_gate_checks_total");
    assert.deepEqual(
      checks?.metrics.map((m) => [m.labels?.conclusion, m.value]),
      [["failure", "1"]],
    );
    const duration = families.find((f) => f.name === "mtls_gate_check_duration_seconds");
    assert.equal((duration?.metrics[0] as { count?: string } | undefined)?.count, "1");
  });
});

describe("two replicas on a real Redis", async () => {
  const redis = await startRedis();
  const REPOS = 50;
  let fake: FakeGitHub;
  const replicas: Harness[] = [];

  before(async () => {
    if (!redis) return;
    fake = await startFakeGitHub();
    for (let i = 0; i < REPOS; i++) {
      const repo = fake.createRepo(`fleet/repo-${String(i).padStart(2, "0")}`, { installationId: 7 });
      repo.commit(
        {
          "deploy/mapping.yaml":
            "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: m, namespace: default}\nspec: {prefix: /m/, service: m}\n",
        },
        { branch: "main" },
      );
    }
    const queueName = `watch-test-${process.pid}-${Date.now()}`;
    for (let i = 0; i < 2; i++)
      replicas.push(
        await startHarness({
          fake,
          repo: "fleet/repo-00",
          gate: { watch: { redis: { url: redis.url, queueName }, tickMs: 300 } },
        }),
      );
  });
  after(async () => {
    for (const replica of replicas) await replica.gate.close();
    await fake?.close();
    await redis?.stop();
  });

  it("scans each of 50 repositories exactly once per period", { skip: redis ? false : "no redis-server" }, async () => {
    // Both replicas tick at once, then both run the BullMQ job scheduler for a while: still one scan per repository.
    const [first, second] = await Promise.all(replicas.map((r) => r.gate.watch.tick()));
    assert.equal((first ?? 0) + (second ?? 0), REPOS);
    for (const replica of replicas) await replica.gate.watch.start();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await waitFor(async () => ((await Promise.all(replicas.map((r) => r.gate.idle()))) ? true : undefined), 30_000);
    const repos = Array.from({ length: REPOS }, (_, i) => fake.repo(`fleet/repo-${String(i).padStart(2, "0")}`));
    assert.deepEqual(
      repos.map((r) => scanRuns(r).length),
      repos.map(() => 1),
    );
    assert.deepEqual(fake.violations, []);
  });
});
