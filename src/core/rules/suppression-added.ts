import { defineRule, reportDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "suppression-added",
    severity: "notice",
    description:
      "A change adds an mtls-gate.io/ignore that clears a blocking finding, which the policy allows (suppressions.newInPullRequest: allow).",
    messages: {
      "added": (data) => {
        return `This change adds mtls-gate.io/ignore for ${text(data, "rule")} on ${text(data, "resource")}, which clears a blocking ${text(data, "severity")}: the policy's suppressions.newInPullRequest: allow lets it count without an accept. Review its reason before merging.`;
      },
    },
  },
  check(context, report) {
    reportDiagnostics("suppression-added", context, report);
  },
});
