import { Buffer } from "node:buffer";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";
import forge from "node-forge";

import {
  CertInspector,
  type CertProblem,
  type CertProblemCode,
  type CertProblemKind,
  type CertificateBundleInspection,
} from "../../src/core/certs/index.js";
import { encode, parseDer, type Asn1 } from "../../src/core/certs/der.js";

const FIXTURES = new URL("../../../test/fixtures/certs/", import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");
const NOW = new Date("2026-06-01T00:00:00Z");

const pemBody = (pem: string): string => (pem.split("-----")[2] ?? "").replace(/\s/g, "");
const derOf = (pem: string): Buffer => Buffer.from(pemBody(pem), "base64");
const toPem = (der: Buffer, label = "CERTIFICATE"): string =>
  `-----BEGIN ${label}-----\n${(der.toString("base64").match(/.{1,64}/g) ?? []).join("\n")}\n-----END ${label}-----\n`;

const inspect = (text: string): CertificateBundleInspection =>
  new CertInspector().inspectCertificateValue(text, "stringData", NOW);
const codes = (problems: readonly CertProblem[]): [CertProblemKind, CertProblemCode][] =>
  problems.map((found) => [found.kind, found.code]);

// --- tls.crt values that are not certificates ---------------------------------------------------------

const INVALID_CASES: readonly [name: string, value: () => string, expected: [CertProblemKind, CertProblemCode][]][] = [
  ["empty", () => "", [["cert-invalid", "empty-value"]]],
  ["whitespace only", () => " \n\t\n", [["cert-invalid", "empty-value"]]],
  ["garbage text", () => "this is not a certificate", [["cert-invalid", "no-pem-block"]]],
  [
    "PEM encoded twice",
    () => Buffer.from(fixture("rsa2048.crt")).toString("base64"),
    [["cert-invalid", "double-base64"]],
  ],
  ["a block that is not X.509", () => toPem(Buffer.from("hello")), [["cert-invalid", "x509-unparseable"]]],
  [
    "a corrupt CERTIFICATE block",
    () => "-----BEGIN CERTIFICATE-----\n***\n-----END CERTIFICATE-----\n",
    [["cert-invalid", "pem-block-corrupt"]],
  ],
  [
    "a private key first",
    () => fixture("ec-p256.key") + fixture("ec-p256.crt"),
    [["cert-invalid", "first-block-not-certificate"]],
  ],
  ["only a private key", () => fixture("rsa2048.key"), [["cert-invalid", "first-block-not-certificate"]]],
  [
    "deeply nested DER",
    () => toPem(Buffer.from("\x30\x80".repeat(5000), "latin1")),
    [["cert-invalid", "x509-unparseable"]],
  ],
];

for (const [name, value, expected] of INVALID_CASES) {
  test(`tls.crt problem: ${name}`, () => {
    const result = inspect(value());
    assert.deepEqual(codes(result.problems), expected);
  });
}

test("tls.crt problem: a DER certificate (base64 of a .der file in `data`)", () => {
  const result = new CertInspector().inspectCertificateValue(pemBody(fixture("rsa2048.crt")), "data", NOW);
  assert.deepEqual(codes(result.problems), [["cert-invalid", "der-not-pem"]]);
});

test("tls.crt problems point at the certificate they concern", () => {
  const text = `${fixture("rsa2048.crt")}-----BEGIN CERTIFICATE-----\n***\n-----END CERTIFICATE-----\n${toPem(Buffer.from("x"))}`;
  const result = inspect(text);
  assert.deepEqual(
    result.problems.map((found) => [found.code, found.certIndex]),
    [
      ["pem-block-corrupt", 1],
      ["x509-unparseable", 2],
    ],
  );
  assert.deepEqual(
    result.certificates.map((cert) => cert.index),
    [0],
  );
  assert.equal(result.certificateBlockCount, 3);
});

test("other blocks in tls.crt are listed by (sanitised) label", () => {
  const result = inspect(fixture("ec-p256.crt") + fixture("ec-p256.key") + toPem(Buffer.from("x"), "c2VjcmV0"));
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.otherBlockLabels, ["EC PRIVATE KEY", "(unrecognised label)"]);
});

