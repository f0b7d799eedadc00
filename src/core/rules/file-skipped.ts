import { reportDiagnostics, text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "file-skipped",
    severity: "notice",
    description: "A file named .yaml/.yml that is a template, encrypted as a whole or not text was skipped.",
  },
  message(data) {
    const reason = text(data, "reason");
    if (reason === "helm-template") return "Helm/Go template markup ({{ ... }}): the file is skipped. Render the chart (helm template) and analyse the output to check it.";
    if (reason === "encrypted") {
      const format = data.format ? ` (${text(data, "format")})` : "";
      return `Encrypted file${format}: skipped, its resources cannot be analysed, and kubectl cannot apply it until it is decrypted. Encrypt only the Secret values (SOPS, a SealedSecret) so the manifests stay readable, or exclude the file in the policy's paths.`;
    }
    return "Binary or non-UTF-8 content in a YAML-named file: skipped (an encrypted or generated file?).";
  },
  check(context, report) {
    reportDiagnostics("file-skipped", context, report);
  },
};
