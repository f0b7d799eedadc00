import { reportDiagnostics, text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "file-too-large",
    severity: "warning",
    description: "A file or document count over the analysis limit was not analysed; its resources are unchecked.",
  },
  message(data) {
    if (data.documents !== undefined) return `Only the first ${text(data, "limit")} of ${text(data, "documents")} documents were analysed; split the file so every resource is checked.`;
    return `File of ${text(data, "bytes")} bytes is over the ${text(data, "limit")}-byte limit and was not analysed; its resources are unchecked.`;
  },
  check(context, report) {
    reportDiagnostics("file-too-large", context, report);
  },
};
