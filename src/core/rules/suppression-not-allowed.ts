import { defineRule, reportDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "suppression-not-allowed",
    severity: "notice",
    description:
      "An mtls-gate.io/ignore names a finding that enforces the policy's require.* keys: annotations never suppress those.",
    messages: {
      "not-allowed": (data) => {
        const requirement = text(data, "requirement");
        return `mtls-gate.io/ignore cannot suppress ${text(data, "rule")} on ${text(data, "resource")}: the finding enforces the policy's ${requirement}, which an annotation cannot switch off. Fix the route, or change ${requirement} in the default branch's policy.`;
      },
    },
  },
  check(context, report) {
    reportDiagnostics("suppression-not-allowed", context, report);
  },
});
