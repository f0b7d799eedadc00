import { defineRule, reportDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "internal-error",
    severity: "error",
    description: "A rule failed on this input: the analysis is incomplete. Please report it with the file that triggers it.",
    messages: {
      failed: (data) =>
        `Rule ${text(data, "rule")} failed (${text(data, "problem")}): its checks did not run, so the result is incomplete. Please report this with the manifest that triggers it.`,
    },
  },
  check(context, report) {
    reportDiagnostics("internal-error", context, report);
  },
});
