import { defineRule, reportDiagnostics, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "file-skipped",
    severity: "notice",
    description: "A file named .yaml/.yml that is a template, encrypted as a whole or not text was skipped.",
    messages: {
      "helm-template": () => "Helm/Go template markup ({{ ... }}): the file is skipped. Render the chart (helm template) and analyse the output to check it.",
      encrypted: (data) => {
        const format = data.format ? ` (${text(data, "format")})` : "";
        return `Encrypted file${format}: skipped, its resources cannot be analysed, and kubectl cannot apply it until it is decrypted. Encrypt only the Secret values (SOPS, a SealedSecret) so the manifests stay readable, or exclude the file in the policy's paths.`;
      },
      binary: () => "Binary or non-UTF-8 content in a YAML-named file: skipped (an encrypted or generated file?).",
    },
  },
  check(context, report) {
    reportDiagnostics("file-skipped", context, report);
  },
});