test("invalid base64 in `data` is a problem, never a throw", () => {
  const inspector = new CertInspector();
  const result = inspector.inspectCertificateValue("LS0t*LS1", "data", NOW);
  assert.deepEqual(codes(result.problems), [["invalid-base64", "base64-character"]]);
  assert.equal(result.problems[0]?.reason, "not valid base64 (character outside the base64 alphabet at offset 4)");
  assert.deepEqual(codes(inspector.inspectPrivateKeyValue("abc", "data").problems), [
    ["invalid-base64", "base64-length"],
  ]);
});

// --- certificates OpenSSL loads but Go's crypto/x509 refuses ------------------------------------------

function children(node: Asn1 | undefined): Asn1[] {
  assert.ok(node !== undefined && Array.isArray(node.value), "constructed ASN.1 node expected");
  return node.value;
}

function oidOf(extension: Asn1): string {
  const [id] = children(extension);
  assert.ok(id !== undefined && typeof id.value === "string");
  return forge.asn1.derToOid(id.value);
}

/** ec-p256.crt with its DER changed; the signature no longer verifies, which OpenSSL does not check on load. */
function mutated(change: (tbs: Asn1[], top: Asn1[]) => void, file = "ec-p256.crt"): string {
  const parsed = parseDer(derOf(fixture(file)).toString("latin1"));
  assert.ok(parsed);
  const top = children(parsed.tree);
  change(children(top[0]), top);
  return toPem(Buffer.from(encode(parsed.tree), "latin1"));
}

const extensionsOf = (tbs: Asn1[]): Asn1[] => children(children(tbs[7])[0]);

function changeExtension(tbs: Asn1[], oid: string, change: (value: Asn1) => Asn1): void {
  const extension = extensionsOf(tbs).find((candidate) => oidOf(candidate) === oid);
  assert.ok(extension);
  const wrapped = children(extension).at(-1);
  assert.ok(wrapped !== undefined && typeof wrapped.value === "string");
  const inner = parseDer(wrapped.value);
  assert.ok(inner);
  wrapped.value = encode(change(inner.tree));
}

const { Class, Type } = forge.asn1;
const create = forge.asn1.create;
const oidNode = (oid: string): Asn1 => create(Class.UNIVERSAL, Type.OID, false, forge.asn1.oidToDer(oid).getBytes());

const MALFORMED_CASES: readonly [name: string, pem: () => string, code: CertProblemCode][] = [
  [
    "negative serial",
    () =>
      mutated((tbs) => {
        const serial = tbs[1];
        assert.ok(serial !== undefined && typeof serial.value === "string");
        serial.value = `\x80${serial.value.slice(1)}`;
      }),
    "serial-negative",
  ],
  [
    "UTCTime without Z",
    () =>
      mutated((tbs) => {
        const notAfter = children(tbs[4])[1];
        assert.ok(notAfter);
        notAfter.value = "491231235959";
      }),
    "time-malformed",
  ],
  [
    "month 13",
    () =>
      mutated((tbs) => {
        const notAfter = children(tbs[4])[1];
        assert.ok(notAfter);
        notAfter.value = "491331235959Z";
      }),
    "time-malformed",
  ],
  [
    "duplicate extension",
    () =>
      mutated((tbs) => {
        const list = extensionsOf(tbs);
        const firstExtension = list[0];
        assert.ok(firstExtension);
        list.push(firstExtension);
      }),
    "extension-duplicate",
  ],
  [
    "outer signature algorithm differs from the inner one",
    () =>
      mutated((_tbs, top) => {
        top[1] = create(Class.UNIVERSAL, Type.SEQUENCE, true, [oidNode("1.2.840.10045.4.3.3")]);
      }),
    "signature-algorithm-mismatch",
  ],
  [
    "PrintableString with '@'",
    () =>
      mutated((tbs) => {
        const value = children(children(children(tbs[5])[0])[0])[1];
        assert.ok(value);
        value.type = Type.PRINTABLESTRING;
        value.value = "a@b";
      }),
    "name-malformed",
  ],
  [
    "basicConstraints with a non-DER BOOLEAN",
    () =>
      mutated((tbs) =>
        changeExtension(tbs, "2.5.29.19", (value) => {
          children(value).unshift(create(Class.UNIVERSAL, Type.BOOLEAN, false, "\x01"));
          return value;
        }),
      ),
    "extension-malformed",
  ],
  [
    "SAN iPAddress of 5 bytes",
    () =>
      mutated((tbs) =>
        changeExtension(tbs, "2.5.29.17", (value) => {
          children(value).push(create(Class.CONTEXT_SPECIFIC, 7, false, "\x01\x02\x03\x04\x05"));
          return value;
        }),
      ),
    "extension-malformed",
  ],
  [
    "EC key on secp256k1",
    () =>
      mutated((tbs) => {
        const algorithm = children(children(tbs[6])[0]);
        algorithm[1] = oidNode("1.3.132.0.10");
      }),
    "public-key-unsupported-curve",
  ],
  [
    "non-minimal outer length",
    () => {
      const der = derOf(fixture("ec-p256.crt"));
      // 30 82 LL LL -> 30 83 00 LL LL: same length, BER long form.
      return toPem(Buffer.concat([Buffer.from([0x30, 0x83, 0x00]), der.subarray(2)]));
    },
    "der-encoding",
  ],
];

