import { reportContextErrors } from "./context-usage.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "tls-context-incomplete-cert-files",
    severity: "error",
    description: "A TLSContext sets cert_chain_file without private_key_file (or the reverse); Emissary refuses it.",
    messages: {
      "incomplete-cert-files": (data) =>
        `TLSContext ${text(data, "context")}: cert_chain_file and private_key_file go together ("'cert_chain_file' requires 'private_key_file' as well"). Set both, or use secret. Emissary refuses the context. ${text(data, "consequence")}`,
    },
  },
  check({ simulation }, report) {
    reportContextErrors(simulation, "incomplete-cert-files", report);
  },
});
