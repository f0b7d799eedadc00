import { reportSecretReferences } from "./lookups.js";
import { inAnalysedFiles } from "../coverage.js";
import { defineRule, text, type MessageTemplate } from "./rule.js";

const message =
  (state: string): MessageTemplate =>
  (data) =>
    `${text(data, "referrer")}: crl_secret ${text(data, "secret")} ${state}${inAnalysedFiles(data)} ("found no certificate revocation list in secret"). Emissary refuses the context, so Mappings using it see it as not defined.`;

export const rule = defineRule({
  meta: {
    id: "tls-context-crl-secret-not-found",
    severity: "error",
    description: "A TLSContext's crl_secret does not exist or has no crl.pem, so Emissary refuses the context.",
    messages: {
      missing: message("does not exist"),
      "no-crl": message("has no crl.pem"),
    },
  },
  check({ simulation, coverage }, report) {
    reportSecretReferences(simulation, report, {
      coverage,
      matches: ({ lookup, field }) => field === "crl_secret" && (lookup.status === "missing" || lookup.status === "no-crl"),
      locate: ({ at }) => at,
      messageId: ({ lookup }) => (lookup.secret?.type ? "no-crl" : "missing"),
    });
  },
});
