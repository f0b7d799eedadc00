import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { analyzeDiff, failingFindings, type AnalysisOptions, type DiffAnalysis } from "../../src/core/analyze.js";
import { firstChange, type BaseSummary, type BaseSummaryStore } from "../../src/core/base-summary.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { DEFAULT_LOAD_LIMITS } from "../../src/core/source/load.js";
import type { SourceFile } from "../../src/core/types.js";
import { benchCorpus } from "../helpers/corpora.js";
import { clientSecret, originating } from "../helpers/cert-fixtures.js";
import { baseTree, brokenHead, ignore } from "../helpers/suppression-fixtures.js";

/** A store that counts what the analysis asked of it. */
class CountingStore implements BaseSummaryStore {
  readonly entries = new Map<string, BaseSummary>();
  gets = 0;
  sets = 0;
  get(key: string): BaseSummary | undefined {
    this.gets++;
    return this.entries.get(key);
  }
  set(key: string, summary: BaseSummary): void {
    this.sets++;
    this.entries.set(key, summary);
  }
}

const sources = (tree: Record<string, string>): SourceFile[] =>
  Object.entries(tree).map(([path, text]) => ({ path, text }));

/** Everything a diff answers that reaches a report or a verdict. */
function observable(diff: DiffAnalysis): string {
  return JSON.stringify({
    findings: diff.findings,
    routes: diff.routes,
    hosts: diff.hosts,
    removedRoutes: diff.removedRoutes,
    coverage: diff.coverage,
    stats: diff.stats,
    base: { findings: diff.base.findings.map((f) => f.fingerprint), routes: diff.base.routes.length },
  });
}

const minutes = (from: Date, n: number) => new Date(from.getTime() + n * 60_000);

