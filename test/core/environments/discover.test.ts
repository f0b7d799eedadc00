import assert from "node:assert/strict";
import { test } from "node:test";
import {
  discoverEnvironments,
  normalizeRepositoryUrl,
  type Discovery,
  type Environment,
} from "../../../src/core/environments/discover.js";
import { loadPolicy } from "../../../src/core/policy/load.js";
import type { SourceFile } from "../../../src/core/types.js";

function discover(tree: Record<string, string>, options: { repositoryUrls?: string[] } = {}): Discovery {
  const files: SourceFile[] = Object.entries(tree).map(([path, text]) => ({ path, text }));
  const policy = loadPolicy(tree[".github/mtls-gate.yml"]).policy;
  return discoverEnvironments(files, policy, options);
}

const byName = (discovery: Discovery, name: string): Environment => {
  const found = discovery.environments.find((e) => e.name === name);
  assert.ok(found, `no environment ${name}; have ${discovery.environments.map((e) => e.name).join(", ")}`);
  return found;
};

const mapping = (name: string, tls: string) => `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: ${name}
spec:
  prefix: /${name}/
  service: https://${name}:443
  tls: ${tls}
`;

/** A base and two overlays (staging includes a component), plus plain YAML no kustomization includes. */
const overlays: Record<string, string> = {
  "base/kustomization.yaml": "resources:\n  - mapping.yaml\n  - context.yaml\n",
  "base/mapping.yaml": mapping("billing", "billing-client"),
  "base/context.yaml":
    "apiVersion: getambassador.io/v3alpha1\nkind: TLSContext\nmetadata:\n  name: billing-client\nspec:\n  secret: billing-client\n",
  "components/audit/kustomization.yaml":
    "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: audit.yaml\n",
  "components/audit/audit.yaml":
    "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: billing\nspec:\n  timeout_ms: 5000\n",
  "overlays/staging/kustomization.yaml":
    "namespace: staging\nresources:\n  - ../../base\ncomponents:\n  - ../../components/audit\n",
  "overlays/prod/kustomization.yaml":
    "namespace: prod\nresources:\n  - ../../base\npatches:\n  - path: tls-patch.yaml\n",
  "overlays/prod/tls-patch.yaml":
    "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: billing\nspec:\n  tls: billing-client-prod\n",
  "edge/host.yaml":
    "apiVersion: getambassador.io/v3alpha1\nkind: Host\nmetadata:\n  name: edge\nspec:\n  hostname: edge.example.com\n",
  "README.md": "# not yaml\n",
};

test("leaf kustomizations are environments; bases and components are not; plain YAML goes with each", () => {
  const discovery = discover(overlays);
  assert.deepEqual(
    discovery.environments.map((e) => [e.name, e.kind, e.root]),
    [
      ["overlays/prod", "kustomize", "overlays/prod"],
      ["overlays/staging", "kustomize", "overlays/staging"],
    ],
  );
  const prod = byName(discovery, "overlays/prod");
  assert.deepEqual(prod.kustomize, { namespace: "prod" });
  assert.deepEqual(prod.plainFiles, ["edge/host.yaml"]);
  assert.deepEqual(prod.discoveredBy, {
    how: "leaf kustomization (no other kustomization includes it)",
    file: "overlays/prod/kustomization.yaml",
    line: 1,
  });
  assert.deepEqual(discovery.renderedFiles, [
    "base/context.yaml",
    "base/kustomization.yaml",
    "base/mapping.yaml",
    "components/audit/audit.yaml",
    "components/audit/kustomization.yaml",
    "overlays/prod/kustomization.yaml",
    "overlays/prod/tls-patch.yaml",
    "overlays/staging/kustomization.yaml",
  ]);
  assert.deepEqual(discovery.diagnostics, []);
  assert.equal(discovery.rendering, true);
});

test("a repository of plain YAML only is the one repository environment, as before rendering", () => {
  const discovery = discover({
    "edge/host.yaml": overlays["edge/host.yaml"] as string,
    "edge/m.yaml": mapping("a", "b"),
  });
  assert.deepEqual(
    discovery.environments.map((e) => [e.name, e.kind, e.plainFiles]),
    [["repository", "plain", ["edge/host.yaml", "edge/m.yaml"]]],
  );
  assert.deepEqual(discovery.renderedFiles, []);
});

