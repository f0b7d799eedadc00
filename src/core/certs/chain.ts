import type { CertificateFacts, PrivateKeyFacts } from "./types.js";

/** Pairing and ordering checks over certificate facts. `issuedBy` comes from the inspector, which caches it. */

export type IssuedBy = (child: CertificateFacts, parent: CertificateFacts) => boolean;

/** Whether the private key belongs to the certificate (same public key; both hashes from OpenSSL's encoding). */
export function keyMatchesCertificate(key: PrivateKeyFacts, cert: CertificateFacts): boolean {
  return key.publicKey.sha256 !== null && key.publicKey.sha256 === cert.publicKey.sha256;
}

export interface ChainOrderReport {
  /** Index (in the list given) of the certificate that matches the key; null without a key or when none matches. */
  readonly keyMatchIndex: number | null;
  /** Whether the first certificate is the key's; null when no key was given. */
  readonly leafMatchesKey: boolean | null;
  /** For each adjacent pair: is certs[i] issued by certs[i + 1]? */
  readonly links: readonly { readonly index: number; readonly issuedByNext: boolean }[];
  /** For each certificate, the index of another certificate in the list that issued it, or null. */
  readonly issuerIndexes: readonly (number | null)[];
  /** Every link holds, and the leaf matches the key when a key was given. */
  readonly inOrder: boolean;
  /** The last certificate reached by following issuers from the leaf (the key's certificate, else the first). */
  readonly topIndex: number | null;
  /** Whether that certificate is self-signed; false means its issuer must come from elsewhere (the peer's CA). */
  readonly topSelfSigned: boolean;
}

export function findIssuerIndex(
  cert: CertificateFacts,
  candidates: readonly CertificateFacts[],
  issuedBy: IssuedBy,
): number | null {
  const index = candidates.findIndex((candidate) => candidate !== cert && issuedBy(cert, candidate));
  return index < 0 ? null : index;
}

function followIssuers(start: number, issuerIndexes: readonly (number | null)[]): number {
  const visited = new Set<number>([start]);
  let current = start;
  for (;;) {
    const next = issuerIndexes[current] ?? null;
    if (next === null || visited.has(next)) return current;
    visited.add(next);
    current = next;
  }
}

export function checkChainOrder(
  certs: readonly CertificateFacts[],
  key: PrivateKeyFacts | null,
  issuedBy: IssuedBy,
): ChainOrderReport {
  const matchIndex = key === null ? -1 : certs.findIndex((cert) => keyMatchesCertificate(key, cert));
  const keyMatchIndex = matchIndex < 0 ? null : matchIndex;
  const leafMatchesKey = key === null ? null : keyMatchIndex === 0;
  const links = certs.slice(0, -1).map((cert, index) => {
    const next = certs[index + 1];
    return { index, issuedByNext: next !== undefined && issuedBy(cert, next) };
  });
  const issuerIndexes = certs.map((cert) => findIssuerIndex(cert, certs, issuedBy));
  const start = keyMatchIndex ?? 0;
  const topIndex = certs.length === 0 ? null : followIssuers(start, issuerIndexes);
  const top = topIndex === null ? undefined : certs[topIndex];
  return {
    keyMatchIndex,
    leafMatchesKey,
    links,
    issuerIndexes,
    inOrder: leafMatchesKey !== false && links.every((link) => link.issuedByNext),
    topIndex,
    topSelfSigned: top?.selfSigned ?? false,
  };
}
