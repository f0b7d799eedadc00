import { Buffer } from "node:buffer";

import {
  bytesOf,
  encode,
  isUniversal,
  parseDer,
  readBitString,
  readOid,
  sequenceChildren,
  Tag,
  type Asn1,
} from "./der.js";
import type { Malformation } from "./extensions.js";
import { CURVES, OID, type CurveInfo } from "./oids.js";
import { sha256Hex } from "./public-key.js";
import type { KeyType } from "./types.js";

/**
 * SubjectPublicKeyInfo read from the DER. Reading it here rather than through a Node KeyObject matters for speed:
 * OpenSSL 3 takes longer to re-encode a public key than to parse the whole certificate.
 */

export interface SubjectPublicKeyInfo {
  readonly algorithmOid: string | null;
  readonly keyType: KeyType;
  readonly curve: CurveInfo | null;
  /** The curve OID when it is not one we know. */
  readonly unknownCurveOid: string | null;
  /** RSA modulus bits, EC field bits, 256 for Ed25519, 456 for Ed448; null when not read here. */
  readonly bits: number | null;
  /**
   * SHA-256 of the SPKI when it is already in the exact form OpenSSL writes for a private key's public half (so the
   * two compare byte for byte); null otherwise, and the caller asks Node to re-encode it.
   */
  readonly sha256: string | null;
}

const KEY_TYPES_BY_OID: ReadonlyMap<string, KeyType> = new Map([
  [OID.rsaEncryption, "RSA"],
  [OID.rsassaPss, "RSA"],
  [OID.ecPublicKey, "EC"],
  [OID.ed25519, "Ed25519"],
  [OID.ed448, "Ed448"],
  [OID.dsa, "DSA"],
]);

const UNCOMPRESSED_POINT = 0x04;

export const UNKNOWN_PUBLIC_KEY_INFO: SubjectPublicKeyInfo = {
  algorithmOid: null,
  keyType: "unknown",
  curve: null,
  unknownCurveOid: null,
  bits: null,
  sha256: null,
};

/** Bit length of a positive big-endian INTEGER's content, or null when it is not positive. */
function positiveIntegerBits(node: Asn1 | undefined): number | null {
  let content = isUniversal(node, Tag.INTEGER) ? bytesOf(node) : null;
  if (content === null || content.length === 0 || (content.charCodeAt(0) & 0x80) !== 0) return null;
  while (content.length > 0 && content.charCodeAt(0) === 0) content = content.slice(1);
  if (content.length === 0) return null;
  return (content.length - 1) * 8 + (32 - Math.clz32(content.charCodeAt(0)));
}

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } inside the BIT STRING. */
function rsaModulusBits(keyBytes: string): number | null {
  const parsed = parseDer(keyBytes);
  const fields = sequenceChildren(parsed?.tree);
  if (parsed === null || !parsed.canonical || fields === null || fields.length !== 2) return null;
  if (positiveIntegerBits(fields[1]) === null) return null;
  return positiveIntegerBits(fields[0]);
}

export function readPublicKeyInfo(
  node: Asn1 | undefined,
  malformations: Malformation[],
  canonicalDer: boolean,
): SubjectPublicKeyInfo {
  const malformed = (reason: string): void => {
    malformations.push({ code: "public-key-malformed", reason });
  };
  const fields = sequenceChildren(node);
  const algorithm = sequenceChildren(fields?.[0]);
  const algorithmOid = readOid(algorithm?.[0]);
  if (
    node === undefined ||
    fields === null ||
    fields.length !== 2 ||
    algorithm === null ||
    algorithmOid === null ||
    algorithm.length > 2
  ) {
    malformed("subjectPublicKeyInfo is not SEQUENCE { AlgorithmIdentifier, BIT STRING }");
    return UNKNOWN_PUBLIC_KEY_INFO;
  }
  const key = readBitString(fields[1]);
  if (key === null || key.unusedBits !== 0) malformed("subjectPublicKey is not a valid BIT STRING");
  const keyType = KEY_TYPES_BY_OID.get(algorithmOid) ?? "unknown";
  const parameters = algorithm[1];
  const info = { algorithmOid, keyType, curve: null, unknownCurveOid: null, bits: null, sha256: null };
  const hashIfCanonical = (formIsOpenSsls: boolean): string | null =>
    canonicalDer && key !== null && formIsOpenSsls ? sha256Hex(Buffer.from(encode(node), "latin1")) : null;

  switch (algorithmOid) {
    case OID.rsaEncryption: {
      const hasNullParameters = isUniversal(parameters, Tag.NULL);
      if (!hasNullParameters) malformed("RSA public key without NULL parameters");
      const bits = key === null ? null : rsaModulusBits(key.bytes);
      if (key !== null && bits === null) malformed("RSA public key is not a positive modulus and exponent");
      return { ...info, bits, sha256: hashIfCanonical(hasNullParameters && bits !== null) };
    }
    case OID.ed25519:
    case OID.ed448: {
      if (parameters !== undefined) malformed("EdDSA public key with parameters");
      const bits = algorithmOid === OID.ed25519 ? 256 : 456;
      return { ...info, bits, sha256: hashIfCanonical(parameters === undefined) };
    }
    case OID.ecPublicKey:
      return readEcInfo({ ...info }, parameters, key?.bytes ?? null, malformations, hashIfCanonical);
    default:
      return info;
  }
}

function readEcInfo(
  info: SubjectPublicKeyInfo,
  parameters: Asn1 | undefined,
  point: string | null,
  malformations: Malformation[],
  hashIfCanonical: (formIsOpenSsls: boolean) => string | null,
): SubjectPublicKeyInfo {
  const curveOid = readOid(parameters);
  if (curveOid === null) {
    malformations.push({
      code: "public-key-malformed",
      reason: "EC public key without a named curve (explicit parameters are refused by Go)",
    });
    return info;
  }
  const curve = CURVES.get(curveOid) ?? null;
  if (curve === null || !curve.goSupported) {
    malformations.push({
      code: "public-key-unsupported-curve",
      reason: `EC curve ${curve?.name ?? curveOid} is not supported by Go's crypto/x509`,
    });
  }
  // OpenSSL writes EC public keys uncompressed; a compressed point would hash differently from the private key's.
  const uncompressed = point !== null && point.charCodeAt(0) === UNCOMPRESSED_POINT;
  return {
    ...info,
    curve,
    unknownCurveOid: curve === null ? curveOid : null,
    bits: curve?.bits ?? null,
    sha256: hashIfCanonical(uncompressed && curve !== null),
  };
}
