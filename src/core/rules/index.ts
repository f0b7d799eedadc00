/** Every rule, sorted by id. A rule file is named after its id; the meta-tests check this list against the folder. */
import type { Rule } from "./rule.js";
import { rule as ambassadorIdMismatch } from "./ambassador-id-mismatch.js";
import { rule as hostNotBound } from "./host-not-bound.js";
import { rule as listenerBindsNothing } from "./listener-binds-nothing.js";
import { rule as plaintextToTlsPort } from "./plaintext-to-tls-port.js";
import { rule as caCertAsLeaf } from "./ca-cert-as-leaf.js";
import { rule as caNotACa } from "./ca-not-a-ca.js";
import { rule as caSecretInCaCrt } from "./ca-secret-in-ca-crt.js";
import { rule as certExpired } from "./cert-expired.js";
import { rule as certExpiresSoon } from "./cert-expires-soon.js";
import { rule as certHostnameMismatch } from "./cert-hostname-mismatch.js";
import { rule as certInspectionLimited } from "./cert-inspection-limited.js";
import { rule as certInvalid } from "./cert-invalid.js";
import { rule as certMalformed } from "./cert-malformed.js";
import { rule as certManagerWeakSpec } from "./cert-manager-weak-spec.js";
import { rule as certMissingClientAuth } from "./cert-missing-client-auth.js";
import { rule as certNoSan } from "./cert-no-san.js";
import { rule as certNotYetValid } from "./cert-not-yet-valid.js";
import { rule as chainIncomplete } from "./chain-incomplete.js";
import { rule as chainMisordered } from "./chain-misordered.js";
import { rule as clientCertIsServerCert } from "./client-cert-is-server-cert.js";
import { rule as duplicateResource } from "./duplicate-resource.js";
import { rule as fileSkipped } from "./file-skipped.js";
import { rule as fileTooLarge } from "./file-too-large.js";
import { rule as handshakeClientUntrusted } from "./handshake-client-untrusted.js";
import { rule as handshakeExpirySkew } from "./handshake-expiry-skew.js";
import { rule as handshakeServerUntrusted } from "./handshake-server-untrusted.js";
import { rule as hostContextMismatch } from "./host-context-mismatch.js";
import { rule as hostTlsIgnored } from "./host-tls-ignored.js";
import { rule as hostTlsSecretNotFound } from "./host-tls-secret-not-found.js";
import { rule as internalError } from "./internal-error.js";
import { rule as invalidSuppression } from "./invalid-suppression.js";
import { rule as istioSecretNamespacing } from "./istio-secret-namespacing.js";
import { rule as keyCertMismatch } from "./key-cert-mismatch.js";
import { rule as kustomizePatchNoTarget } from "./kustomize-patch-no-target.js";
import { rule as kustomizeRenamedReference } from "./kustomize-renamed-reference.js";
import { rule as kustomizeSecretNameHashed } from "./kustomize-secret-name-hashed.js";
import { rule as legacyTerminationIgnored } from "./legacy-termination-ignored.js";
import { rule as mappingHttpSchemeWithTls } from "./mapping-http-scheme-with-tls.js";
import { rule as mappingRejected } from "./mapping-rejected.js";
import { rule as mappingSharedClusterTlsConflict } from "./mapping-shared-cluster-tls-conflict.js";
import { rule as mappingTlsContextNotFound } from "./mapping-tls-context-not-found.js";
import { rule as mtlsDowngrade } from "./mtls-downgrade.js";
import { rule as mtlsRequired } from "./mtls-required.js";
import { rule as notKubernetesObject } from "./not-kubernetes-object.js";
import { rule as policyInvalid } from "./policy-invalid.js";
import { rule as renderFailed } from "./render-failed.js";
import { rule as renderRefused } from "./render-refused.js";
import { rule as renderUnavailable } from "./render-unavailable.js";
import { rule as secretMissingCertificate } from "./secret-missing-certificate.js";
import { rule as secretMissingPrivateKey } from "./secret-missing-private-key.js";
import { rule as secretPrivateKeyInGit } from "./secret-private-key-in-git.js";
import { rule as secretSopsEncrypted } from "./secret-sops-encrypted.js";
import { rule as secretUnsupportedType } from "./secret-unsupported-type.js";
import { rule as suppressionAdded } from "./suppression-added.js";
import { rule as suppressionExpired } from "./suppression-expired.js";
import { rule as suppressionNotAllowed } from "./suppression-not-allowed.js";
import { rule as suppressionPending } from "./suppression-pending.js";
import { rule as tlsContextCaSecretNotFound } from "./tls-context-ca-secret-not-found.js";
import { rule as tlsContextCaWithoutCertificate } from "./tls-context-ca-without-certificate.js";
import { rule as tlsContextCertAndSecret } from "./tls-context-cert-and-secret.js";
import { rule as tlsContextCrlSecretNotFound } from "./tls-context-crl-secret-not-found.js";
import { rule as tlsContextIncompleteCertFiles } from "./tls-context-incomplete-cert-files.js";
import { rule as tlsContextNameCollision } from "./tls-context-name-collision.js";
import { rule as tlsContextNoCertificate } from "./tls-context-no-certificate.js";
import { rule as tlsContextSecretNotFound } from "./tls-context-secret-not-found.js";
import { rule as tlsContextUnused } from "./tls-context-unused.js";
import { rule as unknownField } from "./unknown-field.js";
import { rule as unsupportedApiVersion } from "./unsupported-api-version.js";
import { rule as upstreamIdentityUnchecked } from "./upstream-identity-unchecked.js";
import { rule as upstreamUnverified } from "./upstream-unverified.js";
import { rule as weakKey } from "./weak-key.js";
import { rule as weakSignature } from "./weak-signature.js";
import { rule as weakTlsProtocol } from "./weak-tls-protocol.js";
import { rule as yamlSyntax } from "./yaml-syntax.js";

