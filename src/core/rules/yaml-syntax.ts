import { reportDiagnostics, text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "yaml-syntax",
    severity: "error",
    description: "The file or a document in it is not valid YAML, so kubectl rejects it and Emissary never sees it.",
  },
  message(data) {
    const problem = text(data, "problem");
    if (data.where === "annotation") {
      return `Invalid YAML in the getambassador.io/config annotation: ${problem}. Emissary cannot parse the annotation and drops every resource in it; fix the syntax.`;
    }
    return `Invalid YAML: ${problem}. kubectl rejects this file; fix the syntax so its resources are applied.`;
  },
  check(context, report) {
    reportDiagnostics("yaml-syntax", context, report);
  },
};
