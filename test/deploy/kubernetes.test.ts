/**
 * deploy/kubernetes: every manifest is checked against its Kubernetes schema (kubernetes-models, generated from the
 * Kubernetes OpenAPI), the kustomization against the files present, and the behaviour the deployment relies on is
 * asserted: web and worker roles, readiness on /ready and liveness on /ping, non-root pods, Secrets referenced and
 * never inlined, the HPA on the worker Deployment, the Service on the web pods.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { ConfigMap, Namespace, Service, ServiceAccount, type IConfigMap, type IService } from "kubernetes-models/v1";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler, type IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { PodDisruptionBudget, type IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import { deploymentSettings } from "../../src/app/settings.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DIR = join(ROOT, "deploy", "kubernetes");
const NAMESPACE = "mtls-gate";
const PORT = 3000;
/** Probot's credentials and the Redis URL: only ever `secretKeyRef`s, to these Secrets and keys. */
const SECRET_ENV: Record<string, { secret: string; key: string }> = {
  APP_ID: { secret: "mtls-gate-github", key: "APP_ID" },
  PRIVATE_KEY: { secret: "mtls-gate-github", key: "PRIVATE_KEY" },
  WEBHOOK_SECRET: { secret: "mtls-gate-github", key: "WEBHOOK_SECRET" },
  REDIS_URL: { secret: "mtls-gate-redis", key: "REDIS_URL" },
};

type Doc = Record<string, unknown> & {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: string; namespace?: string };
};
interface Manifest {
  file: string;
  doc: Doc;
}
type Container = NonNullable<NonNullable<NonNullable<IDeployment["spec"]>["template"]["spec"]>["containers"]>[number];
type PodSpec = NonNullable<NonNullable<IDeployment["spec"]>["template"]["spec"]>;

/** apiVersion/kind -> the kubernetes-models class whose validate() checks the document against the Kubernetes schema. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
};
const CLUSTER_SCOPED = new Set(["v1/Namespace"]);

function typeKey(doc: Doc): string {
  return `${String(doc.apiVersion)}/${String(doc.kind)}`;
}

/** Every non-empty YAML document of a text; a YAML error fails with the file's name. */
function parseDocuments(text: string, file: string): Doc[] {
  const docs: Doc[] = [];
  for (const document of parseAllDocuments(text)) {
    assert.deepEqual(
      document.errors.map((e) => e.message),
      [],
      `${file}: YAML errors`,
    );
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    assert.ok(typeof value === "object" && !Array.isArray(value), `${file}: a document is not a mapping`);
    docs.push(value as Doc);
  }
  return docs;
}

