import { Buffer } from "node:buffer";

import { checkBase64 } from "./base64.js";

/**
 * PEM scanning with the semantics of Go's encoding/pem Decode, which Emissary's secret validation uses: text around
 * blocks is ignored, a block whose END line or body is broken is skipped, and the search goes on after it.
 */

export interface PemBlock {
  /** The type from the BEGIN line, e.g. "CERTIFICATE"; attacker-controlled, see `safeLabel` before showing it. */
  readonly label: string;
  readonly headers: ReadonlyMap<string, string>;
  /** Null when Go would skip the block: END line missing or mismatched, or a body that is not valid base64. */
  readonly der: Buffer | null;
}

export interface PemScan {
  /** The first `maxBlocks` blocks, in order, including broken ones (der: null). */
  readonly blocks: readonly PemBlock[];
  /** Well-formed blocks beyond `maxBlocks`: counted, not decoded. */
  readonly omittedBlocks: number;
  /** Of those, blocks labelled CERTIFICATE. */
  readonly omittedCertificateBlocks: number;
}

const PEM_START = "\n-----BEGIN ";
const PEM_END = "\n-----END ";
const PEM_END_OF_LINE = "-----";

/** Finds `needle` at or after a position that only moves forward; remembers the last hit so that hostile input
 * (thousands of BEGIN lines without an END) costs one pass instead of one pass per block. */
class ForwardSearch {
  private lastFrom = -1;
  private lastHit = -1;

  constructor(
    private readonly text: string,
    private readonly needle: string,
  ) {}

  find(from: number): number {
    if (this.lastFrom >= 0 && from >= this.lastFrom && (this.lastHit === -1 || this.lastHit >= from))
      return this.lastHit;
    this.lastFrom = from;
    this.lastHit = this.text.indexOf(this.needle, from);
    return this.lastHit;
  }
}

/** Go's getLine: the line without its newline (and a CR before it), trailing spaces and tabs trimmed. */
function getLine(text: string, from: number): { line: string; next: number } {
  const newline = text.indexOf("\n", from);
  let end = newline < 0 ? text.length : newline;
  const next = newline < 0 ? text.length : newline + 1;
  if (newline > from && text.charCodeAt(end - 1) === 0x0d) end--;
  let trimmed = end;
  while (trimmed > from && (text.charCodeAt(trimmed - 1) === 0x20 || text.charCodeAt(trimmed - 1) === 0x09)) trimmed--;
  return { line: text.slice(from, trimmed), next };
}

type BlockAttempt =
  | { readonly kind: "none" }
  | { readonly kind: "skip"; readonly resumeAt: number }
  | {
      readonly kind: "broken";
      readonly label: string;
      readonly headers: Map<string, string>;
      readonly resumeAt: number;
    }
  | {
      readonly kind: "block";
      readonly label: string;
      readonly headers: Map<string, string>;
      readonly bodyStart: number;
      readonly bodyEnd: number;
      readonly resumeAt: number;
    };

class PemScanner {
  private readonly endSearch: ForwardSearch;

  constructor(private readonly text: string) {
    this.endSearch = new ForwardSearch(text, PEM_END);
  }

  /** One step of Go's Decode loop, starting at `from`. */
  attempt(from: number): BlockAttempt {
    const { text } = this;
    let rest: number;
    if (from === 0 && text.startsWith(PEM_START.slice(1))) {
      rest = PEM_START.length - 1;
    } else {
      const start = text.indexOf(PEM_START, from === 0 ? 0 : from - 1);
      if (start < 0) return { kind: "none" };
      rest = start + PEM_START.length;
    }
    const typeLine = getLine(text, rest);
    rest = typeLine.next;
    if (!typeLine.line.endsWith(PEM_END_OF_LINE)) return { kind: "skip", resumeAt: rest };
    const label = typeLine.line.slice(0, typeLine.line.length - PEM_END_OF_LINE.length);

    const headers = new Map<string, string>();
    for (;;) {
      if (rest >= text.length) return { kind: "broken", label, headers, resumeAt: rest };
      const { line, next } = getLine(text, rest);
      const colon = line.indexOf(":");
      if (colon < 0) break;
      headers.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      rest = next;
    }

    let endIndex: number;
    let endTrailer: number;
    if (headers.size === 0 && text.startsWith(PEM_END.slice(1), rest)) {
      endIndex = rest;
      endTrailer = rest + PEM_END.length - 1;
    } else {
      endIndex = this.endSearch.find(rest);
      endTrailer = endIndex + PEM_END.length;
    }
    const broken: BlockAttempt = { kind: "broken", label, headers, resumeAt: rest };
    if (endIndex < 0) return broken;
    const trailerLength = label.length + PEM_END_OF_LINE.length;
    if (text.length - endTrailer < trailerLength) return broken;
    if (!text.startsWith(label, endTrailer) || !text.startsWith(PEM_END_OF_LINE, endTrailer + label.length))
      return broken;
    if (getLine(text, endTrailer + trailerLength).line.length !== 0) return broken;
    const resumeAt = getLine(text, endIndex + PEM_END.length - 1).next;
    return { kind: "block", label, headers, bodyStart: rest, bodyEnd: endIndex, resumeAt };
  }
}

/** Scans bytes for PEM blocks, decoding the first `maxBlocks` of them. Linear in the input size. */
export function scanPem(bytes: Uint8Array, maxBlocks: number): PemScan {
  // latin1 keeps one character per byte, so offsets are byte offsets and no byte sequence is rejected.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const scanner = new PemScanner(text);
  const blocks: PemBlock[] = [];
  let omittedBlocks = 0;
  let omittedCertificateBlocks = 0;
  let position = 0;
  for (;;) {
    const found = scanner.attempt(position);
    if (found.kind === "none") break;
    position = Math.max(found.resumeAt, position + 1);
    if (found.kind === "skip") continue;
    if (blocks.length >= maxBlocks) {
      if (found.kind === "block") {
        omittedBlocks++;
        if (found.label === "CERTIFICATE") omittedCertificateBlocks++;
      }
      continue;
    }
    if (found.kind === "broken") {
      blocks.push({ label: found.label, headers: found.headers, der: null });
      continue;
    }
    const body = text.slice(found.bodyStart, found.bodyEnd);
    const der = checkBase64(body).ok ? Buffer.from(body, "base64") : null;
    blocks.push({ label: found.label, headers: found.headers, der });
  }
  return { blocks, omittedBlocks, omittedCertificateBlocks };
}

const PRINTABLE_LABEL = /^[A-Z0-9][A-Z0-9 ]{0,62}$/;

/** A PEM label fit for messages: the usual upper-case words, or a placeholder (labels are attacker-controlled). */
export function safeLabel(label: string): string {
  return PRINTABLE_LABEL.test(label) ? label : "(unrecognised label)";
}
