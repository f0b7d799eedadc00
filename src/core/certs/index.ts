/**
 * Certificate and private key inspection for Secret values: pure (time is a parameter), cached, and free of secret
 * material in its results. Most callers want `defaultCertInspector` or the wrappers below.
 */
import { defaultCertInspector } from "./inspector.js";
import type { SecretValueOrigin } from "./decode.js";
import type { ChainOrderReport } from "./chain.js";
import type { CertificateBundleInspection, CertificateFacts, PrivateKeyFacts, PrivateKeyInspection } from "./types.js";

export { CertInspector, defaultCertInspector, type CertInspectorStats } from "./inspector.js";
export {
  decodeSecretValue,
  type DecodedSecretValue,
  type SecretValueEncoding,
  type SecretValueOrigin,
} from "./decode.js";
export { keyMatchesCertificate, type ChainOrderReport } from "./chain.js";
export { hostnameMatchesPattern, matchHostname } from "./hostname.js";
export { DEFAULT_LIMITS, type CertLimits } from "./limits.js";
export type { CertProblem, CertProblemCode, CertProblemKind } from "./problems.js";
export type * from "./types.js";

export function inspectCertificateValue(
  value: string,
  origin: SecretValueOrigin,
  now: Date,
): CertificateBundleInspection {
  return defaultCertInspector.inspectCertificateValue(value, origin, now);
}

export function inspectPrivateKeyValue(value: string, origin: SecretValueOrigin): PrivateKeyInspection {
  return defaultCertInspector.inspectPrivateKeyValue(value, origin);
}

export function inspectCertificates(bytes: Uint8Array, now: Date): CertificateBundleInspection {
  return defaultCertInspector.inspectCertificates(bytes, now);
}

export function inspectPrivateKey(bytes: Uint8Array): PrivateKeyInspection {
  return defaultCertInspector.inspectPrivateKey(bytes);
}

export function issuedBy(child: CertificateFacts, parent: CertificateFacts): boolean {
  return defaultCertInspector.issuedBy(child, parent);
}

export function findIssuer(cert: CertificateFacts, candidates: readonly CertificateFacts[]): CertificateFacts | null {
  return defaultCertInspector.findIssuer(cert, candidates);
}

export function checkChainOrder(certs: readonly CertificateFacts[], key: PrivateKeyFacts | null): ChainOrderReport {
  return defaultCertInspector.checkChainOrder(certs, key);
}
