/**
 * Property: a finding is introduced only by a change to what it is about. For random base/head pairs of small trees
 * (Mappings, TLSContexts, Hosts and Secrets drawn from a few names, so that they refer to each other, break and
 * collide), a head finding on a resource whose own document and the documents it refers to are byte-identical in
 * both trees is never introduced: adding, removing or changing other documents (a Mapping that uses a broken context,
 * a Secret of the same name elsewhere, another context's Secret) only changes what describes it.
 *
 * "Refers to" is read off the two analyses themselves, in both trees: a Mapping's requested and effective contexts,
 * its cluster's leader and their Secrets; a context's Secrets and the contexts sharing its name; a Host's Secret and
 * context. A finding on a Secret is about how it is used, so the documents using it count too, as they do for
 * tls-context-unused. Rules about a resource among all its neighbours are left out (see NEIGHBOURHOOD_RULES).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import fc from "fast-check";
import { stringify } from "yaml";
import { analyzeDiff, analyzeTree, type TreeAnalysis } from "../../src/core/analyze.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import type { ResolvedContext } from "../../src/core/resolve/contexts.js";
import type { SecretLookup } from "../../src/core/resolve/secrets.js";
import type { Finding, SourceFile } from "../../src/core/types.js";
import { b64 } from "../helpers/cert-fixtures.js";
import { FIXED_NOW } from "../helpers/rule-tester.js";

const SEED = 0x1d3e7;
const POLICY = loadPolicy(undefined).policy;

/**
 * Findings that depend, by their meaning, on documents a resource neither refers to nor is used by: whether any Host
 * exists at all, every certificate of the repository (a possible issuer), every Host's hostname and every workload.
 */
const NEIGHBOURHOOD_RULES = new Set(["legacy-termination-ignored", "chain-incomplete", "client-cert-is-server-cert"]);

/** Findings about how a resource is used: the documents using it are what they are about. */
const USAGE_RULES = new Set(["tls-context-unused"]);

// --- the documents -----------------------------------------------------------------------------------------------------

const NAMESPACES = ["default", "edge"] as const;
const CONTEXTS = ["alpha", "beta"] as const;
const SECRETS = ["alpha", "beta", "ca"] as const;

interface Document {
  id: string;
  text: string;
}

function document(kind: string, name: string, namespace: string, body: Record<string, unknown>): Document {
  const apiVersion = kind === "Secret" ? "v1" : "getambassador.io/v3alpha1";
  return {
    id: `${kind}/${namespace}/${name}`,
    text: stringify({ apiVersion, kind, metadata: { name, namespace }, ...body }),
  };
}

/** Mostly the default namespace, so that references resolve; now and then another, so that they miss. */
const namespace = fc.oneof({ weight: 3, arbitrary: fc.constant(NAMESPACES[0]) }, fc.constant(NAMESPACES[1]));
const absent = <T>(arbitrary: fc.Arbitrary<T>, freq = 3): fc.Arbitrary<T | undefined> =>
  fc.option(arbitrary, { nil: undefined, freq });

const mapping: fc.Arbitrary<Document> = fc
  .record({
    name: fc.constantFrom("orders", "billing", "search"),
    namespace,
    // Services shared between Mappings put them in one cluster, where the first decides the TLS.
    service: fc.constantFrom("https://orders", "https://shared", "shared", "http://billing", "search"),
    tls: absent(fc.constantFrom(...CONTEXTS, "alpah"), 4),
  })
  .map(({ name, namespace, service, tls }) =>
    document("Mapping", name, namespace, {
      spec: { prefix: `/${name}/`, service, ...(tls === undefined ? {} : { tls }) },
    }),
  );

const tlsContext: fc.Arbitrary<Document> = fc
  .record({
    name: fc.constantFrom(...CONTEXTS),
    namespace,
    secret: absent(fc.constantFrom(...SECRETS, "alpha.edge", "missing", "istio.default"), 6),
    ca: absent(fc.constantFrom("ca", "missing-ca", "alpha")),
    crl: absent(fc.constantFrom("ca", "missing-crl"), 6),
    version: absent(fc.constantFrom("v1.0", "v1.2"), 2),
    certFile: absent(fc.constant("/certs/tls.crt"), 8),
    hosts: absent(fc.constant(["api.example.com"]), 8),
  })
  .map(({ name, namespace, secret, ca, crl, version, certFile, hosts }) =>
    document("TLSContext", name, namespace, {
      spec: {
        ...(secret === undefined ? { sni: "upstream.example.com" } : { secret }),
        ...(ca === undefined ? {} : { ca_secret: ca }),
        ...(crl === undefined ? {} : { crl_secret: crl }),
        ...(version === undefined ? {} : { min_tls_version: version }),
        ...(certFile === undefined ? {} : { cert_chain_file: certFile }),
        ...(hosts === undefined ? {} : { hosts }),
      },
    }),
  );

