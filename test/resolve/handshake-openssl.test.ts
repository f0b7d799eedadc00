/**
 * Property (issue 20): on generated PKI trees, the handshake simulation's chain verification agrees with `openssl
 * verify` on the same files about whether each chain verifies. The trees are small and seeded (fast-check), signed with
 * node-forge over keys from node:crypto; they cover expired and not-yet-valid certificates, wrong extendedKeyUsage on
 * the leaf and on intermediates, issuers that are no CA, path lengths, missing intermediates and unrelated roots.
 * OpenSSL runs here only, in the test, with `-purpose sslserver|sslclient` and `-attime`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import fc from "fast-check";
import forge from "node-forge";
import { loadCertificates, verifyChain, type Purpose } from "../../src/core/resolve/chain-verify.js";

const NOW = new Date("2026-06-01T00:00:00Z");
const DATES = {
  good: [new Date("2025-01-01T00:00:00Z"), new Date("2049-12-31T23:59:59Z")],
  expired: [new Date("2020-01-01T00:00:00Z"), new Date("2021-01-01T00:00:00Z")],
  future: [new Date("2040-01-01T00:00:00Z"), new Date("2045-01-01T00:00:00Z")],
} as const;
type Validity = keyof typeof DATES;
type Eku = "none" | "serverAuth" | "clientAuth" | "both";

interface CaSpec {
  validity: Validity;
  /** basicConstraints cA. */
  ca: boolean;
  keyCertSign: boolean;
  eku: Eku;
  pathLength: number | undefined;
}
interface TreeSpec {
  root: CaSpec;
  intermediates: CaSpec[];
  leaf: { validity: Validity; eku: Eku };
  /** Which intermediates the leaf's holder sends with it (by index), the others are missing. */
  sent: boolean[];
  /** The trusted bundle: the tree's root, an unrelated root, or the root with every intermediate. */
  bundle: "root" | "unrelated" | "root-and-intermediates";
  purpose: Purpose;
}

const openssl = spawnSync("openssl", ["version"], { encoding: "utf8" });
const hasOpenssl = openssl.status === 0;
const work = mkdtempSync(join(tmpdir(), "mtls-gate-handshake-"));
after(() => rmSync(work, { recursive: true, force: true }));

// Keys are the slow part: a pool, each tree taking distinct ones by position (so no two CAs of one tree share a key).
const KEYS = Array.from({ length: 6 }, () => {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString());
  return { key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
});

let serial = 1;
function make(
  cn: string,
  keyIndex: number,
  spec: { validity: Validity; ca: boolean; keyCertSign: boolean; eku: Eku; pathLength?: number | undefined },
  issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey },
) {
  const own = KEYS[keyIndex] as (typeof KEYS)[number];
  const cert = forge.pki.createCertificate();
  cert.publicKey = own.publicKey;
  cert.serialNumber = (serial++).toString(16).padStart(4, "0");
  cert.validity.notBefore = DATES[spec.validity][0];
  cert.validity.notAfter = DATES[spec.validity][1];
  const subject = [{ name: "commonName", value: cn }];
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);
  const extensions: object[] = [
    {
      name: "basicConstraints",
      cA: spec.ca,
      critical: true,
      ...(spec.ca && spec.pathLength !== undefined ? { pathLenConstraint: spec.pathLength } : {}),
    },
    spec.ca || spec.keyCertSign
      ? {
          name: "keyUsage",
          critical: true,
          keyCertSign: spec.keyCertSign,
          cRLSign: true,
          digitalSignature: !spec.keyCertSign,
        }
      : { name: "keyUsage", critical: true, digitalSignature: true, keyEncipherment: true },
    { name: "subjectKeyIdentifier" },
  ];
  const usages = spec.eku === "both" ? ["serverAuth", "clientAuth"] : spec.eku === "none" ? [] : [spec.eku];
  if (usages.length > 0) extensions.push({ name: "extKeyUsage", ...Object.fromEntries(usages.map((u) => [u, true])) });
  if (issuer)
    extensions.push({
      name: "authorityKeyIdentifier",
      keyIdentifier: issuer.cert.generateSubjectKeyIdentifier().getBytes(),
    });
  cert.setExtensions(extensions);
  cert.sign(issuer ? issuer.key : own.key, forge.md.sha256.create());
  return { cert, key: own.key, pem: forge.pki.certificateToPem(cert) };
}

/** `value` most of the time, else one of the others: each tree breaks few things, so both outcomes are common. */
function mostly<T>(value: T, ...others: T[]): fc.Arbitrary<T> {
  return fc.oneof(
    { arbitrary: fc.constant(value), weight: 12 },
    ...others.map((other) => ({ arbitrary: fc.constant(other), weight: 1 })),
  );
}
const validity = mostly<Validity>("good", "expired", "future");
const eku = fc.constantFrom<Eku>("none", "serverAuth", "clientAuth", "both", "both");
const caSpec = fc.record({
  validity,
  ca: mostly(true, false),
  keyCertSign: mostly(true, false),
  eku: mostly<Eku>("none", "serverAuth", "clientAuth", "both"),
  pathLength: mostly<number | undefined>(undefined, 0, 1),
});
const treeSpec: fc.Arbitrary<TreeSpec> = fc
  .record({
    root: caSpec,
    intermediates: fc.array(caSpec, { maxLength: 2 }),
    leaf: fc.record({ validity, eku }),
    sentAll: mostly(true, false),
    bundle: fc.constantFrom<TreeSpec["bundle"]>("root", "root", "root", "unrelated", "root-and-intermediates"),
    purpose: fc.constantFrom<Purpose>("serverAuth", "clientAuth"),
  })
  .chain((t) =>
    fc
      .array(fc.boolean(), { minLength: t.intermediates.length, maxLength: t.intermediates.length })
      .map((sent) => ({ ...t, sent: t.sentAll ? t.intermediates.map(() => true) : sent })),
  );

