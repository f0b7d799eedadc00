import { reportSecretReferences } from "./lookups.js";
import { inAnalysedFiles } from "../coverage.js";
import { defineRule, text, type MessageTemplate } from "./rule.js";

const message =
  (state: string): MessageTemplate =>
  (data) =>
    `${text(data, "referrer")}: ca_secret ${text(data, "secret")} ${state}${inAnalysedFiles(data)} ("found no validation certificate in secret"). Emissary refuses the context, so Mappings using it see it as not defined. Put the CA certificate under tls.crt of that Secret, or list it in the policy's externalSecrets if it is created outside Git.`;

export const rule = defineRule({
  meta: {
    id: "tls-context-ca-secret-not-found",
    severity: "error",
    description: "A TLSContext's ca_secret does not exist or has no tls.crt, so Emissary refuses the context.",
    messages: {
      missing: message("does not exist"),
      "no-certificate": message("has no tls.crt"),
    },
  },
  check({ simulation, coverage }, report) {
    reportSecretReferences(simulation, report, {
      coverage,
      matches: ({ lookup, field }) => field === "ca_secret" && (lookup.status === "missing" || lookup.status === "no-certificate"),
      locate: ({ at }) => at,
      messageId: ({ lookup }) => (lookup.secret?.type ? "no-certificate" : "missing"),
    });
  },
});
