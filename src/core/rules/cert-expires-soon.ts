import { certificateData, certificateLabel, eachCertificate, inspectReferencedSecrets, isoDay } from "../secret-certs.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "cert-expires-soon",
    severity: "warning",
    description: "A certificate in a referenced Secret expires within the policy's certificates.expiryWarningDays (30 by default).",
    messages: {
      "expires-soon": (data) =>
        `Secret ${text(data, "secret")}: ${certificateLabel(text(data, "key"), data.certIndex, data.subject)} expires on ${text(data, "notAfter")}, in ${text(data, "days")} day(s) (warning threshold: ${text(data, "threshold")} days). Renew it before then, or TLS handshakes that rely on it will fail.`,
    },
  },
  check({ simulation, now, policy }, report) {
    const threshold = policy.certificates.expiryWarningDays;
    for (const { secret, value, cert } of eachCertificate(inspectReferencedSecrets(simulation, now))) {
      if (cert.validity !== "valid" || cert.daysLeft > threshold) continue;
      report({
        at: value.at,
        resource: secret.secret,
        messageId: "expires-soon",
        // The certificate and its expiry date; the days left shrink every day.
        identity: { ...certificateData(secret, value, cert), notAfter: isoDay(cert.notAfter) },
        display: { days: cert.daysLeft, threshold },
      });
    }
  },
});