/** Writes the tree's files and returns whether `openssl verify` and the simulation accept the leaf. */
function both(spec: TreeSpec, run: number): { openssl: boolean; simulation: boolean; why: string } {
  const root = make(`Root ${run}`, 0, spec.root);
  const intermediates: ReturnType<typeof make>[] = [];
  let issuer = root;
  spec.intermediates.forEach((intermediate, index) => {
    issuer = make(`Intermediate ${run}.${index}`, index + 1, intermediate, issuer);
    intermediates.push(issuer);
  });
  const leaf = make(
    `leaf-${run}.example`,
    4,
    { validity: spec.leaf.validity, ca: false, keyCertSign: false, eku: spec.leaf.eku },
    issuer,
  );
  const unrelated = make(`Unrelated ${run}`, 5, { validity: "good", ca: true, keyCertSign: true, eku: "none" });
  // The holder sends its leaf, then the intermediates nearest to it first.
  const chain = [...intermediates].reverse().filter((_, i) => spec.sent[intermediates.length - 1 - i]);
  const bundle = spec.bundle === "unrelated" ? [unrelated] : spec.bundle === "root" ? [root] : [root, ...intermediates];
  const files = {
    leaf: join(work, `leaf-${run}.pem`),
    untrusted: join(work, `untrusted-${run}.pem`),
    ca: join(work, `ca-${run}.pem`),
  };
  writeFileSync(files.leaf, leaf.pem);
  writeFileSync(files.untrusted, chain.map((c) => c.pem).join(""));
  writeFileSync(files.ca, bundle.map((c) => c.pem).join(""));
  const args = [
    "verify",
    "-CAfile",
    files.ca,
    ...(chain.length > 0 ? ["-untrusted", files.untrusted] : []),
    "-purpose",
    spec.purpose === "serverAuth" ? "sslserver" : "sslclient",
    "-attime",
    String(NOW.getTime() / 1000),
    files.leaf,
  ];
  const result = spawnSync("openssl", args, { encoding: "utf8" });
  const value = (pems: readonly { pem: string }[]) => ({
    key: "tls.crt",
    raw: pems.map((c) => c.pem).join(""),
    encoding: "plain" as const,
    path: [],
  });
  const simulated = verifyChain(
    loadCertificates(value([leaf, ...chain]), NOW),
    loadCertificates(value(bundle), NOW),
    [],
    spec.purpose,
    NOW,
  );
  return {
    openssl: result.status === 0,
    simulation: simulated.ok,
    why: `openssl: ${(result.stdout + result.stderr).trim().replace(/\s+/g, " ")} / simulation: ${simulated.why ?? "ok"}`,
  };
}

test(
  "the simulation agrees with openssl verify on generated PKI trees (seeded)",
  { skip: hasOpenssl ? false : "openssl is not installed" },
  () => {
    let run = 0;
    const outcomes = { verified: 0, refused: 0 };
    fc.assert(
      fc.property(treeSpec, (spec) => {
        const { openssl: accepted, simulation, why } = both(spec, run++);
        outcomes[accepted ? "verified" : "refused"]++;
        assert.equal(simulation, accepted, `${JSON.stringify(spec)}\n${why}`);
      }),
      { seed: 20, numRuns: 120 },
    );
    // Both outcomes are exercised, so agreement is not the trivial "everything fails".
    assert.ok(outcomes.verified >= 10 && outcomes.refused >= 10, JSON.stringify(outcomes));
  },
);

test(
  "the fixture cases agree with openssl: expired, wrong EKU, missing intermediate, rotated CA",
  { skip: hasOpenssl ? false : "openssl is not installed" },
  () => {
    const cases: TreeSpec[] = [
      {
        root: { validity: "good", ca: true, keyCertSign: true, eku: "none", pathLength: undefined },
        intermediates: [],
        leaf: { validity: "good", eku: "serverAuth" },
        sent: [],
        bundle: "root",
        purpose: "serverAuth",
      },
      {
        root: { validity: "good", ca: true, keyCertSign: true, eku: "none", pathLength: undefined },
        intermediates: [],
        leaf: { validity: "expired", eku: "serverAuth" },
        sent: [],
        bundle: "root",
        purpose: "serverAuth",
      },
      {
        root: { validity: "good", ca: true, keyCertSign: true, eku: "none", pathLength: undefined },
        intermediates: [],
        leaf: { validity: "good", eku: "serverAuth" },
        sent: [],
        bundle: "root",
        purpose: "clientAuth",
      },
      {
        root: { validity: "good", ca: true, keyCertSign: true, eku: "none", pathLength: undefined },
        intermediates: [{ validity: "good", ca: true, keyCertSign: true, eku: "none", pathLength: 0 }],
        leaf: { validity: "good", eku: "both" },
        sent: [false],
        bundle: "root",
        purpose: "serverAuth",
      },
      {
        root: { validity: "good", ca: true, keyCertSign: true, eku: "none", pathLength: undefined },
        intermediates: [],
        leaf: { validity: "good", eku: "serverAuth" },
        sent: [],
        bundle: "unrelated",
        purpose: "serverAuth",
      },
    ];
    const expected = [true, false, false, false, false];
    cases.forEach((spec, index) => {
      const { openssl: accepted, simulation, why } = both(spec, 1000 + index);
      assert.deepEqual([accepted, simulation], [expected[index], expected[index]], why);
    });
  },
);
