import { createHash, type KeyObject } from "node:crypto";

import { CURVES_BY_OPENSSL_NAME } from "./oids.js";
import type { KeyType, PublicKeyFacts } from "./types.js";

/** Public key facts from a Node KeyObject, shared by certificates and private keys so that they compare. */

const KEY_TYPES_BY_NODE_NAME: ReadonlyMap<string, KeyType> = new Map([
  ["rsa", "RSA"],
  ["rsa-pss", "RSA"],
  ["ec", "EC"],
  ["ed25519", "Ed25519"],
  ["ed448", "Ed448"],
  ["dsa", "DSA"],
]);

const EDWARDS_BITS: Partial<Record<KeyType, number>> = { Ed25519: 256, Ed448: 456 };

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** SHA-256 of the SubjectPublicKeyInfo as OpenSSL re-encodes it, or null when it cannot. */
export function publicKeySha256(key: KeyObject): string | null {
  try {
    return sha256Hex(key.export({ type: "spki", format: "der" }));
  } catch {
    return null;
  }
}

export function describePublicKey(key: KeyObject): PublicKeyFacts {
  const type = KEY_TYPES_BY_NODE_NAME.get(key.asymmetricKeyType ?? "") ?? "unknown";
  const details = key.asymmetricKeyDetails ?? {};
  const curve = details.namedCurve === undefined ? undefined : CURVES_BY_OPENSSL_NAME.get(details.namedCurve);
  const bits = details.modulusLength ?? curve?.bits ?? EDWARDS_BITS[type] ?? null;
  return { type, bits, curve: curve?.name ?? details.namedCurve ?? null, sha256: publicKeySha256(key) };
}

/** Whether Go's crypto/x509 would parse a key of this kind at all (Emissary validates secrets with it). */
export function goSupportsCurve(opensslCurveName: string | undefined): boolean {
  return opensslCurveName === undefined || CURVES_BY_OPENSSL_NAME.get(opensslCurveName)?.goSupported === true;
}
