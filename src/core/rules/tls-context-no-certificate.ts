import { reportContextErrors } from "./context-usage.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "tls-context-no-certificate",
    severity: "error",
    description: "A TLSContext has no certificate material (only sni, alpn_protocols and the like), so Emissary never uses it and its settings are lost.",
    messages: {
      "no-certificate": (data) =>
        `TLSContext ${text(data, "context")}: it has no certificate information at all (only settings such as sni or alpn_protocols), so its SNI and other settings are silently lost ("has no certificate information at all?"). Add secret:, or use service: https://... without tls: if no client certificate is wanted. Emissary refuses the context. ${text(data, "consequence")}`,
    },
  },
  check({ simulation }, report) {
    reportContextErrors(simulation, "no-certificate", report);
  },
});
