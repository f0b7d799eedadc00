import type { CertProblem } from "../certs/index.js";
import { certificateValues, inspectReferencedSecrets } from "../secret-certs.js";
import type { MessageData } from "../types.js";
import { defineRule, text } from "./rule.js";

const INVALID_KINDS: ReadonlySet<CertProblem["kind"]> = new Set(["invalid-base64", "cert-invalid", "encrypted-key"]);

function cannotLoad(data: MessageData, consequence: string): string {
  const which = data.certIndex === null ? "" : ` (certificate ${text(data, "certIndex")})`;
  return `Secret ${text(data, "secret")}: ${text(data, "key")}${which} cannot be loaded: ${text(data, "reason")}. ${consequence}`;
}

export const rule = defineRule({
  meta: {
    id: "cert-invalid",
    severity: "error",
    description: "A referenced Secret's tls.crt, tls.key or CA bundle cannot be loaded (bad base64, no PEM, DER, unparseable X.509, unsupported or encrypted key).",
    messages: {
      "encrypted-key": (data) =>
        cannotLoad(
          data,
          "Envoy has no passphrase for it and cannot load the certificate: the TLS handshake fails. Store the key unencrypted (in a SealedSecret, an ExternalSecret or SOPS).",
        ),
      unloadable: (data) =>
        cannotLoad(
          data,
          "Emissary's secret validation refuses such a Secret (with AMBASSADOR_FORCE_SECRET_VALIDATION it is withheld and the context fails as \"found no certificate\"; without it Envoy fails to load it). Store PEM: base64 of the PEM text under data:, or the PEM itself under stringData:.",
        ),
    },
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
          report({
            at: value.at,
            resource: secret.secret,
            messageId: problem.kind === "encrypted-key" ? "encrypted-key" : "unloadable",
            // The problem's code names it; the reason is its prose.
            identity: { secret: secret.name, key: value.key, kind: problem.kind, code: problem.code, certIndex: problem.certIndex ?? null },
            display: { reason: problem.reason },
          });
        }
      }
    }
  },
});
