/**
 * Property tests: random trees of Mappings, TLSContexts, Hosts and Secrets (and annotated Services, kustomizations),
 * with fields present, absent or of the wrong type and names drawn from a small pool so that references sometimes
 * resolve. Whatever the tree, the analyser never throws nor reports an internal error, every finding lies inside its
 * file, the order of the files does not matter, and a tree compared with itself introduces nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { stringify } from "yaml";
import { analyzeDiff, analyzeTree, type TreeAnalysis } from "../../src/core/analyze.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import type { Finding, SourceFile } from "../../src/core/types.js";
import { b64, fixture } from "../helpers/cert-fixtures.js";
import { FIXED_NOW } from "../helpers/rule-tester.js";

const SEED = 0x6d746c73;
const POLICY = loadPolicy(undefined).policy;

// --- the pieces ------------------------------------------------------------------------------------------------------

const NAMES = ["alpha", "beta", "ca"] as const;
const NAMESPACES = ["default", "edge"] as const;

/** Absent a quarter of the time. */
const maybe = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arbitrary, { nil: undefined, freq: 4 });

/** Present an eighth of the time: fields that change a resource's meaning wholesale. */
const rare = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arbitrary });

/** A value of the wrong shape: what a typo or a bad template leaves in a field. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: "binary", maxLength: 6 }),
  fc.integer({ min: -5, max: 70_000 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);

/** Usually a plausible value, sometimes junk, sometimes absent. */
const field = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  maybe(fc.oneof({ weight: 8, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: junk }));

/** Mostly one of a few names, so that references resolve; now and then a near miss (case, a dot). */
const name = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 1, arbitrary: fc.constantFrom("Alpha", "alpha.edge", "") },
);
/** Mostly none (the default namespace), so that references resolve. */
const namespace = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom(...NAMESPACES) },
);
/** A Secret reference as TLSContexts write it: `name` or `name.namespace`. */
const secretRef = fc.oneof(
  { weight: 6, arbitrary: name },
  { weight: 1, arbitrary: fc.tuple(name, fc.constantFrom(...NAMESPACES)).map(([n, ns]) => `${n}.${ns}`) },
);
const hostname = fc.constantFrom("api.example.com", "client.example.com", "*.example.com", "*", "10.0.0.7", "");
const tlsVersion = fc.constantFrom("v1.0", "v1.1", "v1.2", "v1.3", "v2.0");

/** Keys nobody should write: typos, and the ones that would pollute a prototype. */
const noise = fc.dictionary(
  fc.constantFrom("secert", "tls_context", "__proto__", "constructor", "prototype", "x"),
  junk,
  { maxKeys: 2 },
);

const suppression = rare(
  fc.constantFrom("upstream-unverified -- partner pins our cert", "weak-tls-protocol", "no-such-rule -- why not", ""),
);

function metadata(): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    name: fc.oneof({ weight: 19, arbitrary: name as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: junk }),
    namespace,
    annotations: suppression.map((value) => (value === undefined ? undefined : { "mtls-gate.io/ignore": value })),
    labels: maybe(fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("web", "api"), { maxKeys: 2 })),
  });
}

const AMBASSADOR_VERSIONS = [
  "getambassador.io/v3alpha1",
  "getambassador.io/v2",
  "getambassador.io/v1",
  "getambassador.io/v0",
  "x.example.io/v1",
];

function resource(
  kind: fc.Arbitrary<string>,
  spec: fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      apiVersion: fc.oneof(
        { weight: 6, arbitrary: fc.constant(AMBASSADOR_VERSIONS[0] as string) },
        { weight: 3, arbitrary: fc.constantFrom(...AMBASSADOR_VERSIONS) },
      ),
      kind,
      metadata: fc.oneof(
        { weight: 19, arbitrary: metadata() as fc.Arbitrary<unknown> },
        { weight: 1, arbitrary: junk },
      ),
      spec: fc.oneof(
        {
          weight: 19,
          arbitrary: fc.tuple(spec, rare(noise)).map(([s, n]) => ({ ...n, ...s })) as fc.Arbitrary<unknown>,
        },
        { weight: 1, arbitrary: junk },
      ),
    })
    .map((r) => r as Record<string, unknown>);
}

