import { Buffer } from "node:buffer";
import forge from "node-forge";

/** Thin, typed access to node-forge's ASN.1 tree. Values of primitive nodes are binary strings (one char a byte). */

export type Asn1 = forge.asn1.Asn1;

export const UNIVERSAL = forge.asn1.Class.UNIVERSAL;
export const CONTEXT_SPECIFIC = forge.asn1.Class.CONTEXT_SPECIFIC;

export const Tag = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  NUMERIC_STRING: 18,
  PRINTABLE_STRING: 19,
  T61_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  BMP_STRING: 30,
} as const;

interface FromDerOptions {
  strict: boolean;
  parseAllBytes: boolean;
  decodeBitStrings: boolean;
  maxDepth: number;
}

// @types/node-forge only declares the boolean form of the second argument; forge itself takes an options object.
const fromDer = forge.asn1.fromDer as unknown as (bytes: string, options: FromDerOptions) => Asn1;

/** Deep enough for any real certificate; forge recurses, so this also bounds the stack on hostile nesting. */
const MAX_DEPTH = 64;

export interface DerParse {
  readonly tree: Asn1;
  /** True when the bytes are canonical DER: nothing trailing, minimal lengths and integers, no indefinite lengths. */
  readonly canonical: boolean;
}

/** Parses DER (strictly first, then leniently so that facts can still be read); null when neither works. */
export function parseDer(binary: string): DerParse | null {
  try {
    const tree = fromDer(binary, { strict: true, parseAllBytes: true, decodeBitStrings: false, maxDepth: MAX_DEPTH });
    // forge accepts BER length forms; re-encoding and comparing is the cheapest way to insist on DER.
    return { tree, canonical: encode(tree) === binary };
  } catch {
    try {
      const tree = fromDer(binary, {
        strict: false,
        parseAllBytes: false,
        decodeBitStrings: false,
        maxDepth: MAX_DEPTH,
      });
      return { tree, canonical: false };
    } catch {
      return null;
    }
  }
}

export function encode(node: Asn1): string {
  return forge.asn1.toDer(node).getBytes();
}

export function isUniversal(node: Asn1 | undefined, type: number): node is Asn1 {
  return node !== undefined && node.tagClass === UNIVERSAL && node.type === type;
}

export function isContext(node: Asn1 | undefined, tagNumber: number): node is Asn1 {
  return node !== undefined && node.tagClass === CONTEXT_SPECIFIC && node.type === tagNumber;
}

/** Children of a constructed node (SEQUENCE, SET, explicit tags), or null for a primitive one. */
export function childrenOf(node: Asn1 | undefined): Asn1[] | null {
  return node !== undefined && Array.isArray(node.value) ? node.value : null;
}

/** Content bytes of a primitive node, or null for a constructed one. */
export function bytesOf(node: Asn1 | undefined): string | null {
  return node !== undefined && typeof node.value === "string" ? node.value : null;
}

export function sequenceChildren(node: Asn1 | undefined): Asn1[] | null {
  return isUniversal(node, Tag.SEQUENCE) ? childrenOf(node) : null;
}

export function readOid(node: Asn1 | undefined): string | null {
  if (!isUniversal(node, Tag.OID)) return null;
  const content = bytesOf(node);
  if (content === null || content.length === 0) return null;
  // The last byte of an OID must end a sub-identifier, and no sub-identifier may start with 0x80 (non-minimal).
  if ((content.charCodeAt(content.length - 1) & 0x80) !== 0) return null;
  for (let i = 0; i < content.length; i++) {
    const startsSubIdentifier = i === 0 || (content.charCodeAt(i - 1) & 0x80) === 0;
    if (startsSubIdentifier && content.charCodeAt(i) === 0x80) return null;
  }
  try {
    return forge.asn1.derToOid(content);
  } catch {
    return null;
  }
}

/** DER BOOLEAN: exactly one byte, 0x00 or 0xFF (Go refuses anything else). */
export function readBoolean(node: Asn1 | undefined): boolean | null {
  if (!isUniversal(node, Tag.BOOLEAN)) return null;
  const content = bytesOf(node);
  if (content === "\x00") return false;
  if (content === "\xff") return true;
  return null;
}

export interface BitString {
  /** Content bytes without the leading unused-bits count. */
  readonly bytes: string;
  readonly unusedBits: number;
}

/** A BIT STRING whose unused-bits count is 0..7 and whose unused bits are zero, as Go's cryptobyte demands. */
export function readBitString(node: Asn1 | undefined): BitString | null {
  if (!isUniversal(node, Tag.BIT_STRING)) return null;
  const content = bytesOf(node);
  if (content === null || content.length === 0) return null;
  const unusedBits = content.charCodeAt(0);
  if (unusedBits > 7 || (content.length === 1 && unusedBits > 0)) return null;
  const last = content.charCodeAt(content.length - 1);
  if (unusedBits > 0 && (last & ((1 << unusedBits) - 1)) !== 0) return null;
  return { bytes: content.slice(1), unusedBits };
}

export interface DerInteger {
  readonly negative: boolean;
  /** Magnitude bytes in upper-case hex without leading zero bytes ("00" for zero); two's complement as-is when negative. */
  readonly hex: string;
  /** Exact value when it fits a safe integer, else null. */
  readonly small: number | null;
}

export function readInteger(node: Asn1 | undefined): DerInteger | null {
  if (!isUniversal(node, Tag.INTEGER)) return null;
  const content = bytesOf(node);
  if (content === null || content.length === 0) return null;
  const first = content.charCodeAt(0);
  // Non-minimal encodings (a redundant leading 0x00 or 0xFF) are not DER.
  if (content.length > 1) {
    const second = content.charCodeAt(1);
    if ((first === 0x00 && (second & 0x80) === 0) || (first === 0xff && (second & 0x80) !== 0)) return null;
  }
  const negative = (first & 0x80) !== 0;
  let stripped = content;
  while (stripped.length > 1 && stripped.charCodeAt(0) === 0) stripped = stripped.slice(1);
  const hex = Buffer.from(stripped, "latin1").toString("hex").toUpperCase();
  const small = !negative && stripped.length <= 6 ? parseInt(hex, 16) : null;
  return { negative, hex, small };
}
