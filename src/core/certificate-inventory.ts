/**
 * The certificates in Git that the simulated installation uses: every certificate of every Secret a route or Host
 * references (client chains, CA bundles, Host server certificates), with where it is written and who uses it. The
 * GitHub App's scans of the default branch publish it as metrics and in the dashboard issue. Public facts only: no
 * key material, PEM or base64 ever leaves src/core/certs.
 */
import type { Simulation } from "./resolve/simulate.js";
import { eachCertificate, inspectReferencedSecrets, type SecretUse } from "./secret-certs.js";
import type { HostView, RouteView } from "./views.js";

export interface InventoryCertificate {
  /** `namespace/name` of the Secret. */
  secret: string;
  namespace: string;
  /** The Secret's key the certificate is in (`tls.crt`, `root-cert.pem`, ...). */
  key: string;
  /** Position in the value's bundle (0: the first certificate, the leaf of a chain). */
  index: number;
  subject: string;
  issuer: string;
  /** ISO 8601. */
  notAfter: string;
  /** Where the value is written. */
  file: string;
  line: number;
  uses: SecretUse[];
  /** `namespace/name` of the Mappings that present it as their client certificate. */
  presentedBy: string[];
  /** `namespace/name` of the Mappings that trust it to verify their upstream. */
  trustedBy: string[];
  /** `namespace/name` of the Hosts that serve it. */
  servedBy: string[];
}

/** Every certificate the analysis's routes and Hosts use, ordered by expiry (soonest first), then by Secret. */
export function certificateInventory(
  analysis: { simulation: Simulation; routes: readonly RouteView[]; hosts: readonly HostView[] },
  now: Date,
): InventoryCertificate[] {
  const result: InventoryCertificate[] = [];
  for (const { secret, value, cert } of eachCertificate(inspectReferencedSecrets(analysis.simulation, now))) {
    const name = secret.name;
    result.push({
      secret: name,
      namespace: secret.secret.namespace,
      key: value.key,
      index: cert.index,
      subject: cert.subject,
      issuer: cert.issuer,
      notAfter: cert.notAfter.toISOString(),
      file: value.at.file,
      line: value.at.line,
      uses: [...secret.uses].sort(),
      presentedBy: unique(analysis.routes.filter((r) => r.secret === name).map((r) => r.mapping)),
      trustedBy: unique(analysis.routes.filter((r) => r.caSecret === name).map((r) => r.mapping)),
      servedBy: unique(analysis.hosts.filter((h) => h.tlsSecret === name).map((h) => h.host)),
    });
  }
  return result.sort(
    (a, b) =>
      a.notAfter.localeCompare(b.notAfter) ||
      a.secret.localeCompare(b.secret) ||
      a.key.localeCompare(b.key) ||
      a.index - b.index,
  );
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
