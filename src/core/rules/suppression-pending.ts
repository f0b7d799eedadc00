import { defineRule, reportDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "suppression-pending",
    severity: "notice",
    description:
      "A change adds an mtls-gate.io/ignore for a blocking finding: it does not count until accepted (/mtls-gate accept) or merged.",
    messages: {
      "pending": (data) => {
        const rule = text(data, "rule");
        const resource = text(data, "resource");
        return `This change adds mtls-gate.io/ignore for ${rule} on ${resource}. A suppression the base branch does not already carry does not clear a blocking ${text(data, "severity")}, so the ${rule} finding still counts. To merge with it, someone with ${text(data, "permission")} permission comments "/mtls-gate accept ${rule} ${resource} -- <reason>"; once merged, the suppression counts. (The default branch's policy can set suppressions.newInPullRequest: allow.)`;
      },
    },
  },
  check(context, report) {
    reportDiagnostics("suppression-pending", context, report);
  },
});
