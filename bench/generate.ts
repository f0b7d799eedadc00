/**
 * A synthetic GitOps repository of exactly N Kubernetes objects, deterministic by seed: per team a kustomization with
 * `namespace:`, a Namespace, Secrets holding real certificates from the pool, TLSContexts, sometimes a Host, and apps
 * (Deployment, Service, ConfigMap, Mapping with or without TLS), spread over files of 5-20 documents like a real
 * repository; plus a root kustomization, Emissary's own namespace, the policy file, and a few seeded defects.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SourceFile } from "../src/core/types.js";
import type { CertPool, PoolCertificate } from "./cert-pool.js";

/** A small deterministic PRNG (xorshift32): the repository depends on the seed only, never on Math.random. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A float in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 2 ** 32;
  }

  /** An integer in [low, high]. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("bench: pick from an empty list");
    return item;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const result = [...items];
    for (let i = result.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [result[i], result[j]] = [result[j] as T, result[i] as T];
    }
    return result;
  }
}

/** The defects the generator seeds, each with the rule that must report it. */
export const DEFECTS = {
  "tls-typo": "mapping-tls-context-not-found",
  "missing-secret": "tls-context-secret-not-found",
  "expired-cert": "cert-expired",
  "weak-protocol": "weak-tls-protocol",
  "field-typo": "unknown-field",
  "upstream-key-pair": "client-cert-is-server-cert",
} as const;
export type DefectKind = keyof typeof DEFECTS;

export interface SeededDefect {
  kind: DefectKind;
  rule: string;
  team: string;
}

export interface GenerateOptions {
  /** Kubernetes objects (YAML documents) to write; at least 400 (enough teams to seed each defect in its own). */
  resources: number;
  pool: CertPool;
  seed?: number;
}

export interface GeneratedRepository {
  files: SourceFile[];
  resources: number;
  kinds: Record<string, number>;
  bytes: number;
  teams: number;
  defects: SeededDefect[];
  /** A routes file whose first Mapping originates mTLS and has `timeout_ms:` (the one-file edits change it). */
  editTarget: string;
}

export const DEFAULT_SEED = 20260601;
export const MIN_RESOURCES = 400;
const ROOT_OBJECTS = 3; // root kustomization, ambassador/kustomization.yaml, the Module
const TEAM_SIZE = 50;

const WORDS = ["payments", "orders", "billing", "search", "catalog", "checkout", "ledger", "identity", "reports", "inventory", "shipping", "pricing", "reviews", "notify", "partner", "fraud"];
const IGNORE_KEY_IN_GIT = `mtls-gate.io/ignore: "secret-private-key-in-git -- bench fixture; sealed in production"`;

interface Document {
  kind: string;
  text: string;
}

interface Team {
  name: string;
  hasHost: boolean;
  hasTlsOnlyContext: boolean;
  defects: Set<DefectKind>;
}

