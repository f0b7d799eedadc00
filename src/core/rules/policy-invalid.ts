import { defineRule, reportDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "policy-invalid",
    severity: "error",
    description: "The policy file .github/mtls-gate.yml has an unknown key or a bad value; the defaults are used for it.",
    messages: {
      invalid: (data) => {
        const suggestion = data.suggestion ? ` Did you mean "${text(data, "suggestion")}"?` : "";
        return `Policy ${text(data, "path")}: ${text(data, "problem")}.${suggestion} The default is used instead.`;
      },
    },
  },
  check(context, report) {
    reportDiagnostics("policy-invalid", context, report);
  },
});