/** A chart with its default values, a values-prod.yaml, a ci/ values file and a vendored subchart. */
const chart: Record<string, string> = {
  "charts/edge/Chart.yaml": "apiVersion: v2\nname: edge-gateway\nversion: 1.2.0\n",
  "charts/edge/values.yaml": "tls:\n  context: upstream\n",
  "charts/edge/values-prod.yaml": "tls:\n  context: upstream-prod\n",
  "charts/edge/ci/strict-values.yaml": "tls:\n  minVersion: v1.3\n",
  "charts/edge/templates/context.yaml":
    "apiVersion: getambassador.io/v3alpha1\nkind: TLSContext\nmetadata:\n  name: {{ .Values.tls.context }}\nspec:\n  secret: {{ .Values.tls.secret }}\n",
  "charts/edge/charts/common/Chart.yaml": "apiVersion: v2\nname: common\nversion: 0.1.0\n",
  "charts/edge/charts/common/values.yaml": "x: 1\n",
};

test("a chart is one environment per values file: default, values-*.yaml, ci/*-values.yaml; subcharts are part of it", () => {
  const discovery = discover(chart);
  assert.deepEqual(
    discovery.environments.map((e) => [e.name, e.kind, e.root, e.helm?.valuesFiles, e.helm?.releaseName]),
    [
      ["charts/edge", "helm", "charts/edge", ["charts/edge/values.yaml"], "edge-gateway"],
      [
        "charts/edge:ci/strict",
        "helm",
        "charts/edge",
        ["charts/edge/values.yaml", "charts/edge/ci/strict-values.yaml"],
        "edge-gateway",
      ],
      [
        "charts/edge:prod",
        "helm",
        "charts/edge",
        ["charts/edge/values.yaml", "charts/edge/values-prod.yaml"],
        "edge-gateway",
      ],
    ],
  );
  assert.equal(byName(discovery, "charts/edge:prod").discoveredBy.file, "charts/edge/values-prod.yaml");
  assert.deepEqual(discovery.renderedFiles, Object.keys(chart).sort());
  assert.ok(discovery.environments.every((e) => e.plainFiles.length === 0));
});

const argoApplication = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: edge-prod
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/acme/platform.git
    targetRevision: main
    path: charts/edge
    helm:
      releaseName: edge
      valueFiles:
        - values-prod.yaml
      values: |
        tls:
          sni: billing.internal
      parameters:
        - name: replicas
          value: "3"
  destination:
    server: https://kubernetes.default.svc
    namespace: edge
`;

test("an Argo CD Application of this repository defines its environment: values files, inline values, release, namespace", () => {
  const discovery = discover(
    { ...chart, "argocd/edge-prod.yaml": argoApplication },
    { repositoryUrls: ["git@github.com:acme/platform.git"] },
  );
  const app = byName(discovery, "edge-prod");
  assert.equal(app.kind, "helm");
  assert.equal(app.root, "charts/edge");
  assert.deepEqual(app.helm, {
    valuesFiles: ["charts/edge/values-prod.yaml"],
    values: { tls: { sni: "billing.internal" } },
    releaseName: "edge",
    namespace: "edge",
    set: { replicas: "3" },
  });
  assert.equal(app.defaultNamespace, "edge");
  assert.deepEqual(app.discoveredBy, { how: "Argo CD Application", file: "argocd/edge-prod.yaml", line: 4 });
  // The chart is the Application's: its own default/values-file environments are not added beside it.
  assert.deepEqual(
    discovery.environments.map((e) => e.name),
    ["edge-prod"],
  );
  assert.deepEqual(app.plainFiles, ["argocd/edge-prod.yaml"]);
});

test("an Argo CD Application of another repository, or a remote chart, is said and not rendered", () => {
  const otherRepo = argoApplication.replace("acme/platform", "acme/other");
  const remoteChart = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: cert-manager
spec:
  source:
    repoURL: https://charts.jetstack.io
    chart: cert-manager
    targetRevision: v1.14.0
  destination: {namespace: cert-manager}
`;
  const discovery = discover(
    { ...chart, "argocd/edge-prod.yaml": otherRepo, "argocd/cm.yaml": remoteChart },
    { repositoryUrls: ["https://github.com/acme/platform"] },
  );
  assert.deepEqual(
    discovery.diagnostics.map((d) => [d.code, d.file, d.line]),
    [
      ["remote-chart", "argocd/cm.yaml", 4],
      ["not-this-repository", "argocd/edge-prod.yaml", 4],
    ],
  );
  // Nothing points at the chart then: discovery falls back to the chart's own environments.
  assert.deepEqual(
    discovery.environments.map((e) => e.name),
    ["charts/edge", "charts/edge:ci/strict", "charts/edge:prod"],
  );
});

const applicationSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: billing
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - env: staging
            namespace: billing-staging
          - env: prod
            namespace: billing-prod
    - clusters:
        selector:
          matchLabels: {tier: edge}
  template:
    metadata:
      name: 'billing-{{env}}'
    spec:
      project: default
      source:
        repoURL: https://github.com/acme/platform
        targetRevision: HEAD
        path: 'overlays/{{env}}'
      destination:
        server: https://kubernetes.default.svc
        namespace: '{{namespace}}'
`;

test("an ApplicationSet's list generator expands into one environment per element; a cluster generator is said unresolved", () => {
  const discovery = discover({ ...overlays, "argocd/billing.yaml": applicationSet });
  assert.deepEqual(
    discovery.environments.map((e) => [e.name, e.kind, e.root, e.defaultNamespace, e.discoveredBy.line]),
    [
      ["billing-prod", "kustomize", "overlays/prod", "billing-prod", 12],
      ["billing-staging", "kustomize", "overlays/staging", "billing-staging", 10],
    ],
  );
  assert.equal(byName(discovery, "billing-prod").discoveredBy.how, "Argo CD ApplicationSet billing (list generator)");
  assert.deepEqual(
    discovery.diagnostics.map((d) => [d.code, d.line]),
    [["generator-not-resolved", 14]],
  );
  assert.match(discovery.diagnostics[0]?.message ?? "", /clusters generator/);
});

test("an ApplicationSet's git directories generator reads this repository's directories (goTemplate)", () => {
  const set = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: overlays
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: https://github.com/acme/platform.git
        revision: HEAD
        directories:
          - path: overlays/*
          - path: overlays/staging
            exclude: true
  template:
    metadata:
      name: '{{.path.basename}}-edge'
    spec:
      source:
        repoURL: https://github.com/acme/platform.git
        path: '{{.path.path}}'
      destination:
        namespace: '{{ .path.basename | lower }}'
`;
  const discovery = discover({ ...overlays, "argocd/set.yaml": set });
  // The namespace uses a pipe: that application is not guessed.
  assert.deepEqual(
    discovery.environments.map((e) => e.name),
    ["overlays/prod", "overlays/staging"],
  );
  assert.equal(discovery.diagnostics[0]?.code, "generator-not-resolved");
  const plain = discover({ ...overlays, "argocd/set.yaml": set.replace("'{{ .path.basename | lower }}'", "edge") });
  assert.deepEqual(
    plain.environments.map((e) => [e.name, e.root]),
    [
      ["overlays/staging", "overlays/staging"],
      ["prod-edge", "overlays/prod"],
    ],
  );
});

const flux: Record<string, string> = {
  "clusters/prod/flux-system/gotk-sync.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  url: ssh://git@github.com/acme/platform
  ref:
    branch: main
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: billing-prod
  namespace: flux-system
spec:
  interval: 10m0s
  path: ./overlays/prod
  prune: true
  targetNamespace: billing
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
  "clusters/prod/edge-release.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: edge
  namespace: gateways
spec:
  interval: 5m
  targetNamespace: edge
  chart:
    spec:
      chart: ./charts/edge
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
      valuesFiles:
        - charts/edge/values.yaml
        - charts/edge/values-prod.yaml
  values:
    tls:
      minVersion: v1.3
  valuesFrom:
    - kind: ConfigMap
      name: edge-overrides
`,
};

test("Flux: a Kustomization and a HelmRelease from this repository's GitRepository define environments", () => {
  const discovery = discover(
    { ...overlays, ...chart, ...flux },
    { repositoryUrls: ["https://github.com/acme/platform"] },
  );
  const names = discovery.environments.map((e) => e.name);
  // overlays/prod and charts/edge are taken by the Flux objects; the staging overlay is still a leaf of its own.
  assert.deepEqual(names, ["billing-prod", "edge", "overlays/staging"]);
  const billing = byName(discovery, "billing-prod");
  assert.deepEqual(
    [billing.kind, billing.root, billing.kustomize],
    ["kustomize", "overlays/prod", { namespace: "billing" }],
  );
  assert.deepEqual(billing.discoveredBy, {
    how: "Flux Kustomization",
    file: "clusters/prod/flux-system/gotk-sync.yaml",
    line: 15,
  });
  const edge = byName(discovery, "edge");
  assert.deepEqual(edge.helm, {
    valuesFiles: ["charts/edge/values.yaml", "charts/edge/values-prod.yaml"],
    values: { tls: { minVersion: "v1.3" } },
    releaseName: "edge-edge",
    namespace: "edge",
  });
  assert.deepEqual(
    discovery.diagnostics.map((d) => [d.code, d.file, d.line]),
    [["values-not-resolved", "clusters/prod/edge-release.yaml", 22]],
  );
});

test("Flux: a HelmRelease from a HelmRepository is a remote chart, said on its line", () => {
  const release = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: emissary
spec:
  chart:
    spec:
      chart: emissary-ingress
      sourceRef: {kind: HelmRepository, name: datawire}
`;
  const discovery = discover({ "infra/emissary.yaml": release });
  assert.deepEqual(
    discovery.diagnostics.map((d) => [d.code, d.line]),
    [["remote-chart", 4]],
  );
  assert.deepEqual(
    discovery.environments.map((e) => e.name),
    ["repository"],
  );
});