/** Generates the repository in memory. The same options give the same files (up to the pool's key bytes). */
export function generateRepository(options: GenerateOptions): GeneratedRepository {
  const total = options.resources;
  if (!Number.isInteger(total) || total < MIN_RESOURCES) throw new Error(`bench: a repository needs at least ${MIN_RESOURCES} resources, got ${total}`);
  const random = new Prng(options.seed ?? DEFAULT_SEED);
  const teamCount = Math.max(1, Math.round((total - ROOT_OBJECTS) / TEAM_SIZE));
  const teams: Team[] = [];
  for (let t = 0; t < teamCount; t++) {
    teams.push({ name: `${WORDS[t % WORDS.length]}-${Math.floor(t / WORDS.length)}`, hasHost: random.chance(0.25), hasTlsOnlyContext: random.chance(0.5), defects: new Set() });
  }
  // One of each defect per 1,000 resources, in teams chosen by the seed.
  const defects: SeededDefect[] = [];
  const sets = Math.max(1, Math.round(total / 1000));
  const order = random.shuffle(teams.map((_, index) => index));
  let slot = 0;
  for (let s = 0; s < sets; s++) {
    for (const kind of Object.keys(DEFECTS) as DefectKind[]) {
      const team = teams[order[slot++ % order.length] ?? 0] as Team;
      team.defects.add(kind);
      defects.push({ kind, rule: DEFECTS[kind], team: team.name });
    }
  }

  const files: SourceFile[] = [];
  const kinds: Record<string, number> = {};
  let written = 0;
  const addFile = (path: string, documents: readonly Document[], header?: string) => {
    for (const doc of documents) kinds[doc.kind] = (kinds[doc.kind] ?? 0) + 1;
    written += documents.length;
    files.push({ path, text: `${header ? `# ${header}\n` : ""}${documents.map((d) => d.text).join("---\n")}` });
  };

  files.push({ path: ".github/mtls-gate.yml", text: POLICY });
  addFile("kustomization.yaml", [{ kind: "Kustomization", text: kustomization(undefined, ["ambassador", ...teams.map((t) => `apps/${t.name}`)]) }]);
  addFile("ambassador/kustomization.yaml", [{ kind: "Kustomization", text: kustomization("ambassador", ["module.yaml"]) }]);
  addFile("ambassador/module.yaml", [{ kind: "Module", text: MODULE }], "Emissary's own settings");

  let editTarget = "";
  const budget = total - ROOT_OBJECTS;
  teams.forEach((team, index) => {
    const size = Math.floor(budget / teamCount) + (index < budget % teamCount ? 1 : 0);
    const target = writeTeam(team, size, options.pool, random, addFile);
    if (index === Math.floor(teamCount / 2)) editTarget = target;
  });
  if (written !== total) throw new Error(`bench: generated ${written} resources instead of ${total}`);
  const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.text), 0);
  return { files, resources: written, kinds, bytes, teams: teamCount, defects, editTarget };
}

/** Writes the files under `dir` (created as needed). */
export function writeRepository(files: readonly SourceFile[], dir: string): void {
  for (const file of files) {
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text);
  }
}

/**
 * A one-file edit of the repository's edit target (`GeneratedRepository.editTarget`): `timeout` changes its first
 * Mapping's timeout (no finding changes), `tls-typo` misspells that Mapping's `tls:` (a new
 * mapping-tls-context-not-found error), `timeout-and-typo` does both.
 */
export function editOneFile(file: SourceFile, edit: "timeout" | "tls-typo" | "timeout-and-typo"): SourceFile {
  let text = file.text;
  if (edit !== "tls-typo") text = text.replace(/timeout_ms: \d+/, "timeout_ms: 45000");
  if (edit !== "timeout") text = text.replace(/tls: ([\w-]+)-upstream-mtls/, "tls: $1-upstrem-mtls");
  if (text === file.text) throw new Error(`bench: the ${edit} edit changed nothing in ${file.path}`);
  return { path: file.path, text };
}

// --- one team ----------------------------------------------------------------------------------------------------

type AddFile = (path: string, documents: readonly Document[], header?: string) => void;

