import { reportDiagnostics, text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "internal-error",
    severity: "error",
    description: "A rule failed on this input: the analysis is incomplete. Please report it with the file that triggers it.",
  },
  message(data) {
    return `Rule ${text(data, "rule")} failed (${text(data, "problem")}): its checks did not run, so the result is incomplete. Please report this with the manifest that triggers it.`;
  },
  check(context, report) {
    reportDiagnostics("internal-error", context, report);
  },
};
