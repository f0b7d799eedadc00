import type { PublicKeyFacts } from "../certs/index.js";
import { keyMatchesCertificate } from "../certs/index.js";
import type { Policy } from "../policy/policy.js";
import { eachCertificate, inspectReferencedSecrets } from "../secret-certs.js";
import type { Severity } from "../types.js";
import type { MessageData } from "../types.js";
import { defineRule, text, type MessageTemplate } from "./rule.js";

type Problem = "too-small" | "below-preferred" | "dsa" | "unknown-size" | "unknown-type";
type Weakness = { severity: Severity; problem: Problem; threshold: number | null };

function assess(key: PublicKeyFacts, limits: Policy["certificates"]): Weakness | null {
  switch (key.type) {
    case "RSA":
      if (key.bits === null) return { severity: "warning", problem: "unknown-size", threshold: null };
      if (key.bits < limits.minRsaBits) return { severity: "error", problem: "too-small", threshold: limits.minRsaBits };
      if (key.bits < limits.preferredRsaBits) return { severity: "warning", problem: "below-preferred", threshold: limits.preferredRsaBits };
      return null;
    case "EC":
      if (key.bits === null) return { severity: "warning", problem: "unknown-size", threshold: null };
      if (key.bits < limits.minEcBits) return { severity: "error", problem: "too-small", threshold: limits.minEcBits };
      return null;
    case "DSA":
      return { severity: "error", problem: "dsa", threshold: null };
    case "Ed25519":
    case "Ed448":
      return null;
    default:
      return { severity: "warning", problem: "unknown-type", threshold: null };
  }
}

function where(data: MessageData): string {
  const subject = data.subject === null ? "" : ` (${text(data, "subject")})`;
  return `Secret ${text(data, "secret")}: the ${data.certIndex === null ? "private key" : "certificate"} in ${text(data, "key")}${subject}`;
}

function size(data: MessageData): string {
  return data.bits === null ? text(data, "keyType") : `${text(data, "keyType")} ${text(data, "bits")}-bit`;
}

export const rule = defineRule({
  meta: {
    id: "weak-key",
    severity: "error",
    description: "A referenced certificate or key is too weak: RSA below certificates.minRsaBits or EC below minEcBits (error), RSA below preferredRsaBits (warning), DSA.",
    messages: {
      "too-small": (data) =>
        `${where(data)} has a ${size(data)} key, below the policy's minimum of ${text(data, "threshold")} bits: it can be factored or broken, and many peers refuse it. Reissue it with RSA ${"\u2265"} 3072 bits or EC P-256 or larger.`,
      "below-preferred": (data) =>
        `${where(data)} has a ${size(data)} key, below the preferred ${text(data, "threshold")} bits (acceptable today, deprecated for protection beyond 2030). Use RSA 3072+ or EC P-256 at the next rotation.`,
      dsa: (data) => `${where(data)} has a DSA key: Go (Emissary's secret validation) and Envoy refuse DSA for TLS. Reissue it with RSA or EC.`,
      "unknown-size": (data) => `${where(data)} has a ${size(data)} key of unknown size: mtls-gate cannot tell whether it is strong enough.`,
      "unknown-type": (data) => `${where(data)} has a key of a type mtls-gate does not know: check that Envoy and the peer support it.`,
    } satisfies Record<Problem, MessageTemplate>,
  },
  check({ simulation, now, policy }, report) {
    const inspection = inspectReferencedSecrets(simulation, now);
    for (const { secret, value, cert } of eachCertificate(inspection)) {
      const weakness = assess(cert.publicKey, policy.certificates);
      if (!weakness) continue;
      report({
        at: value.at,
        resource: secret.secret,
        severity: weakness.severity,
        messageId: weakness.problem,
        // The key's type and size are the problem (a 1024-bit key is not the 2048-bit one); the policy's threshold is not.
        identity: { secret: secret.name, key: value.key, certIndex: cert.index, subject: cert.subject, keyType: cert.publicKey.type, bits: cert.publicKey.bits, problem: weakness.problem },
        display: { threshold: weakness.threshold },
      });
    }
    // A key no certificate of its Secret carries (a mismatch, or a chain that did not load) is judged on its own.
    for (const secret of inspection.secrets) {
      const key = secret.privateKey?.inspection.key;
      if (!secret.privateKey || !key) continue;
      if (secret.chain?.inspection.certificates.some((cert) => keyMatchesCertificate(key, cert))) continue;
      const weakness = assess(key.publicKey, policy.certificates);
      if (!weakness) continue;
      report({
        at: secret.privateKey.at,
        resource: secret.secret,
        severity: weakness.severity,
        messageId: weakness.problem,
        identity: { secret: secret.name, key: secret.privateKey.key, certIndex: null, subject: null, keyType: key.publicKey.type, bits: key.publicKey.bits, problem: weakness.problem },
        display: { threshold: weakness.threshold },
      });
    }
  },
});
