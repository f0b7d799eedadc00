import type { Model } from "../model/build.js";
import { documentLocation, resourceId, type ResourceBase } from "../model/resources.js";
import { isObject } from "../model/values.js";
import { EXT_KEY_USAGES } from "../resolve/issued-secrets.js";
import { originationClientSecrets } from "../secret-certs.js";
import type { Location, MessageData, Severity } from "../types.js";
import { secretReferences } from "./lookups.js";
import { defineRule, text } from "./rule.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** cert-manager's default duration: 90 days. */
const DEFAULT_DURATION_MS = 2160 * HOUR_MS;
const MIN_RENEW_BEFORE_MS = 7 * DAY_MS;

const UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, "\u00b5s": 1e-3, ms: 1, s: 1000, m: 60_000, h: HOUR_MS };

/** A Go duration ("2160h", "720h0m0s", "1h30m") in milliseconds, or null when it is not one. */
export function parseGoDuration(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  if (trimmed === "" || trimmed === "0") return trimmed === "0" ? 0 : null;
  const pattern = /(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (const match of trimmed.matchAll(pattern)) {
    total += Number(match[1]) * (UNITS[match[2] ?? ""] ?? 0);
    consumed += match[0].length;
  }
  return consumed === trimmed.length ? total : null;
}

/**
 * Whether the Certificate's issuer is in Git and signs exactly the usages asked for: a CA or selfSigned Issuer or
 * ClusterIssuer of cert-manager's own group. Such a certificate asked for no extended key usage carries no
 * extendedKeyUsage extension at all (cert-manager's BuildKeyUsages), and a certificate without one may serve any
 * purpose, client authentication included, in OpenSSL, BoringSSL and Go alike. An ACME issuer's CA adds serverAuth
 * only, and Vault's or an external issuer's add what their own configuration says: those stay reported.
 */
function signsUsagesAsAsked(model: Model, certificate: ResourceBase): boolean {
  const ref = isObject(certificate.spec.issuerRef) ? certificate.spec.issuerRef : {};
  const name = typeof ref.name === "string" ? ref.name : undefined;
  const kind = typeof ref.kind === "string" ? ref.kind : "Issuer";
  const group = typeof ref.group === "string" ? ref.group : "cert-manager.io";
  if (!name || group !== "cert-manager.io" || (kind !== "Issuer" && kind !== "ClusterIssuer")) return false;
  const issuer = model.issuers.get(resourceId(kind, kind === "Issuer" ? certificate.namespace : "", name));
  return issuer !== undefined && (isObject(issuer.spec.ca) || isObject(issuer.spec.selfSigned));
}

function days(ms: number): number {
  return Math.round((ms / DAY_MS) * 100) / 100;
}

type ProblemId = "weak-key" | "renew-late" | "any-usage" | "no-client-auth";

interface Problem {
  at: Location;
  severity: Severity;
  problem: ProblemId;
  /** What the Certificate asks for that is wrong (identity, with the Certificate, its Secret and the problem). */
  identity: MessageData;
  display: MessageData;
}

const head = (data: MessageData) => `Certificate ${text(data, "certificate")} (Secret ${text(data, "secret")})`;

function field(resource: ResourceBase, ...paths: string[][]): Location {
  for (const path of paths) {
    let node: unknown = { spec: resource.spec };
    let found = true;
    for (const segment of path) {
      if (!isObject(node) || !(segment in node)) {
        found = false;
        break;
      }
      node = node[segment];
    }
    if (found) return documentLocation(resource, path);
  }
  return documentLocation(resource, ["spec", "secretName"]);
}

export const rule = defineRule({
  meta: {
    id: "cert-manager-weak-spec",
    severity: "error",
    description: "A cert-manager Certificate providing a referenced Secret asks for a weak key, renews too late, or lacks \"client auth\" for a client certificate.",
    messages: {
      "weak-key": (data) =>
        `${head(data)} asks for an ${text(data, "algorithm")} ${text(data, "size")}-bit key${data.defaulted ? " (cert-manager's default)" : ""}, below the policy's ${data.threshold === data.minimum ? "minimum" : "preferred"} of ${text(data, "threshold")} bits. Set spec.privateKey (e.g. {algorithm: ECDSA, size: 256} or {algorithm: RSA, size: 3072}) and rotationPolicy: Always.`,
      "renew-late": (data) =>
        `${head(data)} renews only ${text(data, "renewBeforeDays")} day(s) before expiry (renewBefore ${text(data, "renewBefore")}, duration ${text(data, "duration")}): a failed issuance leaves less than ${text(data, "minimumDays")} day(s) to notice and fix it before the certificate expires. Raise renewBefore (cert-manager's default is a third of the duration).`,
      "any-usage": (data) =>
        `${head(data)} is the client certificate of TLSContext ${text(data, "contexts")} and its usages give "any" but not "client auth": OpenSSL and BoringSSL (Envoy) refuse anyExtendedKeyUsage for client authentication, though Go accepts it. Add "client auth" to spec.usages.`,
      "no-client-auth": (data) =>
        `${head(data)} is the client certificate of TLSContext ${text(data, "contexts")}, but its usages ${data.usages === null ? "are cert-manager's default (digital signature, key encipherment)" : `(${text(data, "usages")})`} lack "client auth"${data.noExtendedUsage ? ", and its issuer is not a CA or selfSigned Issuer in Git (one that writes no extendedKeyUsage when none is asked, which would allow any purpose)" : ""}: upstreams refuse it as a client certificate and the mTLS handshake fails. Set spec.usages: [digital signature, key encipherment, client auth].`,
    },
  },
  check({ model, simulation, policy }, report) {
    const clients = originationClientSecrets(simulation.routes);
    const seen = new Set<string>();
    for (const reference of secretReferences(simulation)) {
      const provider = reference.lookup.provider;
      const resource = provider?.resource;
      if (provider?.kind !== "cert-manager" || !resource || seen.has(resource.id)) continue;
      seen.add(resource.id);
      const spec = resource.spec;
      const certificate = `${resource.namespace}/${resource.name}`;
      const secret = `${provider.namespace}/${provider.secretName}`;
      const problems: Problem[] = [];

      const privateKey = isObject(spec.privateKey) ? spec.privateKey : {};
      const algorithm = typeof privateKey.algorithm === "string" ? privateKey.algorithm : "RSA";
      const writtenSize = typeof privateKey.size === "number" ? privateKey.size : undefined;
      const keyAt = field(resource, ["spec", "privateKey", "size"], ["spec", "privateKey", "algorithm"], ["spec", "privateKey"]);
      const limits = policy.certificates;
      if (algorithm.toUpperCase() === "RSA") {
        const size = writtenSize ?? 2048;
        const threshold = size < limits.minRsaBits ? limits.minRsaBits : size < limits.preferredRsaBits ? limits.preferredRsaBits : null;
        if (threshold !== null) {
          problems.push({
            at: keyAt,
            severity: size < limits.minRsaBits ? "error" : "warning",
            problem: "weak-key",
            identity: { algorithm: "RSA", size },
            display: { defaulted: writtenSize === undefined, threshold, minimum: limits.minRsaBits },
          });
        }
      } else if (algorithm.toUpperCase() === "ECDSA") {
        const size = writtenSize ?? 256;
        if (size < limits.minEcBits) {
          problems.push({
            at: keyAt,
            severity: "error",
            problem: "weak-key",
            identity: { algorithm: "ECDSA", size },
            display: { defaulted: writtenSize === undefined, threshold: limits.minEcBits, minimum: limits.minEcBits },
          });
        }
      }

      const renewBefore = parseGoDuration(spec.renewBefore);
      if (renewBefore !== null) {
        const duration = parseGoDuration(spec.duration) ?? DEFAULT_DURATION_MS;
        const minimum = Math.min(MIN_RENEW_BEFORE_MS, duration / 3);
        if (renewBefore < minimum) {
          problems.push({
            at: field(resource, ["spec", "renewBefore"]),
            severity: "warning",
            problem: "renew-late",
            identity: {},
            // How late: the same problem whatever the durations.
            display: {
              renewBefore: String(spec.renewBefore),
              duration: typeof spec.duration === "string" ? spec.duration : "2160h (default)",
              renewBeforeDays: days(renewBefore),
              minimumDays: days(minimum),
            },
          });
        }
      }

      const client = clients.get(secret);
      if (client) {
        const usages = Array.isArray(spec.usages) ? spec.usages.filter((u): u is string => typeof u === "string").map((u) => u.toLowerCase()) : null;
        // No extended key usage asked of an issuer that signs as asked: no extendedKeyUsage extension, any purpose.
        const noExtendedUsage = !(usages ?? []).some((u) => EXT_KEY_USAGES[u] !== undefined);
        if (!usages?.includes("client auth") && !(noExtendedUsage && signsUsagesAsAsked(model, resource))) {
          const anyUsage = usages?.includes("any") ?? false;
          problems.push({
            at: field(resource, ["spec", "usages"]),
            severity: anyUsage ? "warning" : "error",
            problem: anyUsage ? "any-usage" : "no-client-auth",
            identity: {},
            display: { usages: usages ? usages.join(", ") : null, contexts: client.contexts.join(", "), noExtendedUsage },
          });
        }
      }

      for (const problem of problems) {
        report({
          at: problem.at,
          resource,
          severity: problem.severity,
          messageId: problem.problem,
          identity: { certificate, secret, problem: problem.problem, ...problem.identity },
          display: problem.display,
        });
      }
    }
  },
});