function writeTeam(team: Team, size: number, pool: CertPool, random: Prng, addFile: AddFile): string {
  const dir = `apps/${team.name}`;
  const listed: string[] = [];
  const add = (relative: string, documents: readonly Document[], header?: string) => {
    if (documents.length === 0) return;
    listed.push(relative);
    addFile(`${dir}/${relative}`, documents, header);
  };
  const mtlsContext = `${team.name}-upstream-mtls`;
  const tlsContext = `${team.name}-upstream-tls`;
  const hostname = `${team.name}.${pool.serverDomain}`;
  const client: PoolCertificate = team.defects.has("expired-cert") ? pool.expiredClient : random.pick(pool.clients);

  // Fixed part: kustomization, Namespace, the TLS file (Secrets, contexts, Host).
  let remaining = size - 2;
  const tls: Document[] = [
    { kind: "Secret", text: tlsSecret("upstream-client", client, random.chance(0.5)) },
    { kind: "Secret", text: caSecret("upstream-ca", pool.ca) },
    { kind: "TLSContext", text: originationContext(mtlsContext, team.defects, true) },
  ];
  if (team.hasTlsOnlyContext) tls.push({ kind: "TLSContext", text: originationContext(tlsContext, new Set(), false) });
  if (team.hasHost) {
    tls.push({ kind: "Secret", text: tlsSecret(`${team.name}-edge-tls`, random.pick(pool.servers), true) });
    tls.push({ kind: "Host", text: host(`${team.name}-edge`, hostname, `${team.name}-edge-tls`) });
  }
  remaining -= tls.length;
  if (remaining < 0) throw new Error(`bench: team ${team.name} needs more than ${size} resources`);

  // Apps: Deployment + Service + ConfigMap + Mapping, or a Service carrying the Mapping in its annotation.
  const mappings: Document[] = [];
  const workloads: Document[][] = [];
  for (let app = 0; remaining >= 4; app++) {
    const name = `${WORDS[(app * 7) % WORDS.length]}-svc-${app}`;
    const mode = app === 0 ? "mtls" : random.chance(0.35) ? "mtls" : random.chance(0.15) ? (team.hasTlsOnlyContext ? "tls" : "mtls") : "plain";
    const context = mode === "mtls" ? mtlsContext : mode === "tls" ? tlsContext : undefined;
    // One app in twenty declares its Mapping in its Service's getambassador.io/config annotation (Emissary 1.x style).
    const annotated = app > 0 && random.chance(0.05);
    const mapping = mappingFields(team, name, context, team.hasHost ? hostname : "*", app === 0 && team.defects.has("tls-typo"), random);
    const group: Document[] = [
      // The upstream-key-pair defect: the first app's pods mount the gateway's client Secret (their own key pair).
      { kind: "Deployment", text: deployment(name, random, app === 0 && team.defects.has("upstream-key-pair") ? "upstream-client" : undefined) },
      { kind: "Service", text: service(name, context !== undefined, annotated ? annotationMapping(mapping) : "") },
      { kind: "ConfigMap", text: configMap(`${name}-config`, random) },
    ];
    if (!annotated) mappings.push({ kind: "Mapping", text: crdMapping(mapping) });
    workloads.push(group);
    remaining -= annotated ? 3 : 4;
  }
  const extra: Document[] = [];
  while (remaining > 0) {
    extra.push({ kind: "ConfigMap", text: configMap(`${team.name}-settings-${extra.length}`, random) });
    remaining--;
  }

  add("namespace.yaml", [{ kind: "Namespace", text: namespace(team.name) }]);
  add("tls.yaml", tls, "Upstream mTLS: client certificate, CA, contexts (and the edge Host)");
  let firstRoutes = "";
  for (const [index, chunk] of chunks(mappings, () => random.int(5, 20)).entries()) {
    const path = `routes/mappings-${index + 1}.yaml`;
    firstRoutes ||= `${dir}/${path}`;
    add(path, chunk);
  }
  for (const [index, chunk] of chunks(workloads, () => random.int(2, 6)).entries()) add(`workloads/apps-${index + 1}.yaml`, chunk.flat());
  add("config/settings.yaml", extra);
  // Listed last so the namespace covers everything above; counted with the fixed part.
  addFile(`${dir}/kustomization.yaml`, [{ kind: "Kustomization", text: kustomization(team.name, listed) }]);
  return firstRoutes;
}

function chunks<T>(items: readonly T[], size: () => number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; ) {
    const n = size();
    result.push(items.slice(i, i + n));
    i += n;
  }
  return result;
}

// --- documents ---------------------------------------------------------------------------------------------------

const POLICY = `# mtls-gate policy for the synthetic repository
failOn: error
emissary:
  namespace: ambassador
certificates:
  expiryWarningDays: 30
`;

const MODULE = `apiVersion: getambassador.io/v3alpha1
kind: Module
metadata:
  name: ambassador
spec:
  config:
    diagnostics:
      enabled: false
    use_remote_address: true
`;

function kustomization(namespace: string | undefined, resources: readonly string[]): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
${namespace ? `namespace: ${namespace}\n` : ""}resources:
${resources.map((r) => `  - ${r}`).join("\n")}
`;
}

function namespace(name: string): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
    team: ${name}
`;
}

function tlsSecret(name: string, certificate: PoolCertificate, suppressKeyWarning: boolean): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/part-of: upstream-mtls
${suppressKeyWarning ? `  annotations:\n    ${IGNORE_KEY_IN_GIT}\n` : ""}type: kubernetes.io/tls
data:
  tls.crt: ${certificate.certificateBase64}
  tls.key: ${certificate.privateKeyBase64}
`;
}

function caSecret(name: string, ca: PoolCertificate): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
type: Opaque
data:
  tls.crt: ${ca.certificateBase64}
`;
}

