import { POLICY_PATH } from "../policy/policy.js";
import type { SourceFile } from "../types.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Whether a path is one the analysis reads: YAML manifests and the policy file. */
export function isCandidate(path: string): boolean {
  return /\.ya?ml$/i.test(path) || path === POLICY_PATH;
}

/** Decodes file bytes; invalid UTF-8 or NUL bytes mark the file binary instead of throwing. */
export function decodeFile(path: string, bytes: Uint8Array): SourceFile {
  if (bytes.includes(0)) return { path, text: "", size: bytes.length, binary: true };
  try {
    return { path, text: utf8.decode(bytes), size: bytes.length };
  } catch {
    return { path, text: "", size: bytes.length, binary: true };
  }
}
