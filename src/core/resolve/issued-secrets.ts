/**
 * Secrets cert-manager writes from a Certificate in Git (issue 20): when the Certificate's issuer is a CA issuer whose key
 * pair Secret is in Git, what the Secret will hold is known up to the leaf's key and serial: `tls.crt` is a leaf the
 * issuing CA signs followed by the CA's own chain, `ca.crt` is the top of that chain (cert-manager's SignCSRTemplate and
 * the CA issuer). The leaf's extensions come from `spec.usages` (BuildKeyUsages: `digital signature, key encipherment`
 * when unset, and no extendedKeyUsage unless a usage names one). Other issuers (ACME, Vault, selfSigned, external
 * groups) sign with keys Git does not hold: the Secret's contents are unknown, and nothing is reported about them.
 */
import type { Model } from "../model/build.js";
import { documentLocation, resourceId, secretKey, type ResourceBase, type SecretResource } from "../model/resources.js";
import { asName, asObject, asString } from "../model/values.js";
import type { Location } from "../types.js";
import { loadCertificates, type LoadedCert, type PlannedLeaf } from "./chain-verify.js";

/** cert-manager's `--cluster-resource-namespace` default: where a ClusterIssuer's CA Secret is read from. */
export const CLUSTER_RESOURCE_NAMESPACE = "cert-manager";

/** A Secret a Certificate produces, signed by a CA whose key pair is in Git. */
export interface IssuedSecret {
  certificate: ResourceBase;
  /** Where the Secret "is written": the Certificate's `spec.secretName`. */
  at: Location;
  /** `Issuer namespace/name` or `ClusterIssuer name`. */
  issuerName: string;
  issuer: ResourceBase;
  /** The issuer's CA key pair Secret and where its `tls.crt` is written. */
  caSecret: SecretResource;
  caAt: Location;
  /** The CA's chain from its `tls.crt`, the issuing CA first (what cert-manager appends after the leaf). */
  caCerts: readonly LoadedCert[];
  /** The leaf cert-manager will issue, as far as the Certificate says. */
  planned: PlannedLeaf;
  /** `spec.dnsNames`, `spec.ipAddresses` and `spec.commonName`: the names the leaf will carry. */
  names: readonly string[];
  usages: readonly string[];
}

/** What a Certificate-produced Secret holds: known, or unknown with why (the Certificate is still where it is written). */
export type Issued =
  { state: "known"; issued: IssuedSecret } | { state: "unknown"; why: string; certificate: ResourceBase; at: Location };

/** cert-manager's usage names and the keyUsage bits they set (cert-manager's apiutil.KeyUsageType). */
const KEY_USAGES: Readonly<Record<string, string>> = {
  signing: "digitalSignature",
  "digital signature": "digitalSignature",
  "content commitment": "nonRepudiation",
  "key encipherment": "keyEncipherment",
  "key agreement": "keyAgreement",
  "data encipherment": "dataEncipherment",
  "cert sign": "keyCertSign",
  "crl sign": "cRLSign",
  "encipher only": "encipherOnly",
  "decipher only": "decipherOnly",
};
/** cert-manager's usage names for extendedKeyUsage, in the certificate facts' names. */
export const EXT_KEY_USAGES: Readonly<Record<string, string>> = {
  any: "anyExtendedKeyUsage",
  "server auth": "serverAuth",
  "client auth": "clientAuth",
  "code signing": "codeSigning",
  "email protection": "emailProtection",
  "s/mime": "emailProtection",
  "ipsec end system": "ipsecEndSystem",
  "ipsec tunnel": "ipsecTunnel",
  "ipsec user": "ipsecUser",
  timestamping: "timeStamping",
  "ocsp signing": "OCSPSigning",
  "microsoft sgc": "msSGC",
  "netscape sgc": "nsSGC",
};
const DEFAULT_USAGES = ["digital signature", "key encipherment"];
/** Issuer types that sign with keys Git does not hold, as messages name them. */
const ISSUER_TYPES: Readonly<Record<string, string>> = {
  acme: "an ACME issuer",
  vault: "a Vault issuer",
  venafi: "a Venafi issuer",
  selfSigned: "a selfSigned issuer (each certificate signs itself)",
};

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.flatMap((v) => (typeof v === "string" && v !== "" ? [v] : [])) : [];
}

/** The Certificate in Git that produces Secret `namespace/name`, if any (the first one, as the lookup does). */
export function producingCertificate(model: Model, namespace: string, name: string): ResourceBase | undefined {
  return model.providers
    .get(secretKey(namespace, name))
    ?.find((provider) => provider.kind === "cert-manager" && provider.resource)?.resource as ResourceBase | undefined;
}

