import { defineRule, reportDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "invalid-suppression",
    severity: "warning",
    description: "An mtls-gate.io/ignore annotation without a reason or with a bad until date (or naming unknown rules) does not suppress anything.",
    messages: {
      "no-reason": (data) => `mtls-gate.io/ignore needs a reason: write "${text(data, "rules")} -- <why this is acceptable>". Nothing is suppressed until it has one.`,
      "invalid-until": (data) =>
        `mtls-gate.io/ignore has an invalid expiry "until ${text(data, "until")}": write a real date as until YYYY-MM-DD (e.g. "${text(data, "rules")} until 2027-03-31 -- <reason>"). Nothing is suppressed until it is fixed.`,
      "unknown-rule": (data) => `mtls-gate.io/ignore names unknown rule ${text(data, "rule")}${data.suggestion ? ` (did you mean ${text(data, "suggestion")}?)` : ""}.`,
    },
  },
  check(context, report) {
    reportDiagnostics("invalid-suppression", context, report);
  },
});