function yamlFiles(): string[] {
  return readdirSync(DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
}

function loadKustomization(): Doc {
  const [kustomization, ...extra] = parseDocuments(
    readFileSync(join(DIR, "kustomization.yaml"), "utf8"),
    "kustomization.yaml",
  );
  assert.ok(kustomization, "kustomization.yaml is empty");
  assert.equal(extra.length, 0, "kustomization.yaml holds one document");
  return kustomization;
}

function loadManifests(): Manifest[] {
  return yamlFiles()
    .filter((file) => file !== "kustomization.yaml")
    .flatMap((file) => parseDocuments(readFileSync(join(DIR, file), "utf8"), file).map((doc) => ({ file, doc })));
}

/** Validates one document against its schema; throws on a kind mtls-gate's manifests are not expected to hold. */
function validate(manifest: Manifest): void {
  const Model = MODELS[typeKey(manifest.doc)];
  if (!Model)
    throw new Error(
      `${manifest.file}: unknown apiVersion/kind ${typeKey(manifest.doc)} (add its kubernetes-models class to MODELS)`,
    );
  try {
    new Model(structuredClone(manifest.doc) as never).validate();
  } catch (error) {
    throw new Error(
      `${manifest.file}: ${typeKey(manifest.doc)} ${manifest.doc.metadata?.name ?? "(no name)"} fails its schema: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function ofKind<T>(manifests: Manifest[], key: string): (T & { file: string })[] {
  return manifests.filter((m) => typeKey(m.doc) === key).map((m) => ({ ...(m.doc as T), file: m.file }));
}

function podSpec(deployment: IDeployment): PodSpec {
  const spec = deployment.spec?.template.spec;
  assert.ok(spec, `Deployment ${deployment.metadata?.name}: no pod spec`);
  return spec;
}

/** The Deployment's container running mtls-gate (the one whose env sets MTLS_GATE_ROLE). */
function appContainer(deployment: IDeployment): Container {
  const containers = podSpec(deployment).containers.filter((c) => c.env?.some((e) => e.name === "MTLS_GATE_ROLE"));
  assert.equal(
    containers.length,
    1,
    `Deployment ${deployment.metadata?.name}: exactly one container sets MTLS_GATE_ROLE`,
  );
  return containers[0]!;
}

function literalEnv(container: Container): Record<string, string> {
  return Object.fromEntries((container.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
}

/** The literal environment a container starts with: its ConfigMaps' data (envFrom), overridden by its own env values. */
function effectiveEnv(container: Container, configMaps: IConfigMap[]): Record<string, string> {
  const fromConfigMaps = (container.envFrom ?? []).map(
    (source) => configMaps.find((c) => c.metadata?.name === source.configMapRef?.name)?.data ?? {},
  );
  return Object.assign({}, ...fromConfigMaps, literalEnv(container)) as Record<string, string>;
}

function roleOf(deployment: IDeployment): string | undefined {
  return literalEnv(appContainer(deployment)).MTLS_GATE_ROLE;
}

/** A probe's or Service's port (a number or a container port's name) as the container port number it reaches. */
function resolvePort(container: Container, port: number | string | undefined): number | undefined {
  if (typeof port === "number") return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const pairs = Object.entries(selector ?? {});
  return pairs.length > 0 && pairs.every(([key, value]) => labels?.[key] === value);
}

const podLabels = (deployment: IDeployment) => deployment.spec?.template.metadata?.labels;

/** The web and worker Deployments, found by the role their container runs. */
function deployments(manifests: Manifest[]): { web: IDeployment; worker: IDeployment } {
  const all = ofKind<IDeployment>(manifests, "apps/v1/Deployment");
  const byRole = (role: string) => {
    const found = all.filter((d) => roleOf(d) === role);
    assert.equal(found.length, 1, `exactly one Deployment runs MTLS_GATE_ROLE=${role}`);
    return found[0]!;
  };
  const result = { web: byRole("web"), worker: byRole("worker") };
  assert.equal(all.length, 2, "two Deployments: web and worker");
  return result;
}

/** Everything the deployment must get right; shared by the source manifests and kustomize's build of them. */
function checkBehaviour(manifests: Manifest[]): void {
  const { web, worker } = deployments(manifests);
  const configMaps = ofKind<IConfigMap>(manifests, "v1/ConfigMap");
  const serviceAccounts = ofKind<{ metadata: { name: string } }>(manifests, "v1/ServiceAccount").map(
    (s) => s.metadata.name,
  );
  assert.equal(
    ofKind(manifests, "v1/Secret").length,
    0,
    "no Secret objects (and so no Secret values) in the manifests",
  );

  for (const deployment of [web, worker]) {
    const name = deployment.metadata?.name;
    const spec = podSpec(deployment);
    const container = appContainer(deployment);
    const env = literalEnv(container);

    assert.ok(
      selects(deployment.spec?.selector.matchLabels, podLabels(deployment)),
      `${name}: its selector matches its own pods`,
    );
    assert.deepEqual(
      container.ports?.map((p) => p.containerPort),
      [PORT],
      `${name}: container port ${PORT}`,
    );
    assert.equal(env.HOST, "0.0.0.0", `${name}: HOST=0.0.0.0, or the kubelet cannot reach /ping`);
    if (env.PORT !== undefined) assert.equal(env.PORT, String(PORT), `${name}: PORT matches the container port`);

    // Readiness follows Redis and the workers (the app's GET /ready); liveness only that the process serves HTTP.
    for (const [probeName, path] of [
      ["readinessProbe", "/ready"],
      ["livenessProbe", "/ping"],
    ] as const) {
      const probe = container[probeName];
      assert.equal(probe?.httpGet?.path, path, `${name}: ${probeName} is an httpGet on ${path}`);
      assert.equal(resolvePort(container, probe?.httpGet?.port), PORT, `${name}: ${probeName} on port ${PORT}`);
    }

    // Non-root as the image's `node` user (uid 1000), read-only root, no privilege escalation, no capabilities.
    const podSecurity = spec.securityContext ?? {};
    const security = container.securityContext ?? {};
    assert.equal(security.runAsNonRoot ?? podSecurity.runAsNonRoot, true, `${name}: runAsNonRoot`);
    assert.equal(
      security.runAsUser ?? podSecurity.runAsUser,
      1000,
      `${name}: runs as uid 1000 (the image's node user)`,
    );
    assert.equal(security.allowPrivilegeEscalation, false, `${name}: allowPrivilegeEscalation false`);
    assert.equal(security.readOnlyRootFilesystem, true, `${name}: readOnlyRootFilesystem`);
    assert.ok(security.capabilities?.drop?.includes("ALL"), `${name}: drops ALL capabilities`);
    assert.equal(
      (security.seccompProfile ?? podSecurity.seccompProfile)?.type,
      "RuntimeDefault",
      `${name}: RuntimeDefault seccomp profile`,
    );
    const tmp = container.volumeMounts?.find((m) => m.mountPath === "/tmp");
    assert.ok(tmp, `${name}: /tmp is mounted (the root filesystem is read-only)`);
    assert.ok(spec.volumes?.find((v) => v.name === tmp.name)?.emptyDir, `${name}: /tmp is an emptyDir`);

    for (const kind of ["requests", "limits"] as const) {
      for (const resource of ["cpu", "memory"])
        assert.ok(container.resources?.[kind]?.[resource] !== undefined, `${name}: resources.${kind}.${resource}`);
    }

    // Credentials come only from Secrets, by reference.
    for (const [variable, ref] of Object.entries(SECRET_ENV)) {
      const entries = (container.env ?? []).filter((e) => e.name === variable);
      assert.equal(entries.length, 1, `${name}: ${variable} is set once`);
      const entry = entries[0]!;
      assert.equal(entry.value, undefined, `${name}: ${variable} must not have an inline value`);
      assert.deepEqual(
        entry.valueFrom,
        { secretKeyRef: { name: ref.secret, key: ref.key } },
        `${name}: ${variable} from Secret ${ref.secret} key ${ref.key} (required)`,
      );
    }
    for (const source of container.envFrom ?? []) {
      assert.equal(
        source.secretRef,
        undefined,
        `${name}: no envFrom of a Secret (every secret variable is referenced by name)`,
      );
      const configMap = configMaps.find((c) => c.metadata?.name === source.configMapRef?.name);
      assert.ok(configMap, `${name}: envFrom ConfigMap ${source.configMapRef?.name} is in the manifests`);
    }
    if (spec.serviceAccountName)
      assert.ok(
        serviceAccounts.includes(spec.serviceAccountName),
        `${name}: ServiceAccount ${spec.serviceAccountName} is in the manifests`,
      );

    // The app's own parser accepts the settings the pod gets, and reads them as meant; the logs are JSON.
    const effective = effectiveEnv(container, configMaps);
    const settings = deploymentSettings({ ...effective, REDIS_URL: "redis://redis.example:6379" });
    assert.equal(settings.role, env.MTLS_GATE_ROLE, `${name}: the app reads its role`);
    if (env.MTLS_GATE_WORKER_CONCURRENCY)
      assert.equal(
        String(settings.concurrency),
        env.MTLS_GATE_WORKER_CONCURRENCY,
        `${name}: the app reads its concurrency`,
      );
    assert.equal(effective.LOG_FORMAT, "json", `${name}: LOG_FORMAT=json`);
    assert.ok(effective.LOG_LEVEL, `${name}: LOG_LEVEL is set`);
  }

  // Nothing secret in a ConfigMap either.
  for (const configMap of configMaps) {
    for (const variable of Object.keys(SECRET_ENV))
      assert.ok(!(variable in (configMap.data ?? {})), `ConfigMap ${configMap.metadata?.name}: no ${variable}`);
  }

  // Workers: a concurrency, and a replica count left to the HPA (so `kubectl apply` never resets it).
  assert.match(
    literalEnv(appContainer(worker)).MTLS_GATE_WORKER_CONCURRENCY ?? "",
    /^[1-9][0-9]*$/,
    "worker: MTLS_GATE_WORKER_CONCURRENCY is a positive integer",
  );
  assert.equal(worker.spec?.replicas, undefined, "worker: no spec.replicas, the HorizontalPodAutoscaler owns it");

  const hpas = ofKind<IHorizontalPodAutoscaler>(manifests, "autoscaling/v2/HorizontalPodAutoscaler");
  assert.equal(hpas.length, 1, "one HorizontalPodAutoscaler");
  const hpa = hpas[0]!;
  assert.deepEqual(
    { ...hpa.spec?.scaleTargetRef },
    { apiVersion: "apps/v1", kind: "Deployment", name: worker.metadata?.name },
    "the HPA scales the worker Deployment",
  );
  assert.equal(hpa.spec?.minReplicas, 2, "HPA minReplicas");
  assert.equal(hpa.spec?.maxReplicas, 10, "HPA maxReplicas");
  const cpu = hpa.spec?.metrics?.find((m) => m.type === "Resource" && m.resource?.name === "cpu");
  assert.equal(cpu?.resource?.target.type, "Utilization", "the HPA targets CPU utilisation");
  assert.ok((cpu?.resource?.target.averageUtilization ?? 0) > 0, "the HPA has a CPU utilisation target");

  const services = ofKind<IService>(manifests, "v1/Service");
  assert.equal(services.length, 1, "one Service");
  const service = services[0]!;
  assert.ok(selects(service.spec?.selector, podLabels(web)), "the Service selects the web pods");
  assert.ok(!selects(service.spec?.selector, podLabels(worker)), "the Service does not select the worker pods");
  assert.equal(service.spec?.ports?.length, 1, "the Service has one port");
  const servicePort = service.spec!.ports![0]!;
  assert.equal(servicePort.port, 80, "the Service listens on 80");
  assert.equal(
    resolvePort(appContainer(web), servicePort.targetPort),
    PORT,
    `the Service forwards to the web container's port ${PORT}`,
  );

  const pdbs = ofKind<IPodDisruptionBudget>(manifests, "policy/v1/PodDisruptionBudget");
  for (const [deployment, minimum] of [
    [web, web.spec?.replicas ?? 1],
    [worker, hpa.spec?.minReplicas ?? 1],
  ] as const) {
    const own = pdbs.filter((p) => selects(p.spec?.selector?.matchLabels, podLabels(deployment)));
    assert.equal(own.length, 1, `${deployment.metadata?.name}: one PodDisruptionBudget`);
    const available = own[0]!.spec?.minAvailable;
    assert.ok(
      typeof available === "number" && available < minimum,
      `${deployment.metadata?.name}: the PodDisruptionBudget still lets a node drain`,
    );
  }
  for (const pdb of pdbs) {
    const matched = [web, worker].filter((d) => selects(pdb.spec?.selector?.matchLabels, podLabels(d)));
    assert.equal(matched.length, 1, `PodDisruptionBudget ${pdb.metadata?.name} covers exactly one Deployment`);
  }
}

describe("deploy/kubernetes", () => {
  it("the kustomization lists exactly the manifest files present", () => {
    const kustomization = loadKustomization();
    assert.equal(kustomization.apiVersion, "kustomize.config.k8s.io/v1beta1");
    assert.equal(kustomization.kind, "Kustomization");
    assert.equal(kustomization.namespace, NAMESPACE);
    const resources = kustomization.resources as string[];
    assert.ok(Array.isArray(resources), "resources is a list");
    assert.equal(new Set(resources).size, resources.length, "no resource listed twice");
    assert.deepEqual(
      [...resources].sort(),
      yamlFiles().filter((f) => f !== "kustomization.yaml"),
      "kustomization.yaml resources = the YAML files in deploy/kubernetes",
    );
    for (const file of resources)
      assert.ok(parseDocuments(readFileSync(join(DIR, file), "utf8"), file).length > 0, `${file}: not empty`);
  });

  it("the kustomization labels everything and lets users set the image", () => {
    const kustomization = loadKustomization();
    const labels = kustomization.labels as { pairs?: Record<string, string> }[] | undefined;
    assert.ok(
      labels?.some((l) => Object.keys(l.pairs ?? {}).length > 0),
      "common labels (labels: - pairs:)",
    );
    const images = (kustomization.images ?? []) as { name: string }[];
    const { web, worker } = deployments(loadManifests());
    for (const deployment of [web, worker]) {
      const image = appContainer(deployment).image ?? "";
      const name = image.replace(/[:@][^/]*$/, "");
      assert.ok(
        images.some((i) => i.name === name),
        `${deployment.metadata?.name}: its image ${name} has a kustomize images: entry`,
      );
    }
  });

  it("every document validates against its Kubernetes schema", () => {
    const manifests = loadManifests();
    assert.ok(manifests.length > 0);
    const seen = new Set<string>();
    for (const manifest of manifests) {
      validate(manifest);
      const { name, namespace } = manifest.doc.metadata ?? {};
      assert.ok(name, `${manifest.file}: ${typeKey(manifest.doc)} has a name`);
      const id = `${typeKey(manifest.doc)}/${name}`;
      assert.ok(!seen.has(id), `${manifest.file}: ${id} defined twice`);
      seen.add(id);
      if (!CLUSTER_SCOPED.has(typeKey(manifest.doc)))
        assert.ok(
          namespace === undefined || namespace === NAMESPACE,
          `${manifest.file}: ${id} is in the kustomization's namespace`,
        );
    }
  });

  it("fails on a kind without a schema, and on a document its schema rejects", () => {
    assert.throws(
      () =>
        validate({
          file: "x.yaml",
          doc: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "x" } },
        }),
      /unknown apiVersion\/kind/,
    );
    const [deployment] = loadManifests().filter((m) => typeKey(m.doc) === "apps/v1/Deployment");
    assert.ok(deployment);
    const broken = structuredClone(deployment.doc) as unknown as IDeployment;
    (broken.spec!.template.spec!.containers[0]!.env![0] as { value: unknown }).value = 4;
    assert.throws(() => validate({ file: deployment.file, doc: broken as unknown as Doc }), /must be string/);
  });

  it("web and worker roles: /ready and /ping probes, non-root, Secrets by reference; the HPA on the worker, the Service and PDBs on the right pods", () => {
    checkBehaviour(loadManifests());
  });

  it("every MTLS_GATE_* variable set is one the app reads", () => {
    const settingsSource =
      readFileSync(join(ROOT, "src", "app", "settings.ts"), "utf8") +
      readFileSync(join(ROOT, "src", "app", "main.ts"), "utf8");
    const names = new Set<string>();
    for (const { doc } of loadManifests()) {
      for (const match of JSON.stringify(doc).matchAll(/"(MTLS_GATE_[A-Z_]+)"/g)) names.add(match[1]!);
    }
    assert.ok(names.has("MTLS_GATE_ROLE"));
    for (const name of names)
      assert.ok(
        settingsSource.includes(`"${name}"`) || settingsSource.includes(`.${name}`),
        `${name} is not read by src/app/settings.ts`,
      );
  });

  it("kustomize builds it: namespaced, labelled, still valid", (t) => {
    const kubectl = spawnSync("kubectl", ["kustomize", DIR], { encoding: "utf8" });
    if (kubectl.error && (kubectl.error as NodeJS.ErrnoException).code === "ENOENT") {
      t.skip("kubectl is not installed");
      return;
    }
    assert.equal(kubectl.status, 0, `kubectl kustomize failed: ${kubectl.stderr}`);
    const built = parseDocuments(kubectl.stdout, "kustomize output").map((doc) => ({ file: "kustomize output", doc }));
    assert.equal(built.length, loadManifests().length, "kustomize emits every document");
    for (const manifest of built) {
      validate(manifest);
      const key = typeKey(manifest.doc);
      if (CLUSTER_SCOPED.has(key)) assert.equal(manifest.doc.metadata?.name, NAMESPACE);
      else
        assert.equal(
          manifest.doc.metadata?.namespace,
          NAMESPACE,
          `${key} ${manifest.doc.metadata?.name} lands in ${NAMESPACE}`,
        );
      const labels = (manifest.doc.metadata as { labels?: Record<string, string> }).labels;
      assert.equal(
        labels?.["app.kubernetes.io/part-of"],
        "mtls-gate",
        `${key} ${manifest.doc.metadata?.name} carries the common labels`,
      );
    }
    checkBehaviour(built);
  });
});