function originationContext(name: string, defects: ReadonlySet<DefectKind>, verify: boolean): string {
  const secret = defects.has("missing-secret") ? "upstream-client-v2" : "upstream-client";
  const ca = !verify ? "" : defects.has("field-typo") ? "  ca_secert: upstream-ca\n" : "  ca_secret: upstream-ca\n";
  return `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: ${name}
spec:
  hosts: []
  secret: ${secret}
${ca}  min_tls_version: ${defects.has("weak-protocol") ? "v1.0" : "v1.2"}
  alpn_protocols: h2,http/1.1
`;
}

function host(name: string, hostname: string, secret: string): string {
  return `apiVersion: getambassador.io/v3alpha1
kind: Host
metadata:
  name: ${name}
spec:
  hostname: ${hostname}
  tlsSecret:
    name: ${secret}
  requestPolicy:
    insecure:
      action: Redirect
`;
}

interface MappingFields {
  name: string;
  team: string;
  hostname: string;
  prefix: string;
  service: string;
  tls: string | undefined;
  timeout: number;
  retries: number;
}

function mappingFields(team: Team, app: string, context: string | undefined, hostname: string, typo: boolean, random: Prng): MappingFields {
  return {
    name: app,
    team: team.name,
    hostname,
    prefix: `/${team.name}/${app}/`,
    service: context ? `https://${app}:8443` : `${app}:8080`,
    tls: context && typo ? context.replace("-upstream-", "-upstrem-") : context,
    timeout: random.pick([3000, 10000, 30000]),
    retries: random.int(1, 3),
  };
}

function crdMapping(m: MappingFields): string {
  return `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: ${m.name}
  labels:
    team: ${m.team}
spec:
  hostname: "${m.hostname}"
  prefix: ${m.prefix}
  service: ${m.service}
${m.tls ? `  tls: ${m.tls}\n` : ""}  timeout_ms: ${m.timeout}
  retry_policy:
    retry_on: gateway-error
    num_retries: ${m.retries}
`;
}

/** The same Mapping as a `getambassador.io/config` annotation block of its Service. */
function annotationMapping(m: MappingFields): string {
  return `  annotations:
    getambassador.io/config: |
      apiVersion: getambassador.io/v2
      kind: Mapping
      name: ${m.name}
      host: "${m.hostname}"
      prefix: ${m.prefix}
      service: ${m.service}
${m.tls ? `      tls: ${m.tls}\n` : ""}      timeout_ms: ${m.timeout}
`;
}

function service(name: string, tls: boolean, annotation: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/name: ${name}
${annotation}spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - name: ${tls ? "https" : "http"}
      port: ${tls ? 8443 : 8080}
      targetPort: ${tls ? 8443 : 8080}
      protocol: TCP
`;
}

function deployment(name: string, random: Prng, mountedSecret?: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/name: ${name}
spec:
  replicas: ${random.int(1, 6)}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      serviceAccountName: ${name}
      containers:
        - name: app
          image: registry.example.com/${name}:1.${random.int(0, 40)}.${random.int(0, 9)}
          ports:
            - containerPort: 8080
            - containerPort: 8443
          env:
            - name: LOG_LEVEL
              value: ${random.pick(["info", "debug", "warn"])}
            - name: CONFIG_PATH
              value: /etc/${name}/config.yaml
          envFrom:
            - configMapRef:
                name: ${name}-config
          resources:
            requests: {cpu: ${random.int(1, 5) * 100}m, memory: ${random.int(1, 8) * 128}Mi}
            limits: {cpu: "${random.int(1, 4)}", memory: ${random.int(2, 16) * 128}Mi}
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
            periodSeconds: 10
          volumeMounts:
            - name: config
              mountPath: /etc/${name}
      volumes:
        - name: config
          configMap:
            name: ${name}-config
${mountedSecret ? `        - name: tls\n          secret:\n            secretName: ${mountedSecret}\n` : ""}`;
}

function configMap(name: string, random: Prng): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data:
  FEATURE_FLAGS: "${random.pick(["none", "beta", "canary,beta"])}"
  MAX_CONNECTIONS: "${random.int(10, 500)}"
  config.yaml: |
    server:
      port: 8080
      readTimeout: ${random.int(1, 30)}s
    upstreams:
      - name: primary
        weight: ${random.int(1, 100)}
`;
}
