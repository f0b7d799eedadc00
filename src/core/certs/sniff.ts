import type { Buffer } from "node:buffer";

/** Guesses what a value without any PEM block is, so that the problem can say what went wrong. */

/** base64 of "-----BEGI": a value that is still base64 after decoding was encoded twice. */
const DOUBLE_BASE64_PREFIX = "LS0tLS1CRUdJT";
const SEQUENCE_TAG = 0x30;

export function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
  return true;
}

export type NonPemKind = "der-not-pem" | "double-base64" | "no-pem-block";

/** `loadsAsDer` says whether the bytes load as the expected DER object (certificate or key). */
export function classifyNonPem(bytes: Buffer, loadsAsDer: (der: Buffer) => boolean): NonPemKind {
  if (bytes[0] === SEQUENCE_TAG && loadsAsDer(bytes)) return "der-not-pem";
  const head = bytes.subarray(0, 64).toString("latin1").trimStart();
  if (head.startsWith(DOUBLE_BASE64_PREFIX)) return "double-base64";
  return "no-pem-block";
}
