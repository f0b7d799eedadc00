import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

import { type CertLimits } from "./limits.js";
import { scanPem, safeLabel, type PemBlock } from "./pem.js";
import { problem, type CertProblem } from "./problems.js";
import { describePublicKey, goSupportsCurve } from "./public-key.js";
import { classifyNonPem, isBlank } from "./sniff.js";
import type { PrivateKeyFacts, PrivateKeyFormat, PrivateKeyInspection } from "./types.js";

/**
 * `tls.key`: like Emissary's Go validation, the first PEM block must be a PKCS#1, PKCS#8 or SEC1 private key. Envoy
 * is laxer (it skips to the first "... PRIVATE KEY" block), so such a key is still described, with a problem.
 */

const KEY_BLOCK_SCAN_LIMIT = 16;

/** Formats to try, the one the label suggests first; the DER decides, as in Go, which tries all three. */
function formatsToTry(label: string): PrivateKeyFormat[] {
  if (label === "RSA PRIVATE KEY") return ["pkcs1", "pkcs8", "sec1"];
  if (label === "EC PRIVATE KEY") return ["sec1", "pkcs8", "pkcs1"];
  return ["pkcs8", "pkcs1", "sec1"];
}

function loadPrivateKey(der: Buffer, label: string): { key: KeyObject; format: PrivateKeyFormat } | null {
  for (const format of formatsToTry(label)) {
    try {
      return { key: createPrivateKey({ key: der, format: "der", type: format }), format };
    } catch {
      // Not this format; try the next.
    }
  }
  return null;
}

function isEncrypted(block: PemBlock): boolean {
  return block.label === "ENCRYPTED PRIVATE KEY" || (block.headers.get("Proc-Type") ?? "").includes("ENCRYPTED");
}

function encryptedProblem(block: PemBlock): CertProblem {
  return block.label === "ENCRYPTED PRIVATE KEY"
    ? problem(
        "encrypted-key",
        "key-encrypted-pkcs8",
        "private key is encrypted (PKCS#8); Envoy cannot load it without a passphrase",
      )
    : problem(
        "encrypted-key",
        "key-encrypted-pem",
        "private key is encrypted (Proc-Type: 4,ENCRYPTED); Envoy cannot load it",
      );
}

function supportProblems(facts: PrivateKeyFacts, opensslCurve: string | undefined): CertProblem[] {
  if (facts.publicKey.type === "DSA" || facts.publicKey.type === "Ed448") {
    return [
      problem(
        "cert-invalid",
        "key-unsupported-algorithm",
        `${facts.publicKey.type} private keys are refused by Go (Emissary's secret validation) and Envoy`,
      ),
    ];
  }
  if (!goSupportsCurve(opensslCurve)) {
    return [
      problem(
        "cert-invalid",
        "key-unsupported-curve",
        `EC curve ${facts.publicKey.curve ?? "unknown"} is not supported by Go's crypto/x509`,
      ),
    ];
  }
  return [];
}

/** Describes the key in `block`, or null when it is no private key we can load. The KeyObject does not escape. */
function describeBlock(block: PemBlock): { facts: PrivateKeyFacts; problems: CertProblem[] } | null {
  if (block.der === null) return null;
  const loaded = loadPrivateKey(block.der, block.label);
  if (loaded === null) return null;
  const publicKey = describePublicKey(createPublicKey(loaded.key));
  const facts: PrivateKeyFacts = { format: loaded.format, label: safeLabel(block.label), publicKey };
  return { facts, problems: supportProblems(facts, loaded.key.asymmetricKeyDetails?.namedCurve) };
}

function inspectBlock(block: PemBlock, leading: CertProblem[]): PrivateKeyInspection | null {
  if (isEncrypted(block)) return { key: null, problems: [...leading, encryptedProblem(block)], limits: [] };
  const described = describeBlock(block);
  return described === null
    ? null
    : { key: described.facts, problems: [...leading, ...described.problems], limits: [] };
}

export function inspectPrivateKeyBytes(bytes: Buffer, limits: CertLimits): PrivateKeyInspection {
  if (bytes.length > limits.maxValueBytes) {
    return {
      key: null,
      problems: [
        problem("too-large", "value-too-large", `value is larger than ${limits.maxValueBytes} bytes; not inspected`),
      ],
      limits: [{ limit: "value-bytes", actual: bytes.length, max: limits.maxValueBytes, approximate: false }],
    };
  }
  if (isBlank(bytes))
    return { key: null, problems: [problem("cert-invalid", "empty-value", "tls.key is empty")], limits: [] };
  const blocks = scanPem(bytes, KEY_BLOCK_SCAN_LIMIT).blocks;
  const first = blocks.find((block) => block.der !== null);
  if (first === undefined) {
    const reason =
      blocks.length > 0 ? "pem-block-corrupt" : classifyNonPem(bytes, (der) => loadPrivateKey(der, "") !== null);
    return { key: null, problems: [nonPemProblem(reason)], limits: [] };
  }
  const direct = inspectBlock(first, []);
  if (direct !== null) return direct;
  // Go stops here; Envoy would carry on to the first "... PRIVATE KEY" block (e.g. after an EC PARAMETERS block).
  const notFirst = problem(
    "cert-invalid",
    "key-not-first-block",
    `the first PEM block (${safeLabel(first.label)}) is not a private key; Emissary's validation reads only the first block`,
  );
  const fallback = blocks.find((block) => block !== first && block.der !== null && block.label.endsWith("PRIVATE KEY"));
  const viaFallback = fallback === undefined ? null : inspectBlock(fallback, [notFirst]);
  if (viaFallback !== null) return viaFallback;
  return {
    key: null,
    limits: [],
    problems: [
      problem(
        "cert-invalid",
        "key-unparseable",
        `the first PEM block (${safeLabel(first.label)}) is not a PKCS#1, PKCS#8 or SEC1 private key`,
      ),
    ],
  };
}

function nonPemProblem(code: "pem-block-corrupt" | "der-not-pem" | "double-base64" | "no-pem-block"): CertProblem {
  switch (code) {
    case "pem-block-corrupt":
      return problem("cert-invalid", code, "tls.key has a PEM block with a broken END line or body");
    case "der-not-pem":
      return problem("cert-invalid", code, "tls.key is a DER-encoded key; Emissary needs PEM");
    case "double-base64":
      return problem("cert-invalid", code, "tls.key is base64-encoded twice");
    case "no-pem-block":
      return problem("cert-invalid", code, "tls.key contains no PEM block");
  }
}
