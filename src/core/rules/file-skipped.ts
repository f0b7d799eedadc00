import { reportDiagnostics, text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "file-skipped",
    severity: "notice",
    description: "A file named .yaml/.yml that is a template or not text was skipped.",
  },
  message(data) {
    const reason = text(data, "reason");
    if (reason === "helm-template") return "Helm/Go template markup ({{ ... }}): the file is skipped. Render the chart (helm template) and analyse the output to check it.";
    if (reason === "encrypted") return "Encrypted file: skipped, its content cannot be analysed.";
    return "Binary or non-UTF-8 content in a YAML-named file: skipped (an encrypted or generated file?).";
  },
  check(context, report) {
    reportDiagnostics("file-skipped", context, report);
  },
};
