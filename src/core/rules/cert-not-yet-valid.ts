import { certificateData, certificateLabel, eachCertificate, inspectReferencedSecrets, isoDay } from "../secret-certs.js";
import { defineRule, text } from "./rule.js";

const DAY_MS = 86_400_000;

export const rule = defineRule({
  meta: {
    id: "cert-not-yet-valid",
    severity: "error",
    description: "A certificate in a referenced Secret is not valid yet (its notBefore is in the future): handshakes using it fail until then.",
    messages: {
      "not-yet-valid": (data) =>
        `Secret ${text(data, "secret")}: ${certificateLabel(text(data, "key"), data.certIndex, data.subject)} is not valid before ${text(data, "notBefore")} (in ${text(data, "days")} day(s)). Peers refuse it until then, so TLS handshakes that rely on it fail. Check the issuing clock or the validity dates, or reissue it.`,
    },
  },
  check({ simulation, now }, report) {
    for (const { secret, value, cert } of eachCertificate(inspectReferencedSecrets(simulation, now))) {
      if (cert.validity !== "not-yet-valid") continue;
      const days = Math.max(1, Math.ceil((cert.notBefore.getTime() - now.getTime()) / DAY_MS));
      report({
        at: value.at,
        resource: secret.secret,
        messageId: "not-yet-valid",
        identity: { ...certificateData(secret, value, cert), notBefore: isoDay(cert.notBefore) },
        display: { days },
      });
    }
  },
});