/** What cert-manager will write into Secret `namespace/name`; undefined when no Certificate in Git produces it. */
export function issuedSecret(model: Model, namespace: string, name: string, now: Date): Issued | undefined {
  const certificate = producingCertificate(model, namespace, name);
  if (!certificate) return undefined;
  const spec = certificate.spec;
  const at = documentLocation(certificate, ["spec", "secretName"]);
  const unknown = (why: string): Issued => ({ state: "unknown", why, certificate, at });
  const label = `Certificate ${certificate.namespace}/${certificate.name}`;
  const ref = asObject(spec.issuerRef);
  const issuerRefName = asName(ref.name);
  const kind = asString(ref.kind) ?? "Issuer";
  const group = asString(ref.group) ?? "cert-manager.io";
  if (!issuerRefName) return unknown(`${label} names no issuer`);
  if (group !== "cert-manager.io")
    return unknown(
      `${label} is signed by an external issuer (${group} ${kind} ${issuerRefName}) whose CA is not in Git`,
    );
  if (kind !== "Issuer" && kind !== "ClusterIssuer") return unknown(`${label} names an issuer of kind ${kind}`);
  const issuerName = kind === "Issuer" ? `Issuer ${namespace}/${issuerRefName}` : `ClusterIssuer ${issuerRefName}`;
  const issuer = model.issuers.get(resourceId(kind, kind === "Issuer" ? namespace : "", issuerRefName));
  if (!issuer) return unknown(`${label}'s ${issuerName} is not in the analysed files`);
  const caSecretName = asName(asObject(issuer.spec.ca).secretName);
  if (!caSecretName) {
    const type = Object.keys(ISSUER_TYPES).find((t) => issuer.spec[t] !== undefined);
    return unknown(
      `${label}'s ${issuerName} is ${type ? ISSUER_TYPES[type] : "not a CA issuer"}: the CA that signs the certificate is not in Git`,
    );
  }
  const caNamespace = kind === "Issuer" ? namespace : CLUSTER_RESOURCE_NAMESPACE;
  const caSecret = model.secrets.get(secretKey(caNamespace, caSecretName));
  const caValue = caSecret && !caSecret.encrypted ? caSecret.values.get("tls.crt") : undefined;
  if (!caSecret || !caValue)
    return unknown(`the CA Secret ${caNamespace}/${caSecretName} of ${issuerName} is not readable in Git`);
  const caCerts = loadCertificates(caValue, now);
  if (caCerts.length === 0)
    return unknown(`the CA certificate in Secret ${caNamespace}/${caSecretName} (tls.crt) cannot be read`);

  const written = strings(spec.usages);
  const usages = written.length > 0 ? written : DEFAULT_USAGES;
  const unknownUsage = usages.find((u) => KEY_USAGES[u] === undefined && EXT_KEY_USAGES[u] === undefined);
  if (unknownUsage !== undefined)
    return unknown(`${label} asks for the usage "${unknownUsage}", which cert-manager refuses`);
  const keyUsage = [
    ...new Set([...(spec.isCA === true ? ["keyCertSign"] : []), ...usages.flatMap((u) => KEY_USAGES[u] ?? [])]),
  ];
  const extKeyUsage = [...new Set(usages.flatMap((u) => EXT_KEY_USAGES[u] ?? []))];
  const commonName = asString(spec.commonName);
  const names = [...strings(spec.dnsNames), ...strings(spec.ipAddresses), ...(commonName ? [commonName] : [])];
  return {
    state: "known",
    issued: {
      certificate,
      at,
      issuerName,
      issuer,
      caSecret,
      caAt: documentLocation(caSecret, caValue.path),
      caCerts,
      // Go's x509 writes no keyUsage extension when no bit is set, and no extendedKeyUsage when none is asked for.
      planned: {
        subject: `the certificate of ${label}${commonName ? ` (CN=${commonName})` : ""}`,
        keyUsage: keyUsage.length > 0 ? keyUsage : null,
        extKeyUsage: extKeyUsage.length > 0 ? extKeyUsage : null,
      },
      names,
      usages,
    },
  };
}

/** Whether `name` is one of the planned leaf's names, a wildcard covering one leftmost label as TLS clients match. */
export function issuedCovers(issued: IssuedSecret, name: string): boolean {
  const wanted = name.toLowerCase();
  return issued.names.some((candidate) => {
    const pattern = candidate.toLowerCase();
    if (pattern === wanted) return true;
    if (!pattern.startsWith("*.")) return false;
    const dot = wanted.indexOf(".");
    return dot > 0 && wanted.slice(dot + 1) === pattern.slice(2);
  });
}
