import { certificateData, certificateLabel, eachCertificate, inspectReferencedSecrets, isoDay } from "../secret-certs.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "cert-expired",
    severity: "error",
    description: "A certificate in a referenced Secret (client or Host chain, or CA bundle) has expired: handshakes using it fail.",
    messages: {
      expired: (data) =>
        `Secret ${text(data, "secret")}: ${certificateLabel(text(data, "key"), data.certIndex, data.subject)} expired on ${text(data, "notAfter")} (${text(data, "days")} day(s) ago). Peers refuse an expired certificate, so every TLS handshake that relies on it fails. Renew it and update the Secret.`,
    },
  },
  check({ simulation, now }, report) {
    for (const { secret, value, cert } of eachCertificate(inspectReferencedSecrets(simulation, now))) {
      if (cert.validity !== "expired") continue;
      report({
        at: value.at,
        resource: secret.secret,
        messageId: "expired",
        // The certificate and its expiry date; how many days ago that was grows every day.
        identity: { ...certificateData(secret, value, cert), notAfter: isoDay(cert.notAfter) },
        display: { days: Math.max(1, -cert.daysLeft) },
      });
    }
  },
});
