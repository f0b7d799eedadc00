/**
 * The hostile corpus: small cases committed under test/fixtures/hostile/, large ones generated here (deterministically,
 * at test time). Each case says which finding it must produce, where, and which limit bounds it.
 */
import { Buffer } from "node:buffer";
import { readdirSync, readFileSync } from "node:fs";
import { decodeFile } from "../../src/core/source/files.js";
import type { SourceFile } from "../../src/core/types.js";
import { docs, fixture, originating, secretYaml } from "../helpers/cert-fixtures.js";
import { certificatePem, fakeModulus, fakeRsaPrivateKeyPem, rsaSpki } from "./generate.js";

export const HOSTILE_DIR = new URL("../../../test/fixtures/hostile/", import.meta.url);

/** A committed fixture, read as the CLI reads files (bytes, then UTF-8 or binary). */
export function committed(name: string): SourceFile {
  return decodeFile(name, readFileSync(new URL(name, HOSTILE_DIR)));
}

export function committedNames(): string[] {
  return readdirSync(HOSTILE_DIR).sort();
}

/** The normal file analysed next to every hostile one, and the finding it must keep producing. */
export const SIBLING = "sibling.yaml";
export const SIBLING_FINDING = { ruleId: "mapping-tls-context-not-found", file: SIBLING, line: 10 } as const;

export interface ExpectedFinding {
  ruleId: string;
  file: string;
  line: number;
  severity?: "error" | "warning" | "notice";
  /** Message data the finding must carry (a subset). */
  data?: Record<string, string | number | boolean | null>;
  /** Words the message must contain: what was skipped. */
  message?: RegExp;
}

/** Memoised: the big inputs are built once per process. */
function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

// --- 10 MB file ----------------------------------------------------------------------------------------------------

export const TEN_MB = "ten-megabytes.yaml";

export const tenMegabytes = once((): SourceFile => {
  const doc = `---\napiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: big, namespace: default}\nspec: {prefix: /big/, service: "https://big", tls: big-context}\n`;
  return { path: TEN_MB, text: doc.repeat(Math.ceil((10 * 1024 * 1024) / doc.length)) };
});

// --- 100,000 documents in one file ---------------------------------------------------------------------------------

export const MANY_DOCS = "hundred-thousand-documents.yaml";
export const MANY_DOCS_COUNT = 100_000;
/** The document after the limit that holds a broken Mapping: it must not be analysed. */
const BEYOND_LIMIT_INDEX = 50_000;

export const manyDocuments = once((): SourceFile => {
  const mapping = (name: string) =>
    `apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: ${name}, namespace: default}\nspec: {prefix: /${name}/, service: "https://${name}", tls: ${name}-context}\n`;
  const parts = [mapping("first-of-many")];
  for (let i = 1; i < MANY_DOCS_COUNT; i++)
    parts.push(i === BEYOND_LIMIT_INDEX ? mapping("beyond-the-limit") : "k: v\n");
  return { path: MANY_DOCS, text: parts.join("---\n") };
});

/** The line of the `---` that starts document `index` (0-based) of a file whose documents are joined by `---` lines. */
export function markerLine(text: string, index: number): number {
  let line = 1;
  let seen = 0;
  for (let offset = text.indexOf("\n"); offset >= 0; offset = text.indexOf("\n", offset + 1)) {
    line++;
    if (text.startsWith("---\n", offset + 1) && ++seen === index) return line;
  }
  throw new Error(`no document ${index}`);
}

// --- certificates --------------------------------------------------------------------------------------------------

/** A Secret `name` (tls.crt on line 8, tls.key on line 9), a TLSContext and a Mapping that originates mTLS with it. */
function clientTree(name: string, crtPem: string, keyPem: string): string {
  return docs(
    secretYaml(name, {
      "tls.crt": Buffer.from(crtPem).toString("base64"),
      "tls.key": Buffer.from(keyPem).toString("base64"),
    }),
    originating({ secret: name }, `${name}-context`),
  );
}

const bundles = new Map<number, string>();

/** `count` distinct small certificates (Ed25519, one issuer that is not in the bundle), as one PEM bundle. */
export function certificateBundle(count: number): string {
  const built = bundles.get(count);
  if (built !== undefined) return built;
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    parts.push(
      certificatePem({
        serial: 10_000 + i,
        subject: `bundle leaf ${i}`,
        issuer: "Hostile Bundle CA",
        signer: "ed25519",
      }),
    );
  }
  const bundle = parts.join("");
  bundles.set(count, bundle);
  return bundle;
}

export const BUNDLE_5000 = "bundle-5000.yaml";
export const bundle5000 = once((): SourceFile => ({
  path: BUNDLE_5000,
  text: clientTree("bundle-5000", certificateBundle(5000), fixture("ed25519.key")),
}));

export const BUNDLE_1000 = "bundle-1000.yaml";
export const bundle1000 = once((): SourceFile => ({
  path: BUNDLE_1000,
  text: clientTree("bundle-1000", certificateBundle(1000), fixture("ed25519.key")),
}));

export const RSA_16384 = "rsa-16384.yaml";
export const rsa16384 = once((): SourceFile => {
  const modulus = fakeModulus(16_384, "hostile rsa 16384");
  const crt = certificatePem({
    serial: 16_384,
    subject: "rsa16384.example.com",
    issuer: "Hostile CA",
    signer: "rsa2048",
    spki: rsaSpki(modulus),
    clientAuth: true,
  });
  return { path: RSA_16384, text: clientTree("rsa-16384", crt, fakeRsaPrivateKeyPem(modulus, "hostile rsa 16384")) };
});

