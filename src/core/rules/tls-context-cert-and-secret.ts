import { reportContextErrors } from "./context-usage.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "tls-context-cert-and-secret",
    severity: "error",
    description: "A TLSContext sets both secret and cert_chain_file; Emissary refuses it.",
    messages: {
      "cert-and-secret": (data) =>
        `TLSContext ${text(data, "context")}: it sets both secret and cert_chain_file ("exactly one of 'secret' and 'cert_chain_file' must be present"). Keep one. Emissary refuses the context. ${text(data, "consequence")}`,
    },
  },
  check({ simulation }, report) {
    reportContextErrors(simulation, "cert-and-secret", report);
  },
});