const mappingSpec = fc.record({
  prefix: field(fc.constantFrom("/a/", "/b/", "/", "/a/*")),
  service: field(
    fc.constantFrom(
      "svc",
      "https://svc",
      "http://svc:8080",
      "svc.edge:443",
      "upstream-service.default",
      "https://svc:99999",
      "::1",
    ),
  ),
  tls: field(fc.oneof(name, fc.boolean())),
  host: rare(field(hostname)),
  hostname: rare(field(hostname)),
  resolver: rare(field(fc.constantFrom("endpoint", "consul", "missing"))),
  load_balancer: rare(field(fc.constant({ policy: "round_robin" }))),
  port: rare(field(fc.integer({ min: 0, max: 70_000 }))),
});

const tlsContextSpec = fc.record({
  secret: field(secretRef),
  ca_secret: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: field(secretRef) }),
  crl_secret: rare(field(secretRef)),
  hosts: rare(field(fc.array(hostname, { maxLength: 2 }))),
  min_tls_version: field(tlsVersion),
  max_tls_version: field(tlsVersion),
  cipher_suites: rare(
    field(fc.array(fc.constantFrom("ECDHE-RSA-AES128-GCM-SHA256", "RC4-SHA", "DES-CBC3-SHA"), { maxLength: 2 })),
  ),
  cert_chain_file: rare(field(fc.constant("/certs/tls.crt"))),
  private_key_file: rare(field(fc.constant("/certs/tls.key"))),
  cacert_chain_file: rare(field(fc.constant("/certs/ca.crt"))),
  sni: field(hostname),
  alpn_protocols: rare(field(fc.constantFrom("h2", "h2,http/1.1"))),
  secret_namespacing: rare(field(fc.boolean())),
});

const hostSpec = fc.record({
  hostname: field(hostname),
  tlsSecret: field(fc.record({ name: field(name), namespace })),
  tlsContext: field(fc.record({ name: field(name) })),
  tls: field(fc.record({ min_tls_version: field(tlsVersion) })),
  mappingSelector: field(
    fc.record({
      matchLabels: fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("web", "api"), { maxKeys: 1 }),
    }),
  ),
});

/** Secret values: real fixture material (good and broken), garbage, SOPS markers. */
const CERTS = [
  "ec-p256.crt",
  "rsa2048.crt",
  "chain-good.crt",
  "chain-wrong-order.crt",
  "root-ca.crt",
  "expired.crt",
  "no-san.crt",
  "rsa1024.crt",
  "md5-signed.crt",
  "eku-server-only.crt",
];
const KEYS = ["ec-p256.key", "rsa2048.key", "mismatched.key", "encrypted-pkcs8.key", "dsa.key"];
const brokenValue = fc.oneof(
  fc.constantFrom("", "not base64!", "LS0tLS1CRUdJTi", "ENC[AES256_GCM,data:abc,type:str]", "AAAA===="),
  fc.string({ maxLength: 12 }),
);
const valueOf = (files: readonly string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...files).map((file) => b64(file)) },
    { weight: 1, arbitrary: brokenValue },
  );
const SECRET_KEYS = ["tls.crt", "tls.key", "ca.crt", "crl.pem", "cert-chain.pem", "key.pem", "root-cert.pem"];

/** Mostly a certificate and a key where they belong; sometimes anything anywhere. */
const secretData = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      "tls.crt": valueOf(CERTS),
      "tls.key": maybe(valueOf(KEYS)),
      "ca.crt": maybe(valueOf(CERTS)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.constantFrom(...SECRET_KEYS), valueOf([...CERTS, ...KEYS]), { maxKeys: 3 }),
  },
);

const secret: fc.Arbitrary<Record<string, unknown>> = fc.record({
  apiVersion: fc.constantFrom("v1", "v1", "v1", "v2"),
  kind: fc.constant("Secret"),
  metadata: metadata(),
  type: field(
    fc.constantFrom(
      "kubernetes.io/tls",
      "kubernetes.io/tls",
      "Opaque",
      "istio.io/key-and-cert",
      "bootstrap.kubernetes.io/token",
    ),
  ),
  data: field(secretData),
  stringData: maybe(
    fc.dictionary(fc.constantFrom("tls.crt", "tls.key"), fc.constantFrom(...CERTS, ...KEYS).map(fixture), {
      maxKeys: 2,
    }),
  ),
});

