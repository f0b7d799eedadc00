import { defineRule, reportDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "unsupported-api-version",
    severity: "error",
    description: "An Ambassador resource uses an API version Emissary dropped (v0), so the resource does not exist for Emissary.",
    messages: {
      "dropped-version": (data) =>
        `${text(data, "kind")} uses ${text(data, "apiVersion")}, which Emissary 2.0 and later drop as an unsupported group/version/kind: this resource does not exist for Emissary. Use getambassador.io/v3alpha1.`,
    },
  },
  check(context, report) {
    reportDiagnostics("unsupported-api-version", context, report);
  },
});
