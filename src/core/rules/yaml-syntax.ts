import { defineRule, reportDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "yaml-syntax",
    severity: "error",
    description: "The file or a document in it is not valid YAML, so kubectl rejects it and Emissary never sees it.",
    messages: {
      "invalid-yaml": (data) => `Invalid YAML: ${text(data, "problem")}. kubectl rejects this file; fix the syntax so its resources are applied.`,
      "invalid-annotation-yaml": (data) =>
        `Invalid YAML in the getambassador.io/config annotation: ${text(data, "problem")}. Emissary cannot parse the annotation and drops every resource in it; fix the syntax.`,
    },
  },
  check(context, report) {
    reportDiagnostics("yaml-syntax", context, report);
  },
});
