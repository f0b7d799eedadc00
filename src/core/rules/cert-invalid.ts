import type { CertProblem } from "../certs/index.js";
import { certificateValues, inspectReferencedSecrets } from "../secret-certs.js";
import { text, type Report, type Rule } from "./rule.js";

const INVALID_KINDS: ReadonlySet<CertProblem["kind"]> = new Set(["invalid-base64", "cert-invalid", "encrypted-key"]);

export const rule: Rule = {
  meta: {
    id: "cert-invalid",
    severity: "error",
    description: "A referenced Secret's tls.crt, tls.key or CA bundle cannot be loaded (bad base64, no PEM, DER, unparseable X.509, unsupported or encrypted key).",
  },
  message(data) {
    const which = data.certIndex === null ? "" : ` (certificate ${text(data, "certIndex")})`;
    const consequence =
      data.kind === "encrypted-key"
        ? "Envoy has no passphrase for it and cannot load the certificate: the TLS handshake fails. Store the key unencrypted (in a SealedSecret, an ExternalSecret or SOPS)."
        : "Emissary's secret validation refuses such a Secret (with AMBASSADOR_FORCE_SECRET_VALIDATION it is withheld and the context fails as \"found no certificate\"; without it Envoy fails to load it). Store PEM: base64 of the PEM text under data:, or the PEM itself under stringData:.";
    return `Secret ${text(data, "secret")}: ${text(data, "key")}${which} cannot be loaded: ${text(data, "reason")}. ${consequence}`;
  },
  check({ simulation, now }, report) {
    for (const secret of inspectReferencedSecrets(simulation, now).secrets) {
      const values = [
        ...certificateValues(secret).map((v) => ({ key: v.key, at: v.at, problems: v.inspection.problems })),
        ...(secret.privateKey ? [{ key: secret.privateKey.key, at: secret.privateKey.at, problems: secret.privateKey.inspection.problems }] : []),
      ];
      for (const value of values) {
        const seen = new Set<string>();
        for (const problem of value.problems) {
          if (!INVALID_KINDS.has(problem.kind)) continue;
          const id = `${problem.code}/${problem.certIndex ?? ""}`;
          if (seen.has(id)) continue;
          seen.add(id);
          const finding: Report = {
            at: value.at,
            resource: secret.secret,
            data: { secret: secret.name, key: value.key, kind: problem.kind, code: problem.code, reason: problem.reason, certIndex: problem.certIndex ?? null },
          };
          report(finding);
        }
      }
    }
  },
};