test("policy render.environments name the environments explicitly, with their own paths", () => {
  const policy = `render:
  environments:
    - name: prod
      kustomize: ./overlays/prod/
    - name: edge-prod
      helm: {chart: charts/edge, values: [charts/edge/values-prod.yaml], namespace: edge, releaseName: edge}
      paths: ["edge/**"]
    - name: nowhere
      kustomize: overlays/qa
`;
  const discovery = discover({ ...overlays, ...chart, ".github/mtls-gate.yml": policy });
  assert.deepEqual(
    discovery.environments.map((e) => [e.name, e.kind, e.root, e.plainFiles, e.discoveredBy.line]),
    [
      ["edge-prod", "helm", "charts/edge", ["edge/host.yaml"], 5],
      ["prod", "kustomize", "overlays/prod", ["edge/host.yaml"], 3],
    ],
  );
  assert.deepEqual(byName(discovery, "edge-prod").helm, {
    valuesFiles: ["charts/edge/values-prod.yaml"],
    releaseName: "edge",
    namespace: "edge",
  });
  assert.deepEqual(
    discovery.diagnostics.map((d) => [d.code, d.line]),
    [["policy-path-not-found", 8]],
  );
});

test("policy render.enabled: false: one plain environment of every manifest, nothing rendered", () => {
  const discovery = discover({ ...overlays, ...chart, ".github/mtls-gate.yml": "render:\n  enabled: false\n" });
  assert.equal(discovery.rendering, false);
  assert.deepEqual(discovery.renderedFiles, []);
  const [only] = discovery.environments;
  assert.deepEqual(
    [discovery.environments.length, only?.name, only?.kind, only?.discoveredBy.line],
    [1, "repository", "plain", 2],
  );
  assert.ok(only?.plainFiles.includes("charts/edge/templates/context.yaml"));
  assert.ok(only?.plainFiles.includes("overlays/prod/tls-patch.yaml"));
});

test("repository URLs compare whatever their spelling", () => {
  const same = [
    "https://github.com/Acme/Platform.git",
    "git@github.com:acme/platform.git",
    "ssh://git@github.com/acme/platform",
    "github.com/acme/platform/",
  ];
  assert.deepEqual(new Set(same.map(normalizeRepositoryUrl)), new Set(["github.com/acme/platform"]));
});

test("a kustomization beside a Chart.yaml is the environment (kustomize inflates the chart); a HelmRelease patch is no HelmRelease", () => {
  const discovery = discover({
    "apps/kustomization.yaml": "helmCharts:\n  - name: guestbook\n    releaseName: guestbook\n",
    "apps/Chart.yaml": "apiVersion: v2\nname: guestbook\nversion: 0.1.0\n",
    "flux/base/kustomization.yaml": "resources:\n  - release.yaml\n",
    "flux/base/release.yaml":
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  chart:\n    spec:\n      chart: podinfo\n      sourceRef: {kind: HelmRepository, name: podinfo}\n",
    "flux/prod/kustomization.yaml":
      "resources:\n  - ../base\npatches:\n  - path: values.yaml\n    target: {kind: HelmRelease}\n",
    "flux/prod/values.yaml":
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  values:\n    replicaCount: 2\n",
  });
  assert.deepEqual(
    discovery.environments.map((e) => [e.name, e.kind]),
    [
      ["apps", "kustomize"],
      ["flux/prod", "kustomize"],
    ],
  );
  assert.deepEqual(
    discovery.diagnostics.map((d) => [d.code, d.file]),
    [["remote-chart", "flux/base/release.yaml"]],
  );
});