for (const [name, pem, code] of MALFORMED_CASES) {
  test(`cert-malformed: ${name}`, () => {
    const result = inspect(pem());
    assert.deepEqual(codes(result.problems), [["cert-malformed", code]]);
    assert.equal(result.problems[0]?.certIndex, 0);
    // Facts survive a malformation.
    assert.equal(result.certificates.length, 1);
    assert.equal(result.certificates[0]?.publicKey.type, "EC");
  });
}

test("unknown critical extensions are a fact, not a problem", () => {
  const pem = mutated((tbs) => {
    extensionsOf(tbs).push(
      create(Class.UNIVERSAL, Type.SEQUENCE, true, [
        oidNode("1.2.3.4"),
        create(Class.UNIVERSAL, Type.BOOLEAN, false, "\xff"),
        create(Class.UNIVERSAL, Type.OCTETSTRING, false, "\x05\x00"),
      ]),
    );
  });
  const result = inspect(pem);
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.certificates[0]?.unhandledCriticalExtensions, ["1.2.3.4"]);
});

test("a self-issued certificate whose signature does not verify is not self-signed", () => {
  const pem = mutated((tbs) => {
    const serial = tbs[1];
    assert.ok(serial !== undefined);
    serial.value = "\x7f";
  }, "root-ca.crt");
  const [cert] = inspect(pem).certificates;
  assert.equal(cert?.selfIssued, true);
  assert.equal(cert?.selfSigned, false);
  assert.equal(cert?.serial, "7F");
});

// --- hostile input ------------------------------------------------------------------------------------

test("hostile: more than 100 certificates are counted, not parsed", () => {
  const result = inspect(fixture("ec-p256.crt").repeat(150));
  assert.equal(result.certificates.length, 100);
  assert.equal(result.certificateBlockCount, 150);
  assert.equal(result.omittedCertificateCount, 50);
  assert.deepEqual(result.problems, []);
});

test("hostile: a SAN list of 5,000 names keeps 100 and counts all", () => {
  const pem = mutated((tbs) =>
    changeExtension(tbs, "2.5.29.17", () =>
      create(
        Class.UNIVERSAL,
        Type.SEQUENCE,
        true,
        Array.from({ length: 5000 }, (_, i) => create(Class.CONTEXT_SPECIFIC, 2, false, `host${i}.example.com`)),
      ),
    ),
  );
  const [cert] = inspect(pem).certificates;
  assert.equal(cert?.sanCount, 5000);
  assert.equal(cert?.sanDnsNames.length, 100);
  assert.equal(cert?.sanDnsNames[99], "host99.example.com");
});

