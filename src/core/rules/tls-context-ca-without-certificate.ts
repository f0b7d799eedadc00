import { reportContextErrors } from "./context-usage.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "tls-context-ca-without-certificate",
    severity: "error",
    description: "A TLSContext has ca_secret or cacert_chain_file but no certificate of its own; Emissary refuses it.",
    messages: {
      "ca-without-certificate": (data) =>
        `TLSContext ${text(data, "context")}: a CA without a certificate of its own ("cannot validate client certs without TLS termination"). Add secret: with the client certificate the CA goes with. Emissary refuses the context. ${text(data, "consequence")}`,
    },
  },
  check({ simulation }, report) {
    reportContextErrors(simulation, "ca-without-certificate", report);
  },
});
