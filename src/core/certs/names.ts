import { Buffer } from "node:buffer";

import { bytesOf, childrenOf, isUniversal, readOid, Tag, UNIVERSAL, type Asn1 } from "./der.js";
import { ATTRIBUTE_SHORT_NAMES } from "./oids.js";

/** X.501 Names: a display string, a canonical key for comparisons, and whether Go would accept the encoding. */

export interface ParsedName {
  /** "O=Example, CN=client.example.com": attributes in certificate order, RFC 4514 escaping. */
  readonly display: string;
  /** Case- and whitespace-insensitive key, the way OpenSSL/BoringSSL compare names when building chains. */
  readonly canonical: string;
  /** Why Go's crypto/x509 would refuse it, or null. */
  readonly malformation: string | null;
}

const MAX_VALUE_CHARS = 256;
const MAX_DISPLAY_CHARS = 1024;

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

function isPrintableStringByte(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x27 && code <= 0x29) ||
    (code >= 0x2b && code <= 0x2f) ||
    code === 0x20 ||
    code === 0x3a ||
    code === 0x3d ||
    code === 0x3f ||
    // Not PrintableString characters, but Go accepts them because real certificates use them.
    code === 0x2a ||
    code === 0x26
  );
}

function everyByte(bytes: string, test: (code: number) => boolean): boolean {
  for (let i = 0; i < bytes.length; i++) if (!test(bytes.charCodeAt(i))) return false;
  return true;
}

/** The text of a directory string, or an error named the way Go names it. */
export function decodeDirectoryString(node: Asn1): { text: string } | { error: string } {
  const bytes = bytesOf(node);
  if (bytes === null || node.tagClass !== UNIVERSAL) return { error: "unsupported string type" };
  // Widened to number: @types/node-forge's Type enum lacks NumericString and T61String.
  const tag: number = node.type;
  switch (tag) {
    case Tag.UTF8_STRING:
      try {
        return { text: utf8Decoder.decode(Buffer.from(bytes, "latin1")) };
      } catch {
        return { error: "invalid UTF-8 string" };
      }
    case Tag.PRINTABLE_STRING:
      return everyByte(bytes, isPrintableStringByte) ? { text: bytes } : { error: "invalid PrintableString" };
    case Tag.IA5_STRING:
      return everyByte(bytes, (code) => code < 0x80) ? { text: bytes } : { error: "invalid IA5String" };
    case Tag.NUMERIC_STRING:
      return everyByte(bytes, (code) => (code >= 0x30 && code <= 0x39) || code === 0x20)
        ? { text: bytes }
        : { error: "invalid NumericString" };
    case Tag.T61_STRING:
      return { text: bytes };
    case Tag.BMP_STRING:
      // forge has already turned the UTF-16 code units into a string.
      return { text: bytes.endsWith("\u0000") ? bytes.slice(0, -1) : bytes };
    default:
      return { error: "unsupported string type" };
  }
}

function escapeValue(value: string): string {
  const clipped = value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}...` : value;
  let out = "";
  for (const ch of clipped) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) out += `\\${code.toString(16).padStart(2, "0").toUpperCase()}`;
    else if (',+"\\<>;'.includes(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

function canonicalValue(value: string): string {
  return value.trim().replace(/\s+/g, " ").toLowerCase();
}

export function parseName(node: Asn1 | undefined): ParsedName | null {
  if (!isUniversal(node, Tag.SEQUENCE)) return null;
  const rdns = childrenOf(node);
  if (rdns === null) return null;
  const displayParts: string[] = [];
  const canonicalParts: string[] = [];
  let malformation: string | null = null;
  for (const rdn of rdns) {
    const attributes = isUniversal(rdn, Tag.SET) ? childrenOf(rdn) : null;
    if (attributes === null) return null;
    const rdnDisplay: string[] = [];
    const rdnCanonical: string[] = [];
    for (const attribute of attributes) {
      const pair = isUniversal(attribute, Tag.SEQUENCE) ? childrenOf(attribute) : null;
      const oid = readOid(pair?.[0]);
      const valueNode = pair?.[1];
      if (pair === null || pair.length !== 2 || oid === null || valueNode === undefined) return null;
      const decoded = decodeDirectoryString(valueNode);
      const key = ATTRIBUTE_SHORT_NAMES.get(oid) ?? oid;
      if ("error" in decoded) {
        malformation ??= `attribute ${key}: ${decoded.error}`;
        rdnDisplay.push(`${key}=(undecodable value)`);
        rdnCanonical.push(`${oid}=#${Buffer.from(bytesOf(valueNode) ?? "", "latin1").toString("hex")}`);
        continue;
      }
      rdnDisplay.push(`${key}=${escapeValue(decoded.text)}`);
      rdnCanonical.push(`${oid}=${canonicalValue(decoded.text)}`);
    }
    displayParts.push(rdnDisplay.join("+"));
    canonicalParts.push(rdnCanonical.sort().join("+"));
  }
  const display = displayParts.join(", ");
  return {
    display: display.length > MAX_DISPLAY_CHARS ? `${display.slice(0, MAX_DISPLAY_CHARS)}...` : display,
    canonical: canonicalParts.join("/"),
    malformation,
  };
}
