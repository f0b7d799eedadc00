import { X509Certificate } from "node:crypto";
import type { Buffer } from "node:buffer";

import type { CertificateLoad, LoadedCertificate } from "./certificate.js";
import type { CertLimits } from "./limits.js";
import { scanPem, safeLabel } from "./pem.js";
import { atCertificate, problem, type CertProblem } from "./problems.js";
import { classifyNonPem, isBlank, type NonPemKind } from "./sniff.js";
import type { LimitNote } from "./types.js";

/**
 * `tls.crt` as a PEM bundle: leaf first, then intermediates. Go's validation (Emissary) parses only the first PEM
 * block, which must be a certificate; Envoy loads every CERTIFICATE block as the chain and skips other blocks.
 */

export interface BundleEntry {
  /** Position among the CERTIFICATE blocks. */
  readonly index: number;
  readonly certificate: LoadedCertificate;
}

/** The time-independent result, which the inspector caches by the hash of the input bytes. */
export interface StaticBundle {
  readonly entries: readonly BundleEntry[];
  readonly certificateBlockCount: number;
  readonly omittedCertificateCount: number;
  readonly otherBlockLabels: readonly string[];
  readonly problems: readonly CertProblem[];
  readonly limits: readonly LimitNote[];
}

const CERTIFICATE_LABEL = "CERTIFICATE";

function loadsAsCertificate(der: Buffer): boolean {
  try {
    new X509Certificate(der);
    return true;
  } catch {
    return false;
  }
}

const NON_PEM_REASONS: Record<NonPemKind, string> = {
  "der-not-pem": "tls.crt is a DER-encoded certificate; Emissary needs PEM",
  "double-base64": "tls.crt is base64-encoded twice",
  "no-pem-block": "tls.crt contains no PEM block",
};

function onlyProblem(found: CertProblem, limits: readonly LimitNote[] = []): StaticBundle {
  return {
    entries: [],
    certificateBlockCount: 0,
    omittedCertificateCount: 0,
    otherBlockLabels: [],
    problems: [found],
    limits,
  };
}

export function inspectBundleBytes(
  bytes: Buffer,
  limits: CertLimits,
  load: (der: Buffer) => CertificateLoad,
): StaticBundle {
  if (bytes.length > limits.maxValueBytes) {
    return onlyProblem(
      problem("too-large", "value-too-large", `value is larger than ${limits.maxValueBytes} bytes; not inspected`),
      [{ limit: "value-bytes", actual: bytes.length, max: limits.maxValueBytes, approximate: false }],
    );
  }
  if (isBlank(bytes)) return onlyProblem(problem("cert-invalid", "empty-value", "tls.crt is empty"));
  const scan = scanPem(bytes, limits.maxCertificatesPerValue + limits.maxOtherBlockLabels);
  if (scan.blocks.length === 0 && scan.omittedBlocks === 0) {
    const kind = classifyNonPem(bytes, loadsAsCertificate);
    return onlyProblem(problem("cert-invalid", kind, NON_PEM_REASONS[kind]));
  }

  const problems: CertProblem[] = [];
  const notes: LimitNote[] = [];
  const entries: BundleEntry[] = [];
  const otherBlockLabels: string[] = [];
  const firstUsable = scan.blocks.find((block) => block.der !== null);
  if (firstUsable !== undefined && firstUsable.label !== CERTIFICATE_LABEL) {
    problems.push(
      problem(
        "cert-invalid",
        "first-block-not-certificate",
        `the first PEM block is ${safeLabel(firstUsable.label)}, not CERTIFICATE; Emissary's validation reads only the first block`,
      ),
    );
  }
  let certificateIndex = 0;
  let omitted = scan.omittedCertificateBlocks;
  for (const block of scan.blocks) {
    if (block.label !== CERTIFICATE_LABEL) {
      if (otherBlockLabels.length < limits.maxOtherBlockLabels) otherBlockLabels.push(safeLabel(block.label));
      continue;
    }
    const index = certificateIndex++;
    if (index >= limits.maxCertificatesPerValue) {
      omitted++;
      continue;
    }
    if (block.der === null) {
      problems.push(
        problem("cert-invalid", "pem-block-corrupt", "CERTIFICATE block with a broken END line or base64 body", index),
      );
      continue;
    }
    const loaded = load(block.der);
    if (!loaded.ok) {
      problems.push(atCertificate(loaded.problem, index));
      continue;
    }
    problems.push(...loaded.certificate.problems.map((found) => atCertificate(found, index)));
    notes.push(...loaded.certificate.limits.map((note) => ({ ...note, certIndex: index })));
    entries.push({ index, certificate: loaded.certificate });
  }
  if (certificateIndex === 0 && firstUsable === undefined) {
    problems.push(problem("cert-invalid", "pem-block-corrupt", "tls.crt has PEM blocks, but none is intact"));
  }
  const certificateBlockCount = certificateIndex + scan.omittedCertificateBlocks;
  if (omitted > 0) {
    notes.unshift({
      limit: "certificates",
      actual: certificateBlockCount,
      max: limits.maxCertificatesPerValue,
      approximate: false,
    });
  }
  return {
    entries,
    certificateBlockCount,
    omittedCertificateCount: omitted,
    otherBlockLabels,
    problems,
    limits: notes,
  };
}
