import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultPolicy, type Policy } from "../../src/core/policy/policy.js";
import type { Finding, Severity } from "../../src/core/types.js";
import { decide, type AcceptanceGrant, type FindingStatus } from "../../src/core/verdict.js";

function finding(id: string, severity: Severity, extra: Partial<Finding> = {}): Finding {
  return {
    ruleId: "mapping-tls-context-not-found",
    messageId: "unknown",
    severity,
    message: id,
    file: "a.yaml",
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    resource: `Mapping/default/${id}`,
    data: {},
    fingerprint: `fp-${id}`,
    introduced: true,
    ...extra,
  };
}

const grant = (id: string, permission: string, fingerprints = [`fp-${id}`]): AcceptanceGrant => ({
  ruleId: "mapping-tls-context-not-found",
  resource: `Mapping/default/${id}`,
  fingerprints,
  permission,
});

describe("decide: one verdict, each finding's status", () => {
  const cases: {
    name: string;
    finding: Finding;
    policy?: Partial<Policy>;
    hasBase?: boolean;
    acceptances?: AcceptanceGrant[];
    status: FindingStatus;
  }[] = [
    { name: "an introduced error blocks", finding: finding("a", "error"), status: "blocking" },
    {
      name: "a suppressed error does not",
      finding: finding("a", "error", { suppressed: { reason: "r" } }),
      status: "suppressed",
    },
    {
      name: "a warning under failOn: error is below the threshold",
      finding: finding("a", "warning"),
      status: "below-threshold",
    },
    {
      name: "a warning under failOn: warning blocks",
      finding: finding("a", "warning"),
      policy: { failOn: "warning" },
      status: "blocking",
    },
    {
      name: "a pre-existing error with a base does not block",
      finding: finding("a", "error", { introduced: false }),
      status: "pre-existing",
    },
    {
      name: "a pre-existing error blocks with scope: all",
      finding: finding("a", "error", { introduced: false }),
      policy: { scope: "all" },
      status: "blocking",
    },
    {
      name: "without a base nothing is pre-existing",
      finding: finding("a", "error", { introduced: false }),
      hasBase: false,
      status: "blocking",
    },
    {
      name: "accepted by a maintainer (acceptErrors: maintain)",
      finding: finding("a", "error"),
      acceptances: [grant("a", "maintain")],
      status: "accepted",
    },
    {
      name: "an error accepted by a writer still blocks",
      finding: finding("a", "error"),
      acceptances: [grant("a", "write")],
      status: "blocking",
    },
    {
      name: "an acceptance of another fingerprint covers nothing",
      finding: finding("a", "error"),
      acceptances: [grant("a", "admin", ["fp-other"])],
      status: "blocking",
    },
    {
      name: "a pre-existing finding cannot be accepted (scope: all)",
      finding: finding("a", "error", { introduced: false }),
      policy: { scope: "all" },
      acceptances: [grant("a", "admin")],
      status: "blocking",
    },
    {
      name: "a suppression the change adds is pending, and blocks",
      finding: finding("a", "error", {
        suppression: { status: "pending", reason: "r", addedInChange: true },
      } as Partial<Finding>),
      status: "pending-suppression",
    },
    {
      name: "a pending suppression accepted by a maintainer is accepted",
      finding: finding("a", "error", {
        suppression: { status: "pending", reason: "r", addedInChange: true },
      } as Partial<Finding>),
      acceptances: [grant("a", "maintain")],
      status: "accepted",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const verdict = decide(
        [c.finding],
        { ...defaultPolicy(), ...c.policy },
        { hasBase: c.hasBase ?? true, acceptances: c.acceptances ?? [] },
      );
      assert.equal(verdict.findings[0]?.status, c.status);
      const blocks = c.status === "blocking" || c.status === "pending-suppression";
      assert.equal(verdict.conclusion, blocks ? "failure" : "success");
      assert.deepEqual(verdict.blocking, blocks ? [c.finding] : []);
      assert.equal(verdict.counts[c.status], 1);
    });
  }
});
