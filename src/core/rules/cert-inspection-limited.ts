import type { LimitNote } from "../certs/index.js";
import { certificateLabel, certificateValues, inspectReferencedSecrets } from "../secret-certs.js";
import type { Location, MessageData } from "../types.js";
import { defineRule, text, type Report } from "./rule.js";

/** What the Kubernetes API server accepts for a whole Secret. */
const KUBERNETES_SECRET_LIMIT = 1024 * 1024;

function count(data: Record<string, unknown>, key: string): string {
  const value = data[key];
  return typeof value === "number" ? value.toLocaleString("en-US") : "";
}

function certificate(data: MessageData): string {
  return data.certIndex === null ? text(data, "key") : certificateLabel(text(data, "key"), data.certIndex, data.subject);
}

function valueBytes(data: MessageData): string {
  const size = `${data.approximate === true ? "about " : ""}${count(data, "actual")} bytes`;
  const kubernetes =
    typeof data.actual === "number" && data.actual > KUBERNETES_SECRET_LIMIT
      ? " The Kubernetes API server refuses Secrets over 1 MiB, so this one cannot be applied either: Emissary never gets it."
      : "";
  return `Secret ${text(data, "secret")}: ${text(data, "key")} is ${size} once decoded, over the ${count(data, "max")}-byte inspection limit: it was not inspected, so nothing about its certificates or key is checked.${kubernetes} Store only the certificate chain (or the key) itself: a few kilobytes.`;
}

export const rule = defineRule({
  meta: {
    id: "cert-inspection-limited",
    severity: "warning",
    description: "A referenced Secret value reached an inspection limit (size, certificate count, SAN entries, RSA key size): what the limit skipped is unchecked.",
    messages: {
      "value-bytes": valueBytes,
      // Over what the API server accepts: a different problem (the Secret cannot be applied), not a bigger number.
      "value-bytes-over-api-limit": valueBytes,
      certificates: (data) => {
        const rest = typeof data.actual === "number" && typeof data.max === "number" ? (data.actual - data.max).toLocaleString("en-US") : "";
        return `Secret ${text(data, "secret")}: ${text(data, "key")} holds ${count(data, "actual")} certificates; only the first ${count(data, "max")} were inspected, the other ${rest} are unchecked (expiry, key strength, signature, CA flags). A chain needs the leaf and its intermediates; a CA bundle needs only the CAs the peer's chain ends in.`;
      },
      "san-entries": (data) =>
        `Secret ${text(data, "secret")}: the certificate in ${certificate(data)} has ${count(data, "actual")} subjectAltName entries; only the first ${count(data, "max")} DNS names and ${count(data, "max")} IP addresses are kept for the route table and messages (hostname checks still read them all). Every handshake carries them all: split such a certificate per service.`,
      "rsa-key-bits": (data) =>
        `Secret ${text(data, "secret")}: the certificate in ${certificate(data)} has a ${count(data, "actual")}-bit RSA key, over the ${count(data, "max")}-bit limit: no signature was verified with it (self-signed, chain order and issuer checks count it as unverified). Peers built on Go's crypto/tls (1.21 and later) refuse RSA certificates over 8,192 bits in a handshake by default. Reissue it with RSA 3072 or 4096, or EC P-256.`,
    },
  },
  check({ simulation, now }, report) {
    for (const secret of inspectReferencedSecrets(simulation, now).secrets) {
      const values: { key: string; at: Location; limits: readonly LimitNote[]; subjects: Map<number, string> }[] = certificateValues(secret).map((value) => ({
        key: value.key,
        at: value.at,
        limits: value.inspection.limits,
        subjects: new Map(value.inspection.certificates.map((cert) => [cert.index, cert.subject])),
      }));
      if (secret.privateKey) values.push({ key: secret.privateKey.key, at: secret.privateKey.at, limits: secret.privateKey.inspection.limits, subjects: new Map() });
      for (const value of values) {
        for (const note of value.limits) {
          const overApiLimit = note.limit === "value-bytes" && note.actual > KUBERNETES_SECRET_LIMIT;
          const finding: Report<keyof typeof rule.meta.messages> = {
            at: value.at,
            resource: secret.secret,
            messageId: overApiLimit ? "value-bytes-over-api-limit" : note.limit,
            identity: {
              secret: secret.name,
              key: value.key,
              limit: note.limit,
              certIndex: note.certIndex ?? null,
              subject: note.certIndex === undefined ? null : (value.subjects.get(note.certIndex) ?? null),
            },
            // How far over the limit: the same problem whatever the number.
            display: { actual: note.actual, max: note.max, approximate: note.approximate },
          };
          if (overApiLimit) finding.severity = "error";
          // Nothing is left unchecked by the SAN cap (hostname checks read every entry): only outputs are shortened.
          if (note.limit === "san-entries") finding.severity = "notice";
          report(finding);
        }
      }
    }
  },
});