describe("base summaries kept between diffs", () => {
  it("a second diff over the same base reuses its summary and answers exactly what a fresh analysis answers", () => {
    const { files, edited } = benchCorpus();
    const head = edited ?? assert.fail("the bench corpus has an edited tree");
    const changed = head.find((f, i) => f.text !== files[i]?.text)?.path;
    const pushed = head.map((f) => (f.path === changed ? { ...f, text: `${f.text}# pushed again\n` } : f));
    const store = new CountingStore();
    const t0 = new Date("2026-06-01T10:00:00Z");
    const first = analyzeDiff(files, head, { now: t0, baseSummaries: store });
    assert.equal(store.sets, 1, "the base's summary is kept");
    const t1 = minutes(t0, 7);
    const second = analyzeDiff(files, pushed, { now: t1, baseSummaries: store });
    assert.equal(store.sets, 1, "the second diff found the base's summary and did not analyse the base again");
    assert.equal(second.base, first.base, "the same summary object");
    const fresh = analyzeDiff(files, pushed, { now: t1 });
    assert.equal(observable(second), observable(fresh));
    assert.ok(
      second.findings.some((f) => f.introduced),
      "the corpus's edit introduces findings",
    );
  });

  it("another base, another policy or other limits is another summary", () => {
    const { files, edited } = benchCorpus();
    const head = edited ?? assert.fail("the bench corpus has an edited tree");
    const store = new CountingStore();
    const now = new Date("2026-06-01T10:00:00Z");
    analyzeDiff(files, head, { now, baseSummaries: store });
    analyzeDiff(head, head, { now, baseSummaries: store });
    const strict = loadPolicy("failOn: notice\n").policy;
    analyzeDiff(files, head, { now, baseSummaries: store, policy: strict });
    analyzeDiff(files, head, { now, baseSummaries: store, limits: { ...DEFAULT_LOAD_LIMITS, maxDocumentsPerFile: 7 } });
    assert.equal(store.sets, 4);
    assert.equal(store.entries.size, 4);
  });

  it("is not reused once a base certificate has become valid: its not-yet-valid finding is gone from a fresh base", () => {
    // not-yet-valid.crt is valid from 2040-01-01T00:00:00Z.
    const base = {
      "s.yaml": clientSecret("client", "not-yet-valid.crt", "ec-p256.key"),
      "c.yaml": originating({ secret: "client" }),
    };
    const head = { ...base, "other.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n" };
    const store = new CountingStore();
    const before = new Date("2039-12-31T23:58:00Z");
    const after = new Date("2040-01-01T00:03:00Z");
    const early = analyzeDiff(sources(base), sources(head), { now: before, baseSummaries: store });
    assert.ok(early.base.findings.some((f) => f.ruleId === "cert-not-yet-valid"));
    assert.equal(early.base.validUntil, Date.parse("2040-01-01T00:00:00Z"));
    const late = analyzeDiff(sources(base), sources(head), { now: after, baseSummaries: store });
    assert.equal(store.sets, 2, "analysed again after the certificate's notBefore");
    assert.ok(!late.base.findings.some((f) => f.ruleId === "cert-not-yet-valid"));
    assert.equal(observable(late), observable(analyzeDiff(sources(base), sources(head), { now: after })));
  });

  it("attack: a suppression that expired since the base was kept does not carry into a pull request that extends it", () => {
    // The base suppresses the rule until 2026-01-31; the pull request breaks the Mapping's tls: and moves the date.
    const reason = "-- billing moves in OPS-7";
    const base = baseTree(ignore(`mapping-tls-context-not-found until 2026-01-31 ${reason}`));
    const head = brokenHead("extended", ignore(`mapping-tls-context-not-found until 2026-12-31 ${reason}`));
    const store = new CountingStore();
    const options = (now: Date): AnalysisOptions => ({ now, baseSummaries: store });
    // Checked first on the suppression's last day, then again after midnight, within the summary's maximum age.
    const lastDay = new Date("2026-01-31T23:55:00Z");
    const nextDay = new Date("2026-02-01T00:05:00Z");
    analyzeDiff(sources(base), sources(head), options(lastDay));
    const recheck = analyzeDiff(sources(base), sources(head), options(nextDay));
    const fresh = analyzeDiff(sources(base), sources(head), { now: nextDay });
    assert.equal(store.sets, 2, "the base is analysed again once its suppression has expired");
    const blocking = (diff: DiffAnalysis) => failingFindings(diff.findings, diff.policy, true).map((f) => f.ruleId);
    assert.ok(blocking(fresh).includes("mapping-tls-context-not-found"), "a fresh analysis blocks");
    assert.deepEqual(blocking(recheck), blocking(fresh));
    assert.equal(observable(recheck), observable(fresh));
  });

  it("a removed route's days left are counted at the re-check's clock", () => {
    // ec-p256.crt's notAfter, less ten days and a few minutes: a day boundary of its days left falls between the checks.
    const base = {
      "s.yaml": clientSecret("client", "ec-p256.crt", "ec-p256.key"),
      "c.yaml": originating({ secret: "client" }),
    };
    const first = analyzeDiff(sources(base), sources(base), { now: new Date("2026-06-01T00:00:00Z") });
    const notAfter = Date.parse(first.routes.find((r) => r.clientCertificate)?.clientCertificate?.notAfter ?? "");
    assert.ok(!Number.isNaN(notAfter), "the fixture's route presents a client certificate");
    const t0 = new Date(notAfter - 10 * 86_400_000 - 5 * 60_000);
    const t1 = minutes(t0, 10);
    const head = { "s.yaml": base["s.yaml"] };
    const store = new CountingStore();
    analyzeDiff(sources(base), sources(head), { now: t0, baseSummaries: store });
    const recheck = analyzeDiff(sources(base), sources(head), { now: t1, baseSummaries: store });
    assert.equal(store.sets, 1, "reused: no validity or warning boundary in between");
    const removed = recheck.removedRoutes.find((r) => r.clientCertificate);
    assert.equal(removed?.clientCertificate?.daysLeft, 9);
    assert.equal(observable(recheck), observable(analyzeDiff(sources(base), sources(head), { now: t1 })));
  });
});

describe("firstChange", () => {
  const day = 86_400_000;
  const from = Date.parse("2026-06-01T00:00:00Z");
  it("is the maximum age when no certificate date falls before it", () => {
    assert.equal(
      firstChange([{ notBefore: from - 100 * day, notAfter: from + 200 * day }], 30, from),
      from + 60 * 60 * 1000,
    );
  });
  it("is the earliest of notBefore, notAfter and the warning window's boundaries ahead", () => {
    assert.equal(
      firstChange([{ notBefore: from + 5 * 60_000, notAfter: from + 400 * day }], 30, from),
      from + 5 * 60_000,
    );
    assert.equal(firstChange([{ notBefore: from - day, notAfter: from + 20 * 60_000 }], 30, from), from + 20 * 60_000);
    assert.equal(firstChange([{ notBefore: from - day, notAfter: from + 30 * day + 60_000 }], 30, from), from + 60_000);
    assert.equal(firstChange([{ notBefore: from - day, notAfter: from + 31 * day + 60_000 }], 30, from), from + 60_000);
  });
  it("a boundary at the analysis instant itself ends the summary's use at once", () => {
    assert.equal(firstChange([{ notBefore: from, notAfter: from + 400 * day }], 30, from), from);
  });
});
