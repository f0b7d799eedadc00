import { reportDiagnostics, text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "file-too-large",
    severity: "warning",
    description: "A file, document count or nesting depth over the analysis limits was not analysed; its resources are unchecked.",
  },
  message(data) {
    if (data.depth !== undefined) return `This document nests collections more than ${text(data, "limit")} levels deep, over the analysis limit, and was not analysed; its resources are unchecked. No Kubernetes manifest needs such depth: look for a generator gone wrong.`;
    if (data.documents !== undefined) return `Only the first ${text(data, "limit")} of ${text(data, "documents")} documents were analysed; split the file so every resource is checked.`;
    return `File of ${text(data, "bytes")} bytes is over the ${text(data, "limit")}-byte limit and was not analysed; its resources are unchecked.`;
  },
  check(context, report) {
    reportDiagnostics("file-too-large", context, report);
  },
};