/** A Service carrying Ambassador resources in its getambassador.io/config annotation (the legacy style). */
const annotatedService: fc.Arbitrary<Record<string, unknown>> = fc
  .array(
    fc.oneof(
      mappingSpec.map((spec) => ({ apiVersion: "ambassador/v2", kind: "Mapping", name: "annotated", ...spec })),
      tlsContextSpec.map((spec) => ({
        apiVersion: "ambassador/v2",
        kind: "TLSContext",
        name: "annotated-context",
        ...spec,
      })),
    ),
    { minLength: 1, maxLength: 2 },
  )
  .chain((documents) =>
    fc.record({
      apiVersion: fc.constant("v1"),
      kind: fc.constant("Service"),
      metadata: fc.record({
        name: name,
        namespace,
        annotations: fc.constant({ "getambassador.io/config": documents.map((d) => `---\n${stringify(d)}`).join("") }),
      }),
      spec: fc.constant({ ports: [{ port: 80 }] }),
    }),
  );

/** A Mapping and the TLSContext its tls: names, with the context's secret named alike: most of them resolve. */
const linked: fc.Arbitrary<unknown[]> = fc
  .tuple(
    name,
    resource(fc.constant("Mapping"), mappingSpec),
    resource(fc.constant("TLSContext"), tlsContextSpec),
    fc.boolean(),
  )
  .map(([linkName, mapping, context, verify]) => {
    const spec = (r: Record<string, unknown>) =>
      typeof r.spec === "object" && r.spec !== null ? (r.spec as Record<string, unknown>) : {};
    const meta = (r: Record<string, unknown>) =>
      typeof r.metadata === "object" && r.metadata !== null ? (r.metadata as Record<string, unknown>) : {};
    return [
      { ...mapping, spec: { ...spec(mapping), tls: linkName, service: "https://upstream" } },
      {
        ...context,
        metadata: { ...meta(context), name: linkName },
        spec: { ...spec(context), secret: linkName, ...(verify ? { ca_secret: "ca" } : {}) },
      },
    ];
  });

const documents: fc.Arbitrary<unknown[]> = fc.oneof(
  {
    weight: 4,
    arbitrary: resource(fc.constantFrom("Mapping", "Mapping", "Mapping", "TCPMapping"), mappingSpec).map((d) => [d]),
  },
  { weight: 3, arbitrary: resource(fc.constant("TLSContext"), tlsContextSpec).map((d) => [d]) },
  { weight: 3, arbitrary: linked },
  { weight: 2, arbitrary: resource(fc.constant("Host"), hostSpec).map((d) => [d]) },
  { weight: 3, arbitrary: secret.map((d) => [d]) },
  { weight: 1, arbitrary: annotatedService.map((d) => [d]) },
  { weight: 1, arbitrary: junk.map((d) => [d]) },
);

interface FileShape {
  documents: unknown[];
  style: "block" | "flow" | "any";
  crlf: boolean;
  bom: boolean;
  comment: boolean;
  kustomization: boolean;
}

const fileShape: fc.Arbitrary<FileShape> = fc.record({
  documents: fc.array(documents, { minLength: 1, maxLength: 5 }).map((groups) => groups.flat()),
  style: fc.constantFrom("block", "flow", "any"),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  comment: fc.boolean(),
  kustomization: fc.boolean(),
});

function render(shapes: readonly FileShape[]): SourceFile[] {
  const files: SourceFile[] = [];
  shapes.forEach((shape, index) => {
    const dir = `app${index % 2}`;
    const path = `${dir}/manifest-${index}.yaml`;
    const body = shape.documents
      .map((doc) => stringify(doc, { collectionStyle: shape.style, lineWidth: 0 }))
      .join("---\n");
    let text = `${shape.comment ? "# generated\n" : ""}${body}`;
    if (shape.crlf) text = text.replaceAll("\n", "\r\n");
    if (shape.bom) text = `\ufeff${text}`;
    files.push({ path, text });
    if (shape.kustomization && !files.some((f) => f.path === `${dir}/kustomization.yaml`)) {
      files.push({
        path: `${dir}/kustomization.yaml`,
        text: `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: edge\nresources: [manifest-${index}.yaml]\n`,
      });
    }
  });
  return files;
}

/** Key pairs that belong together, and the CA that issued most of them. */
const PAIRS: readonly [string, string][] = [
  ["ec-p256.crt", "ec-p256.key"],
  ["rsa2048.crt", "rsa2048.key"],
  ["chain-good.crt", "ec-p256.key"],
  ["rsa1024.crt", "rsa1024.key"],
  ["mismatched.crt", "mismatched.key"],
];