const host: fc.Arbitrary<Document> = fc
  .record({
    name: fc.constantFrom("public", "internal"),
    hostname: fc.constantFrom("api.example.com", "ec-p256.example.com"),
    secret: absent(fc.constantFrom(...SECRETS, "missing"), 6),
    context: absent(fc.constantFrom(...CONTEXTS, "gamma")),
  })
  .map(({ name, hostname, secret, context }) =>
    document("Host", name, "default", {
      spec: {
        hostname,
        ...(secret === undefined ? {} : { tlsSecret: { name: secret } }),
        ...(context === undefined ? {} : { tlsContext: { name: context } }),
      },
    }),
  );

/** Certificate and key pairs, good and broken (expired, weak, mismatched, misordered, CA as leaf, no SAN). */
const MATERIAL: readonly (readonly [string[], string | null])[] = [
  [["ec-p256.crt"], "ec-p256.key"],
  [["rsa2048.crt"], "rsa2048.key"],
  [["rsa1024.crt"], "rsa1024.key"],
  [["expired.crt"], "ec-p256.key"],
  [["mismatched.crt"], "ec-p256.key"],
  [["chain-wrong-order.crt"], "ec-p256.key"],
  [["leaf-ca-true.crt"], null],
  [["no-san.crt"], null],
  [["root-ca.crt"], null],
  [["eku-server-only.crt"], null],
  [["md5-signed.crt"], null],
];

const secret: fc.Arbitrary<Document> = fc
  .record({
    name: fc.constantFrom(...SECRETS, "istio.default"),
    namespace,
    material: fc.constantFrom(...MATERIAL),
    type: fc.constantFrom("kubernetes.io/tls", "kubernetes.io/tls", "Opaque", "bootstrap.kubernetes.io/token"),
    layout: fc.constantFrom("tls", "ca.crt only", "no tls.crt"),
  })
  .map(({ name, namespace, material: [crts, key], type, layout }) => {
    const data: Record<string, string> = {};
    if (layout === "tls") data["tls.crt"] = b64(...crts);
    if (layout === "ca.crt only") data["ca.crt"] = b64(...crts);
    if (key !== null) data["tls.key"] = b64(key);
    return document("Secret", name, namespace, { type, data });
  });

const documents = fc.array(
  fc.oneof({ weight: 3, arbitrary: mapping }, { weight: 3, arbitrary: tlsContext }, host, {
    weight: 3,
    arbitrary: secret,
  }),
  {
    maxLength: 6,
  },
);

/** A base and a head: documents both share, and documents only one has (often the same object, changed). */
const pair = fc.record({ shared: documents, baseOnly: documents, headOnly: documents });

/** One file per document, named after its text: a document the two trees share sits at the same place in both. */
function files(docs: readonly Document[]): SourceFile[] {
  const texts = [...new Set(docs.map((d) => d.text))];
  return texts.map((text) => ({
    path: `docs/${createHash("sha256").update(text).digest("hex").slice(0, 12)}.yaml`,
    text,
  }));
}

/** Every document's text by resource id (several when the object is defined more than once). */
function textsById(docs: readonly Document[]): Map<string, string> {
  const byId = new Map<string, string[]>();
  for (const doc of new Map(docs.map((d) => [d.text, d])).values())
    byId.set(doc.id, [...(byId.get(doc.id) ?? []), doc.text]);
  return new Map([...byId].map(([id, texts]) => [id, JSON.stringify(texts.sort())]));
}

// --- what a resource refers to ------------------------------------------------------------------------------------------

function lookupIds(lookup: SecretLookup | undefined, contextNamespace: string): string[] {
  if (!lookup) return [];
  const ids = [`Secret/${lookup.namespace}/${lookup.name}`];
  // A dotted name split into name.namespace is judged against the unsplit name too (istio-secret-namespacing).
  if (lookup.split) ids.push(`Secret/${contextNamespace}/${lookup.written}`);
  return ids;
}