const ALL = [
  ambassadorIdMismatch,
  caCertAsLeaf,
  caNotACa,
  caSecretInCaCrt,
  certExpired,
  certExpiresSoon,
  certHostnameMismatch,
  certInspectionLimited,
  certInvalid,
  certMalformed,
  certManagerWeakSpec,
  certMissingClientAuth,
  certNoSan,
  certNotYetValid,
  chainIncomplete,
  chainMisordered,
  clientCertIsServerCert,
  duplicateResource,
  fileSkipped,
  fileTooLarge,
  handshakeClientUntrusted,
  handshakeExpirySkew,
  handshakeServerUntrusted,
  hostContextMismatch,
  hostNotBound,
  hostTlsIgnored,
  hostTlsSecretNotFound,
  internalError,
  invalidSuppression,
  istioSecretNamespacing,
  keyCertMismatch,
  kustomizePatchNoTarget,
  kustomizeRenamedReference,
  kustomizeSecretNameHashed,
  legacyTerminationIgnored,
  listenerBindsNothing,
  mappingHttpSchemeWithTls,
  mappingRejected,
  mappingSharedClusterTlsConflict,
  mappingTlsContextNotFound,
  mtlsDowngrade,
  mtlsRequired,
  notKubernetesObject,
  plaintextToTlsPort,
  policyInvalid,
  renderFailed,
  renderRefused,
  renderUnavailable,
  secretMissingCertificate,
  secretMissingPrivateKey,
  secretPrivateKeyInGit,
  secretSopsEncrypted,
  secretUnsupportedType,
  suppressionAdded,
  suppressionExpired,
  suppressionNotAllowed,
  suppressionPending,
  tlsContextCaSecretNotFound,
  tlsContextCaWithoutCertificate,
  tlsContextCertAndSecret,
  tlsContextCrlSecretNotFound,
  tlsContextIncompleteCertFiles,
  tlsContextNameCollision,
  tlsContextNoCertificate,
  tlsContextSecretNotFound,
  tlsContextUnused,
  unknownField,
  unsupportedApiVersion,
  upstreamIdentityUnchecked,
  upstreamUnverified,
  weakKey,
  weakSignature,
  weakTlsProtocol,
  yamlSyntax,
] as const;

/** The id of every rule: a rule id written anywhere in the code as this type is checked by the compiler. */
export type RuleId = (typeof ALL)[number]["meta"]["id"];

export const RULES: readonly Rule[] = ALL;

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.meta.id, rule]));
