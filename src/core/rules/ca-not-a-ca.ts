import { certificateData, certificateLabel, inspectReferencedSecrets } from "../secret-certs.js";
import { legacyRule, text } from "./rule.js";

export const rule = legacyRule({
  meta: {
    id: "ca-not-a-ca",
    severity: "warning",
    description: "A certificate in a ca_secret cannot act as an issuer for OpenSSL/BoringSSL: no basicConstraints cA=TRUE (v1 self-signed roots excepted), or a keyUsage without keyCertSign.",
  },
  message(data) {
    const why =
      data.problem === "no-key-cert-sign"
        ? "has basicConstraints cA=TRUE but a keyUsage without keyCertSign"
        : data.problem === "ca-false"
          ? "has basicConstraints cA=FALSE"
          : "has no basicConstraints extension";
    return `Secret ${text(data, "secret")} (a ca_secret): ${certificateLabel(text(data, "key"), data.certIndex, data.subject)} ${why}, so OpenSSL and BoringSSL (Envoy) do not accept it as an issuer: upstream certificates it signed fail verification. Put the issuing CA's certificate in the Secret (a leaf can only be trusted by pinning it).`;
  },
  check({ simulation, now }, report) {
    for (const secret of inspectReferencedSecrets(simulation, now).secrets) {
      if (!secret.ca) continue;
      for (const cert of secret.ca.inspection.certificates) {
        const constraints = cert.basicConstraints;
        let problem: string | null = null;
        if (!constraints.cA) {
          if (cert.version === 1 && cert.selfSigned) continue;
          problem = constraints.present ? "ca-false" : "no-basic-constraints";
        } else if (cert.keyUsage !== null && !cert.keyUsage.includes("keyCertSign")) {
          problem = "no-key-cert-sign";
        }
        if (!problem) continue;
        report({ at: secret.ca.at, resource: secret.secret, data: { ...certificateData(secret, secret.ca, cert), problem } });
      }
    }
  },
});
