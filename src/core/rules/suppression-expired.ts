import { defineRule, reportDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "suppression-expired",
    severity: "notice",
    description: "An mtls-gate.io/ignore with an until date has expired: the finding it suppressed counts again.",
    messages: {
      "expired": (data) => {
        const rule = text(data, "rule");
        return `The mtls-gate.io/ignore of ${rule} on ${text(data, "resource")} expired after ${text(data, "until")}: the ${rule} finding counts again. Fix it, or renew the suppression with a later until date (a renewal is reviewed like a new suppression).`;
      },
    },
  },
  check(context, report) {
    reportDiagnostics("suppression-expired", context, report);
  },
});
