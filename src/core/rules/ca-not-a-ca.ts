import { certificateData, certificateLabel, inspectReferencedSecrets } from "../secret-certs.js";
import { defineRule, text, type MessageTemplate } from "./rule.js";

const message =
  (why: string): MessageTemplate =>
  (data) =>
    `Secret ${text(data, "secret")} (a ca_secret): ${certificateLabel(text(data, "key"), data.certIndex, data.subject)} ${why}, so OpenSSL and BoringSSL (Envoy) do not accept it as an issuer: upstream certificates it signed fail verification. Put the issuing CA's certificate in the Secret (a leaf can only be trusted by pinning it).`;

export const rule = defineRule({
  meta: {
    id: "ca-not-a-ca",
    severity: "warning",
    description: "A certificate in a ca_secret cannot act as an issuer for OpenSSL/BoringSSL: no basicConstraints cA=TRUE (v1 self-signed roots excepted), or a keyUsage without keyCertSign.",
    messages: {
      "no-key-cert-sign": message("has basicConstraints cA=TRUE but a keyUsage without keyCertSign"),
      "ca-false": message("has basicConstraints cA=FALSE"),
      "no-basic-constraints": message("has no basicConstraints extension"),
    },
  },
  check({ simulation, now }, report) {
    for (const secret of inspectReferencedSecrets(simulation, now).secrets) {
      if (!secret.ca) continue;
      for (const cert of secret.ca.inspection.certificates) {
        const constraints = cert.basicConstraints;
        let problem: "ca-false" | "no-basic-constraints" | "no-key-cert-sign" | null = null;
        if (!constraints.cA) {
          if (cert.version === 1 && cert.selfSigned) continue;
          problem = constraints.present ? "ca-false" : "no-basic-constraints";
        } else if (cert.keyUsage !== null && !cert.keyUsage.includes("keyCertSign")) {
          problem = "no-key-cert-sign";
        }
        if (!problem) continue;
        report({ at: secret.ca.at, resource: secret.secret, messageId: problem, identity: { ...certificateData(secret, secret.ca, cert), problem } });
      }
    }
  },
});