/** Often a file of well-formed Secrets for every name of the pool, so that many references resolve to real material. */
const baseSecrets: fc.Arbitrary<SourceFile | undefined> = maybe(
  fc.array(fc.constantFrom(...PAIRS), { minLength: NAMES.length, maxLength: NAMES.length }).map((pairs) => ({
    path: "base/secrets.yaml",
    text: NAMES.map((secretName, i) => {
      const [crt, key] = pairs[i] ?? PAIRS[0] ?? ["ec-p256.crt", "ec-p256.key"];
      const data =
        secretName === "ca" ? { "tls.crt": b64("root-ca.crt") } : { "tls.crt": b64(crt), "tls.key": b64(key) };
      return stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: secretName, namespace: "default" },
        type: "kubernetes.io/tls",
        data,
      });
    }).join("---\n"),
  })),
);

const tree: fc.Arbitrary<SourceFile[]> = fc
  .tuple(fc.array(fileShape, { minLength: 1, maxLength: 5 }), baseSecrets)
  .map(([shapes, base]) => [...render(shapes), ...(base ? [base] : [])]);

// --- the properties ----------------------------------------------------------------------------------------------------

function analyse(files: readonly SourceFile[]): TreeAnalysis {
  return analyzeTree(files, { policy: POLICY, now: FIXED_NOW });
}

function lineCount(text: string): number {
  let count = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) if (i < text.length - 1) count++;
  return count;
}

function describe(finding: Finding): string {
  return `${finding.file}:${finding.line}-${finding.endLine} ${finding.ruleId} ${finding.message}`;
}

/** A finding as a comparable line: everything that matters, nothing that depends on object identity. */
function key(finding: Finding): string {
  const { ruleId, severity, file, line, column, endLine, endColumn, message, resource, fingerprint, suppressed } =
    finding;
  return JSON.stringify([
    ruleId,
    severity,
    file,
    line,
    column,
    endLine,
    endColumn,
    message,
    resource,
    fingerprint,
    suppressed ?? null,
  ]);
}

test("property: the analyser never throws nor reports an internal error, and every finding lies inside its file", () => {
  fc.assert(
    fc.property(tree, (files) => {
      const analysis = analyse(files);
      const lines = new Map(files.map((file) => [file.path, lineCount(file.text)]));
      for (const finding of analysis.findings) {
        assert.notEqual(finding.ruleId, "internal-error", describe(finding));
        const count = lines.get(finding.file);
        assert.ok(count !== undefined, `finding in an unknown file: ${describe(finding)}`);
        assert.ok(finding.line >= 1 && finding.line <= count, `line outside 1..${count}: ${describe(finding)}`);
        assert.ok(
          finding.endLine >= finding.line && finding.endLine <= count,
          `endLine outside ${finding.line}..${count}: ${describe(finding)}`,
        );
        assert.ok(finding.column >= 1, describe(finding));
      }
    }),
    { seed: SEED, numRuns: 200 },
  );
});

test("property: the findings and routes do not depend on the order of the files", () => {
  const shuffled = tree.chain((files) =>
    fc.tuple(fc.constant(files), fc.shuffledSubarray(files, { minLength: files.length })),
  );
  fc.assert(
    fc.property(shuffled, ([files, reordered]) => {
      const first = analyse(files);
      const second = analyse(reordered);
      assert.deepEqual(second.findings.map(key).sort(), first.findings.map(key).sort());
      const routes = (analysis: TreeAnalysis) => analysis.routes.map((route) => JSON.stringify(route)).sort();
      assert.deepEqual(routes(second), routes(first));
    }),
    { seed: SEED + 1, numRuns: 100 },
  );
});

test("property: a tree compared with itself introduces no finding and changes no route", () => {
  fc.assert(
    fc.property(tree, (files) => {
      const diff = analyzeDiff(files, files, { policy: POLICY, now: FIXED_NOW });
      assert.deepEqual(diff.findings.filter((f) => f.introduced !== false).map(describe), []);
      assert.deepEqual(diff.removedRoutes, []);
      assert.deepEqual(
        diff.routes.filter((r) => r.change !== "unchanged").map((r) => r.mapping),
        [],
      );
    }),
    { seed: SEED + 2, numRuns: 100 },
  );
});