function contextIds(context: ResolvedContext | undefined, analysis: TreeAnalysis): string[] {
  if (!context) return [];
  const definition = context.definition;
  const namespace = definition.namespace;
  // The contexts of the same name decide which one keeps the bare name.
  const sameName = analysis.simulation.contexts.all
    .filter((c) => c.definition.name === definition.name)
    .map((c) => c.definition.resource.id);
  return [
    definition.resource.id,
    ...sameName,
    ...lookupIds(context.secret, namespace),
    ...lookupIds(context.caSecret, namespace),
    ...lookupIds(context.crlSecret, namespace),
  ];
}

/** The documents `resource` refers to in one analysis (and, for a Secret or a usage rule, the documents using it). */
function related(resource: string, ruleId: string, analysis: TreeAnalysis): Set<string> {
  const { simulation } = analysis;
  const ids = new Set<string>([resource]);
  const add = (list: Iterable<string>) => {
    for (const id of list) ids.add(id);
  };
  for (const route of simulation.routes) {
    if (route.mapping.id !== resource) continue;
    add(contextIds(route.requestedContext, analysis));
    add(contextIds(route.effectiveContext, analysis));
    if (route.clusterLeader) add([route.clusterLeader.id]);
  }
  for (const context of simulation.contexts.all)
    if (context.definition.resource.id === resource) add(contextIds(context, analysis));
  for (const host of simulation.hosts) {
    if (host.host.id !== resource) continue;
    add(lookupIds(host.tlsSecret, host.host.namespace));
    add(contextIds(host.context, analysis));
  }
  if (resource.startsWith("Secret/") || USAGE_RULES.has(ruleId)) {
    const users = new Set<ResolvedContext>();
    for (const context of simulation.contexts.all) {
      const mine = contextIds(context, analysis);
      if (mine.includes(resource)) {
        users.add(context);
        add(mine);
      }
    }
    for (const route of simulation.routes) {
      const contexts = [route.requestedContext, route.effectiveContext];
      if (contexts.some((c) => c !== undefined && users.has(c)))
        add([route.mapping.id, ...(route.clusterLeader ? [route.clusterLeader.id] : [])]);
    }
    for (const host of simulation.hosts) {
      const mine = [...lookupIds(host.tlsSecret, host.host.namespace), ...contextIds(host.context, analysis)];
      if (mine.includes(resource)) add([host.host.id, ...mine]);
    }
  }
  return ids;
}

function describe(finding: Finding): string {
  return `${finding.ruleId} ${finding.resource ?? "-"} [${finding.messageId}] ${JSON.stringify(finding.data)}`;
}

test("property: a finding on a resource whose own and referenced documents are byte-identical is never introduced", () => {
  let checked = 0;
  fc.assert(
    fc.property(pair, ({ shared, baseOnly, headOnly }) => {
      const base = [...shared, ...baseOnly];
      const head = [...shared, ...headOnly];
      const diff = analyzeDiff(files(base), files(head), { policy: POLICY, now: FIXED_NOW });
      // The diff keeps only a summary of the base: its model is read from the same analysis made on its own.
      const baseTree = analyzeTree(files(base), { policy: POLICY, now: FIXED_NOW });
      const before = textsById(base);
      const after = textsById(head);
      for (const finding of diff.findings) {
        if (finding.introduced === false || finding.resource === null || NEIGHBOURHOOD_RULES.has(finding.ruleId))
          continue;
        const documents = new Set([
          ...related(finding.resource, finding.ruleId, baseTree),
          ...related(finding.resource, finding.ruleId, diff),
        ]);
        const changed = [...documents].filter((id) => before.get(id) !== after.get(id));
        if (changed.length > 0) continue;
        checked++;
        const was = diff.base.findings
          .filter((f) => f.ruleId === finding.ruleId && f.resource === finding.resource)
          .map(describe);
        assert.fail(
          `introduced although ${[...documents].join(", ")} are unchanged:\n  ${describe(finding)}\nbase had:\n  ${was.join("\n  ") || "(none)"}`,
        );
      }
      // Findings the base had too, on resources whose documents did not change: counted, so the property is not vacuous.
      for (const finding of diff.findings) {
        if (
          finding.introduced === false &&
          finding.resource !== null &&
          before.get(finding.resource) === after.get(finding.resource)
        )
          checked++;
      }
    }),
    { seed: SEED, numRuns: 500 },
  );
  assert.ok(checked > 300, `only ${checked} findings were checked`);
});
