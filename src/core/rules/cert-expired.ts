import { certificateData, certificateLabel, eachCertificate, inspectReferencedSecrets, isoDay } from "../secret-certs.js";
import { text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "cert-expired",
    severity: "error",
    description: "A certificate in a referenced Secret (client or Host chain, or CA bundle) has expired: handshakes using it fail.",
  },
  message(data) {
    return `Secret ${text(data, "secret")}: ${certificateLabel(text(data, "key"), data.certIndex, data.subject)} expired on ${text(data, "notAfter")} (${text(data, "days")} day(s) ago). Peers refuse an expired certificate, so every TLS handshake that relies on it fails. Renew it and update the Secret.`;
  },
  check({ simulation, now }, report) {
    for (const { secret, value, cert } of eachCertificate(inspectReferencedSecrets(simulation, now))) {
      if (cert.validity !== "expired") continue;
      report({
        at: value.at,
        resource: secret.secret,
        data: { ...certificateData(secret, value, cert), notAfter: isoDay(cert.notAfter), days: Math.max(1, -cert.daysLeft) },
      });
    }
  },
};
