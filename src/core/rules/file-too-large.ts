import { defineRule, reportDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "file-too-large",
    severity: "warning",
    description: "A file, document count or nesting depth over the analysis limits was not analysed; its resources are unchecked.",
    messages: {
      "file-bytes": (data) => `File of ${text(data, "bytes")} bytes is over the ${text(data, "limit")}-byte limit and was not analysed; its resources are unchecked.`,
      documents: (data) => `Only the first ${text(data, "limit")} of ${text(data, "documents")} documents were analysed; split the file so every resource is checked.`,
      depth: (data) =>
        `This document nests collections more than ${text(data, "limit")} levels deep, over the analysis limit, and was not analysed; its resources are unchecked. No Kubernetes manifest needs such depth: look for a generator gone wrong.`,
    },
  },
  check(context, report) {
    reportDiagnostics("file-too-large", context, report);
  },
});
