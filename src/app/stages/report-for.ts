/**
 * The check run's report for an analysis made elsewhere: the two pure steps after the analysis, `judge` (the verdict
 * half of `evaluate`) and `render`. test/core/surfaces-agree.test.ts compares it with the CLI's outputs.
 */
import type { TreeAnalysis } from "../../core/analyze.js";
import type { Policy } from "../../core/policy/policy.js";
import type { RouteView } from "../../core/views.js";
import type { CheckRunReport } from "../../report/check-run.js";
import { renderCheckReport } from "../../report/check-report.js";
import type { CheckTarget } from "../check-target.js";
import type { AcceptanceState } from "../commands/acceptances.js";
import { judge, type Changes } from "./evaluate.js";

/** An analysis and what it was made of. */
export interface Prepared {
  kind: "analysed";
  analysis: Pick<TreeAnalysis, "findings" | "routes" | "coverage">;
  removedRoutes: RouteView[];
  policy: Policy;
  baseSha: string | null;
  hasBase: boolean;
  changes: Changes | null;
  headPaths: string[];
}

export function reportFor(
  prepared: Prepared,
  target: CheckTarget,
  settings: { ruleDocsUrl: (ruleId: string) => string },
  htmlUrl: string,
  state: AcceptanceState,
): CheckRunReport {
  const { analysis, policy } = prepared;
  const inputs = {
    policy,
    base: prepared.hasBase ? { sha: prepared.baseSha ?? "" } : null,
    head: { files: prepared.headPaths.map((path) => ({ path })) },
    changes: prepared.changes,
    acceptances: state,
  };
  const verdict = judge(analysis, inputs);
  return renderCheckReport(
    {
      kind: "evaluated",
      inputs,
      evaluation: { analysis: { ...analysis, removedRoutes: prepared.removedRoutes }, verdict },
    },
    { repo: target.repo, headSha: target.headSha, subject: target.subject, htmlUrl, ruleDocsUrl: settings.ruleDocsUrl },
  );
}
