/**
 * Issue 20 end to end: a pull request that rotates only the upstream's server certificate to a new CA fails the check on
 * the route's TLSContext line (a file the change did not touch), and the check's title names the route's prefix.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { annotationsOf, pullRequestEvent, startHarness, type Harness } from "./harness.js";
import { CM, EDGE, handshakeTree, LINES, PAYMENTS } from "../helpers/handshake-fixtures.js";

describe("pull_request: the handshake, simulated", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    assert.deepEqual(h.fake.violations, [], "every request matches GitHub's OpenAPI description");
    await h.close();
  });

  it("fails a PR that rotates only the upstream's server certificate to a CA the route does not trust", async () => {
    const base = h.repo.commit(handshakeTree("base"), { branch: "main" });
    const rotated = handshakeTree("rotated-server");
    assert.equal(rotated[EDGE], handshakeTree("base")[EDGE], "the route's own file is the same in both trees");
    const head = h.repo.commit(rotated, { parents: [base] });
    h.repo.addPullRequest({ number: 20, headSha: head });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 20, headSha: head, baseSha: base }),
    );

    const run = h.repo.checkRuns.at(-1);
    assert.ok(run);
    assert.equal(run.conclusion, "failure");
    assert.match(run.output.title ?? "", /^1 route's handshake fails: \/payments\/ to payments\.payments:8443 · /);
    const annotations = annotationsOf(h.repo, run.id);
    const failure = annotations.find((a) => a.title === "handshake-server-untrusted");
    assert.ok(failure, JSON.stringify(annotations.map((a) => a.title)));
    assert.equal(failure.path, EDGE);
    assert.equal(failure.start_line, LINES.caSecret);
    assert.equal(failure.annotation_level, "failure");
    assert.match(
      String(failure.message),
      new RegExp(`Secret payments/payments-tls \\(${PAYMENTS}:${LINES.serverCrt}\\)`),
    );
    assert.match(
      run.output.summary ?? "",
      /\| edge\/payments \| `?\/payments\/`? \| .* \| changed \| mtls → mtls \| ❌ fails: server certificate: no certificate in the CA bundle/,
    );
  });

  it("fails a PR that rotates only a cert-manager Issuer's CA Secret to a CA the route does not trust", async () => {
    const base = h.repo.commit(handshakeTree("cert-manager"), { branch: "main" });
    const rotated = handshakeTree("cert-manager-rotated");
    const changed = Object.keys(rotated).filter((path) => rotated[path] !== handshakeTree("cert-manager")[path]);
    assert.deepEqual(changed, [CM.issuer], "the PR changes only the Issuer's CA Secret");
    const head = h.repo.commit(rotated, { parents: [base] });
    h.repo.addPullRequest({ number: 22, headSha: head });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 22, headSha: head, baseSha: base }),
    );

    const run = h.repo.checkRuns.at(-1);
    assert.ok(run);
    assert.equal(run.conclusion, "failure");
    assert.match(run.output.title ?? "", /^1 route's handshake fails: \/payments\/ to payments\.payments:8443 · /);
    const annotations = annotationsOf(h.repo, run.id);
    const failure = annotations.find((a) => a.title === "handshake-server-untrusted");
    assert.ok(failure, JSON.stringify(annotations.map((a) => a.title)));
    assert.equal(failure.path, EDGE);
    assert.equal(failure.start_line, CM.lines.caSecret);
    assert.equal(failure.annotation_level, "failure");
    // The message names where cert-manager's Secret is written (the Certificate) and the Issuer's CA Secret that changed.
    assert.match(String(failure.message), new RegExp(`\\(${PAYMENTS}:${CM.lines.serverCertificate}\\)`));
    assert.match(
      String(failure.message),
      new RegExp(`Secret payments/internal-ca-key-pair at ${CM.issuer}:${CM.lines.issuerCaCrt}`),
    );
  });

  it("passes the same tree when nothing changed the handshake (the column says ok)", async () => {
    const base = h.repo.commit(handshakeTree("base"), { branch: "main" });
    const files = handshakeTree("base");
    files[EDGE] = (files[EDGE] ?? "").replace("prefix: /payments/", "prefix: /payments/v2/");
    const head = h.repo.commit(files, { parents: [base] });
    h.repo.addPullRequest({ number: 21, headSha: head });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 21, headSha: head, baseSha: base }),
    );

    const run = h.repo.checkRuns.at(-1);
    assert.ok(run);
    assert.equal(run.conclusion, "success", run.output.title ?? "");
    assert.deepEqual(
      annotationsOf(h.repo, run.id).filter((a) => String(a.title).startsWith("handshake")),
      [],
    );
    assert.match(run.output.summary ?? "", /\| changed \| mtls → mtls \| ok \|/);
  });
});
