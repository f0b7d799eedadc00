/**
 * Strict standard base64 (RFC 4648 with padding), as Kubernetes' API server (Go's base64.StdEncoding) accepts it.
 * Whitespace anywhere is tolerated, since YAML block scalars wrap long values.
 */

export type Base64Check =
  | { readonly ok: true; readonly decodedLength: number }
  | {
      readonly ok: false;
      readonly code: "base64-character" | "base64-padding" | "base64-length";
      readonly offset: number;
    };

const ALPHABET = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") ALPHABET[ch.charCodeAt(0)] = 1;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0b || code === 0x0c;
}

export function checkBase64(text: string): Base64Check {
  let significant = 0;
  let padding = 0;
  let firstPaddingOffset = -1;
  for (let offset = 0; offset < text.length; offset++) {
    const code = text.charCodeAt(offset);
    if (isWhitespace(code)) continue;
    if (code === 0x3d /* = */) {
      if (padding === 0) firstPaddingOffset = offset;
      padding++;
      if (padding > 2) return { ok: false, code: "base64-padding", offset };
      continue;
    }
    if (code >= 128 || ALPHABET[code] !== 1) return { ok: false, code: "base64-character", offset };
    // Data after padding: Go stops at the first "=" and reports the next character as illegal.
    if (padding > 0) return { ok: false, code: "base64-padding", offset };
    significant++;
  }
  const remainder = significant % 4;
  if (padding > 0) {
    const paddingFits = (remainder === 2 && padding === 2) || (remainder === 3 && padding === 1);
    if (!paddingFits) return { ok: false, code: "base64-padding", offset: firstPaddingOffset };
  } else if (remainder !== 0) {
    // Go's StdEncoding requires padding, so an unpadded tail is as wrong as a truncated one.
    return { ok: false, code: "base64-length", offset: text.length };
  }
  return { ok: true, decodedLength: Math.floor((significant * 3) / 4) };
}