export const SAN_10000 = "san-10000.yaml";
/** The last name of the 10,000: a Host serves it, so the hostname check must read past the first 100. */
export const SAN_LAST = "host9999.example.com";
export const san10000 = once((): SourceFile => {
  const names = Array.from({ length: 10_000 }, (_, i) => `host${i}.example.com`);
  const crt = certificatePem({
    serial: 10_000,
    subject: "san.example.com",
    signer: "rsa2048",
    dnsNames: names,
    clientAuth: true,
  });
  const hostDoc = `apiVersion: getambassador.io/v3alpha1\nkind: Host\nmetadata: {name: san-host, namespace: default}\nspec: {hostname: ${SAN_LAST}, tlsSecret: {name: san-10000}}\n`;
  return { path: SAN_10000, text: docs(clientTree("san-10000", crt, fixture("rsa2048.key")), hostDoc) };
});

export const HUGE_SECRET = "secret-50mb.yaml";
export const HUGE_TLS_CRT_BYTES = 50 * 1024 * 1024;
export const hugeSecret = once((): SourceFile => {
  const crt = fixture("ec-p256.crt");
  const pemText = crt.repeat(Math.ceil(HUGE_TLS_CRT_BYTES / crt.length)).slice(0, HUGE_TLS_CRT_BYTES);
  return { path: HUGE_SECRET, text: clientTree("secret-50mb", pemText, fixture("ec-p256.key")) };
});

/** The Secret's tls.crt line in every generated certificate case (secretYaml puts it on line 8). */
export const TLS_CRT_LINE = 8;

/** Every generated file at its default size, and the finding each must produce at the default limits. */
export function generatedAtDefaults(): { file: () => SourceFile; expect: ExpectedFinding }[] {
  return [
    { file: tenMegabytes, expect: { ruleId: "file-too-large", file: TEN_MB, line: 1, data: { limit: 1024 * 1024 } } },
    {
      file: manyDocuments,
      expect: {
        ruleId: "file-too-large",
        file: MANY_DOCS,
        line: markerLine(manyDocuments().text, 20_000),
        data: { documents: MANY_DOCS_COUNT, limit: 20_000 },
      },
    },
    {
      file: bundle5000,
      expect: { ruleId: "file-too-large", file: BUNDLE_5000, line: 1, data: { limit: 1024 * 1024 } },
    },
    {
      file: bundle1000,
      expect: {
        ruleId: "cert-inspection-limited",
        file: BUNDLE_1000,
        line: TLS_CRT_LINE,
        data: { limit: "certificates", actual: 1000, max: 100 },
      },
    },
    {
      file: rsa16384,
      expect: {
        ruleId: "cert-inspection-limited",
        file: RSA_16384,
        line: TLS_CRT_LINE,
        data: { limit: "rsa-key-bits", actual: 16_384, max: 8192 },
      },
    },
    {
      file: san10000,
      expect: {
        ruleId: "cert-inspection-limited",
        file: SAN_10000,
        line: TLS_CRT_LINE,
        data: { limit: "san-entries", actual: 10_000, max: 100 },
      },
    },
    {
      file: hugeSecret,
      expect: { ruleId: "file-too-large", file: HUGE_SECRET, line: 1, data: { limit: 1024 * 1024 } },
    },
  ];
}

/** Every committed hostile fixture and the finding it must produce. */
export const COMMITTED_EXPECTATIONS: readonly ExpectedFinding[] = [
  { ruleId: "yaml-syntax", file: "alias-bomb.yaml", line: 2, message: /alias bomb/ },
  { ruleId: "mapping-tls-context-not-found", file: "alias-bomb.yaml", line: 20 },
  { ruleId: "cert-invalid", file: "base64-garbage.yaml", line: 7, data: { code: "base64-character" } },
  { ruleId: "cert-invalid", file: "base64-garbage.yaml", line: 8, data: { code: "base64-padding" } },
  { ruleId: "file-skipped", file: "binary.yaml", line: 1, data: { reason: "binary" } },
  { ruleId: "mapping-tls-context-not-found", file: "bom-crlf.yaml", line: 10 },
  { ruleId: "mapping-tls-context-not-found", file: "bom-crlf.yaml", line: 20 },
  { ruleId: "file-too-large", file: "deeply-nested.yaml", line: 8, data: { limit: 128 } },
  { ruleId: "file-too-large", file: "deeply-nested.yaml", line: 143, data: { limit: 128 } },
  { ruleId: "mapping-tls-context-not-found", file: "deeply-nested.yaml", line: 221 },
  { ruleId: "yaml-syntax", file: "duplicate-keys.yaml", line: 11, message: /unique/ },
  { ruleId: "file-skipped", file: "invalid-utf8.yaml", line: 1, data: { reason: "binary" } },
  { ruleId: "yaml-syntax", file: "non-string-keys.yaml", line: 9, message: /sequence or mapping/ },
  { ruleId: "yaml-syntax", file: "non-string-keys.yaml", line: 20, message: /empty or null/ },
  { ruleId: "unknown-field", file: "non-string-keys.yaml", line: 28, message: /`443`/ },
  { ruleId: "unknown-field", file: "non-string-keys.yaml", line: 29, message: /`true`/ },
  SIBLING_FINDING,
  { ruleId: "yaml-syntax", file: "tabs.yaml", line: 6, message: /[Tt]abs/ },
];
