import { Buffer } from "node:buffer";

import { checkBase64 } from "./base64.js";
import { DEFAULT_LIMITS } from "./limits.js";
import { problem, type CertProblem } from "./problems.js";

/** Where a Secret value came from: `data` values are base64, `stringData` values are plain text. */
export type SecretValueOrigin = "data" | "stringData";

/**
 * How the bytes were obtained. "pem-in-data" is a `data` value that already starts with `-----BEGIN`: Emissary takes
 * it as PEM rather than base64 (Kubernetes itself would refuse such a `data` value, so rules may want to say so).
 */
export type SecretValueEncoding = "base64" | "plain" | "pem-in-data";

export type DecodedSecretValue =
  | { readonly ok: true; readonly bytes: Buffer; readonly encoding: SecretValueEncoding }
  | {
      readonly ok: false;
      readonly problem: CertProblem;
      /** For a value over the cap: its decoded size (estimated from the base64 length when too large to scan). */
      readonly size?: { readonly bytes: number; readonly approximate: boolean };
    };

const PEM_PREFIX = "-----BEGIN";

const BASE64_REASONS = {
  "base64-character": "not valid base64 (character outside the base64 alphabet at offset {offset})",
  "base64-padding": "not valid base64 (misplaced or extra padding at offset {offset})",
  "base64-length": "not valid base64 (length is not a multiple of 4 and the value is not padded)",
} as const;

function tooLarge(maxValueBytes: number, bytes: number, approximate: boolean): DecodedSecretValue {
  return {
    ok: false,
    problem: problem("too-large", "value-too-large", `value is larger than ${maxValueBytes} bytes; not inspected`),
    size: { bytes, approximate },
  };
}

/** Turns a Secret value into the bytes Emissary would see. Never throws; never echoes the value. */
export function decodeSecretValue(
  value: string,
  origin: SecretValueOrigin,
  maxValueBytes: number = DEFAULT_LIMITS.maxValueBytes,
): DecodedSecretValue {
  if (origin === "stringData" || value.startsWith(PEM_PREFIX)) {
    // A UTF-16 length means at least as many UTF-8 bytes: far over the cap, that lower bound is the size reported.
    if (value.length > maxValueBytes * 4) return tooLarge(maxValueBytes, value.length, true);
    const bytes = Buffer.byteLength(value, "utf8");
    if (bytes > maxValueBytes) return tooLarge(maxValueBytes, bytes, false);
    return { ok: true, bytes: Buffer.from(value, "utf8"), encoding: origin === "stringData" ? "plain" : "pem-in-data" };
  }
  // Base64 is 4/3 of the bytes; anything far beyond that is rejected before the scan (whitespace allowance included).
  if (value.length > maxValueBytes * 2) {
    // Too large to scan: estimated as if it held no whitespace.
    const padding = value.endsWith("==") ? 2 : value.endsWith("=") ? 1 : 0;
    return tooLarge(maxValueBytes, Math.floor((value.length * 3) / 4) - padding, true);
  }
  const checked = checkBase64(value);
  if (!checked.ok) {
    const reason = BASE64_REASONS[checked.code].replace("{offset}", String(checked.offset));
    return { ok: false, problem: problem("invalid-base64", checked.code, reason) };
  }
  if (checked.decodedLength > maxValueBytes) return tooLarge(maxValueBytes, checked.decodedLength, false);
  return { ok: true, bytes: Buffer.from(value, "base64"), encoding: "base64" };
}
