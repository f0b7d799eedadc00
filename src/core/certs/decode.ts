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
  | { readonly ok: false; readonly problem: CertProblem };

const PEM_PREFIX = "-----BEGIN";

const BASE64_REASONS = {
  "base64-character": "not valid base64 (character outside the base64 alphabet at offset {offset})",
  "base64-padding": "not valid base64 (misplaced or extra padding at offset {offset})",
  "base64-length": "not valid base64 (length is not a multiple of 4 and the value is not padded)",
} as const;

function tooLarge(maxValueBytes: number): DecodedSecretValue {
  return {
    ok: false,
    problem: problem("too-large", "value-too-large", `value is larger than ${maxValueBytes} bytes; not inspected`),
  };
}

/** Turns a Secret value into the bytes Emissary would see. Never throws; never echoes the value. */
export function decodeSecretValue(
  value: string,
  origin: SecretValueOrigin,
  maxValueBytes: number = DEFAULT_LIMITS.maxValueBytes,
): DecodedSecretValue {
  if (origin === "stringData" || value.startsWith(PEM_PREFIX)) {
    // A UTF-16 length above the cap means at least as many UTF-8 bytes: skip the encode.
    if (value.length > maxValueBytes || Buffer.byteLength(value, "utf8") > maxValueBytes)
      return tooLarge(maxValueBytes);
    return { ok: true, bytes: Buffer.from(value, "utf8"), encoding: origin === "stringData" ? "plain" : "pem-in-data" };
  }
  // Base64 is 4/3 of the bytes; anything far beyond that is rejected before the scan (whitespace allowance included).
  if (value.length > maxValueBytes * 2) return tooLarge(maxValueBytes);
  const checked = checkBase64(value);
  if (!checked.ok) {
    const reason = BASE64_REASONS[checked.code].replace("{offset}", String(checked.offset));
    return { ok: false, problem: problem("invalid-base64", checked.code, reason) };
  }
  if (checked.decodedLength > maxValueBytes) return tooLarge(maxValueBytes);
  return { ok: true, bytes: Buffer.from(value, "base64"), encoding: "base64" };
}
