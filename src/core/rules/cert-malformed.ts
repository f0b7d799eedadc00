import { certificateValues, inspectReferencedSecrets } from "../secret-certs.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "cert-malformed",
    severity: "warning",
    description: "A referenced certificate loads but has a malformed extension, name, time or algorithm that Go's strict X.509 parser (Emissary's secret validation) may refuse.",
    messages: {
      malformed: (data) => {
        const which = data.certIndex === null ? "" : ` (certificate ${text(data, "certIndex")})`;
        return `Secret ${text(data, "secret")}: ${text(data, "key")}${which} is malformed: ${text(data, "reason")}. OpenSSL accepts it, but Go's crypto/x509, which Emissary uses to validate Secrets, may refuse it (the Secret is then withheld with AMBASSADOR_FORCE_SECRET_VALIDATION). Reissue the certificate with a standard tool (cert-manager, openssl, cfssl).`;
      },
    },
  },
  check({ simulation, now }, report) {
    for (const secret of inspectReferencedSecrets(simulation, now).secrets) {
      for (const value of certificateValues(secret)) {
        const seen = new Set<string>();
        for (const problem of value.inspection.problems) {
          if (problem.kind !== "cert-malformed") continue;
          const id = `${problem.code}/${problem.certIndex ?? ""}`;
          if (seen.has(id)) continue;
          seen.add(id);
          report({
            at: value.at,
            resource: secret.secret,
            messageId: "malformed",
            // The problem's code names it; the reason is its prose.
            identity: { secret: secret.name, key: value.key, code: problem.code, certIndex: problem.certIndex ?? null },
            display: { reason: problem.reason },
          });
        }
      }
    }
  },
});