test("hostile: a 16,384-bit RSA key is handled", () => {
  const modulus = Buffer.alloc(2048, 0xc3);
  modulus[0] = 0xc3;
  modulus[modulus.length - 1] = 0xc5;
  const rsaPublicKey = create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    create(Class.UNIVERSAL, Type.INTEGER, false, `\x00${modulus.toString("latin1")}`),
    create(Class.UNIVERSAL, Type.INTEGER, false, "\x01\x00\x01"),
  ]);
  const pem = mutated((tbs) => {
    const subjectPublicKey = children(tbs[6])[1];
    assert.ok(subjectPublicKey);
    subjectPublicKey.value = `\x00${encode(rsaPublicKey)}`;
  }, "root-ca.crt");
  const inspector = new CertInspector();
  const result = inspector.inspectCertificateValue(pem, "stringData", NOW);
  assert.deepEqual(result.problems, []);
  assert.equal(result.certificates[0]?.publicKey.type, "RSA");
  assert.equal(result.certificates[0]?.publicKey.bits, 16384);
  assert.equal(result.certificates[0]?.selfSigned, false);
});

test("hostile: values over 1 MiB are too-large and not parsed", () => {
  const huge = fixture("ec-p256.crt").repeat(1100);
  assert.deepEqual(codes(inspect(huge).problems), [["too-large", "value-too-large"]]);
  const inspector = new CertInspector();
  assert.deepEqual(codes(inspector.inspectPrivateKey(Buffer.alloc(1024 * 1024 + 1, 0x41)).problems), [
    ["too-large", "value-too-large"],
  ]);
});

test("hostile: random bytes never throw", () => {
  let seed = 42;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed & 0xff;
  };
  const inspector = new CertInspector();
  for (let round = 0; round < 200; round++) {
    const bytes = Buffer.from(Array.from({ length: 1 + (round % 50) * 7 }, next));
    const wrapped = round % 2 === 0 ? bytes : Buffer.from(toPem(bytes));
    assert.doesNotThrow(() => inspector.inspectCertificates(wrapped, NOW));
    assert.doesNotThrow(() => inspector.inspectPrivateKey(wrapped));
  }
});

// --- secret material never leaves --------------------------------------------------------------------

const KEY_FILES = readdirSync(FIXTURES).filter((name) => name.endsWith(".key"));
const WINDOW = 8;

function secretWindows(): Set<string> {
  const windows = new Set<string>();
  for (const file of KEY_FILES) {
    const body = fixture(file)
      .split("\n")
      .filter((line) => !line.startsWith("-----") && !line.includes(":"))
      .join("");
    for (let i = 0; i + WINDOW <= body.length; i++) windows.add(body.slice(i, i + WINDOW));
  }
  return windows;
}

function leaks(text: string, windows: ReadonlySet<string>): string | null {
  for (let i = 0; i + WINDOW <= text.length; i++) {
    const window = text.slice(i, i + WINDOW);
    if (windows.has(window)) return window;
  }
  return null;
}

test("no problem or fact contains any part of a key body", () => {
  const windows = secretWindows();
  assert.ok(windows.size > 1000);
  // The detector itself works: the key text is caught.
  assert.notEqual(leaks(fixture("rsa2048.key"), windows), null);
  const inspector = new CertInspector();
  const outputs: unknown[] = [];
  for (const file of KEY_FILES) {
    const text = fixture(file);
    const base64 = Buffer.from(text).toString("base64");
    const body = pemBody(text);
    const variants: [string, "data" | "stringData"][] = [
      [text, "stringData"],
      [base64, "data"],
      [`${base64.slice(0, 40)}*${base64.slice(40)}`, "data"],
      [base64.slice(0, -3), "data"],
      [Buffer.from(base64).toString("base64"), "data"],
      [body, "data"],
      [text.replace(/END/, "END BROKEN"), "stringData"],
      [text.slice(0, Math.floor(text.length / 2)), "stringData"],
      [text.replace(body.slice(10, 20), "**********"), "stringData"],
      [`${text.split("\n")[0] ?? ""}\n${body.slice(0, 30)}\n-----END PRIVATE KEY-----\n`, "stringData"],
    ];
    for (const [value, origin] of variants) {
      outputs.push(inspector.inspectPrivateKeyValue(value, origin));
      outputs.push(inspector.inspectCertificateValue(value, origin, NOW));
    }
  }
  for (const output of outputs) {
    const serialised = JSON.stringify(output);
    assert.equal(leaks(serialised, windows), null, `leak in ${serialised.slice(0, 200)}`);
  }
});
