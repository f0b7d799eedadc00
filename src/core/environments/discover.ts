/**
 * Environment discovery: which renders the repository stands for, each a different cluster configuration, read from
 * the files alone (no tool runs, no file system). In order of precedence:
 *   1. the policy's `render.environments` name them explicitly (and `render.enabled: false` switches rendering off);
 *   2. Argo CD Applications/ApplicationSets and Flux Kustomizations/HelmReleases that point at paths of this
 *      repository define them, with their kustomize options, Helm values, release name and target namespace;
 *   3. every leaf kustomization (one no other kustomization includes) and every chart (its default values, then each
 *      `values-*.yaml` and `ci/*-values.yaml`) that no GitOps object already points at is one;
 * and the plain YAML no kustomization or chart includes is analysed with each (what `kubectl apply -R` of the rest would
 * add to the same cluster), or forms the `repository` environment alone when nothing is rendered.
 */
import picomatch from "picomatch";
import { POLICY_PATH, type Policy, type PolicyEnvironment } from "../policy/policy.js";
import { DEFAULT_LOAD_LIMITS, isManifestPath, parseYamlText } from "../source/load.js";
import { identityMapper, type LocatedDocument } from "../source/yaml-document.js";
import { asName, asObject, asString, isObject, type PlainObject } from "../model/values.js";
import type { SourceFile } from "../types.js";
import { expandApplicationSet, type GeneratedApplication } from "./applicationset.js";
import {
  directoryOf,
  isKustomizationPath,
  joinRelative,
  KustomizationGraph,
  readKustomizationFile,
} from "./kustomization.js";

export interface Environment {
  name: string;
  kind: "kustomize" | "helm" | "plain";
  /** The kustomization's directory, the chart's directory, or (plain) the directory applied; "" is the repository root. */
  root: string;
  helm?: {
    /** Values files passed to `helm template -f`, in order, relative to the repository root. */
    valuesFiles: string[];
    /** Inline values (Argo CD `helm.values`/`valuesObject`, Flux `spec.values`), applied after the files. */
    values?: unknown;
    releaseName: string;
    namespace?: string;
    /** Argo CD `helm.parameters` (`--set name=value`). */
    set?: Record<string, string>;
  };
  kustomize?: { namespace?: string; namePrefix?: string; nameSuffix?: string };
  /** The namespace given to resources that have none (Argo CD's destination namespace). */
  defaultNamespace?: string;
  /** Plain YAML files analysed with the render (or, for a plain environment, the files it applies). */
  plainFiles: string[];
  discoveredBy: { how: string; file?: string; line?: number };
}

export type DiscoveryCode =
  | "not-this-repository"
  | "path-not-found"
  | "remote-chart"
  | "values-not-resolved"
  | "generator-not-resolved"
  | "duplicate-name"
  | "policy-path-not-found";

/** Something discovery could not follow, on the line that says it. Never fatal: the rest is still discovered. */
export interface DiscoveryDiagnostic {
  code: DiscoveryCode;
  file: string;
  line: number;
  message: string;
}

export interface Discovery {
  environments: Environment[];
  /** Files a kustomization or chart owns (rendered, not analysed as written). Sorted. */
  renderedFiles: string[];
  diagnostics: DiscoveryDiagnostic[];
  /** False when the policy switches rendering off: one plain environment then holds every manifest. */
  rendering: boolean;
}

export interface DiscoveryOptions {
  /**
   * The URLs this repository is known by (clone URLs, `owner/name` on a host). With them, a GitOps source whose
   * repoURL matches none is another repository's; without them, a source counts as this repository's when its path
   * exists in the tree.
   */
  repositoryUrls?: readonly string[];
}

interface ParsedYaml {
  file: string;
  documents: LocatedDocument[];
}

export const REPOSITORY_ENVIRONMENT = "repository";

const GITOPS_GROUPS = /argoproj\.io|toolkit\.fluxcd\.io/;

export function discoverEnvironments(
  files: readonly SourceFile[],
  policy: Policy,
  options: DiscoveryOptions = {},
): Discovery {
  const tree = new Tree(files);
  const diagnostics: DiscoveryDiagnostic[] = [];

  if (!policy.render.enabled) {
    return {
      environments: [
        plainEnvironment(tree.manifests, {
          how: "policy render.enabled: false (every manifest as written)",
          ...policyLine(tree, ["render", "enabled"]),
        }),
      ],
      renderedFiles: [],
      diagnostics,
      rendering: false,
    };
  }

  const kustomizations = tree.parsed
    .filter((p) => isKustomizationPath(p.file))
    .flatMap((p) => {
      const first = p.documents[0];
      const k = first && readKustomizationFile(p.file, first);
      return k ? [k] : [];
    });
  const graph = new KustomizationGraph(kustomizations);
  const charts = chartRoots(tree);
  const rendered = new Set<string>();
  for (const k of kustomizations) for (const file of graph.ownedFiles(k)) rendered.add(file);
  for (const path of tree.paths) if (charts.some((chart) => chartOwns(chart.root, path))) rendered.add(path);
  const renderedFiles = [...rendered].filter((path) => tree.has(path)).sort();

  const environments: Environment[] = [];
  const claimed = new Set<string>();
  const defaultPlain = () => tree.manifests.filter((path) => !rendered.has(path) && !claimed.has(path));

  if (policy.render.environments.length > 0) {
    for (const declared of policy.render.environments) {
      const environment = policyEnvironment(declared, tree, graph, charts, diagnostics);
      if (environment) environments.push(environment);
    }
    const plain = defaultPlain();
    for (const environment of environments) {
      const declared = policy.render.environments.find((d) => d.name === environment.name);
      if (declared?.paths) {
        const match = picomatch(declared.paths, { dot: true });
        environment.plainFiles = tree.manifests.filter((path) => match(path));
      } else environment.plainFiles = plain;
    }
    return { environments: sortByName(environments), renderedFiles, diagnostics, rendering: true };
  }

  const context: GitOpsContext = {
    tree,
    graph,
    charts,
    diagnostics,
    repositoryUrls: (options.repositoryUrls ?? []).map(normalizeRepositoryUrl),
  };
  // Patches name objects only partially (a HelmRelease patch holds its values, not its chart): never read as objects.
  const patches = new Set(
    kustomizations.flatMap((k) => k.fileReferences.flatMap((reference) => joinRelative(k.dir, reference) ?? [])),
  );
  for (const parsed of tree.parsed) {
    if (patches.has(parsed.file)) continue;
    for (const doc of parsed.documents) {
      if (!isObject(doc.value)) continue;
      environments.push(...gitOpsEnvironments(doc, parsed.file, context));
    }
  }
  for (const environment of environments)
    if (environment.kind === "plain") for (const file of environment.plainFiles) claimed.add(file);

  const roots = new Set(environments.filter((e) => e.kind !== "plain").map((e) => e.root));
  for (const k of graph.leaves()) {
    if (roots.has(k.dir)) continue;
    environments.push({
      name: label(k.dir),
      kind: "kustomize",
      root: k.dir,
      ...(k.namespace ? { kustomize: { namespace: k.namespace } } : {}),
      plainFiles: [],
      discoveredBy: { how: "leaf kustomization (no other kustomization includes it)", file: k.file, line: 1 },
    });
  }
  for (const chart of charts) {
    // A directory with a kustomization and a chart is built by kustomize (its helmCharts inflate the chart).
    if (roots.has(chart.root) || graph.byDir.has(chart.root)) continue;
    environments.push(...chartEnvironments(chart, tree));
  }

  const plain = defaultPlain();
  if (environments.every((e) => e.kind === "plain") && plain.length > 0) {
    environments.push(plainEnvironment(plain, { how: "plain YAML that no kustomization or chart includes" }));
  }
  for (const environment of environments) {
    if (environment.kind !== "plain") environment.plainFiles = plain;
  }
  return { environments: uniqueNames(environments, diagnostics), renderedFiles, diagnostics, rendering: true };
}

function plainEnvironment(plainFiles: string[], discoveredBy: Environment["discoveredBy"]): Environment {
  return { name: REPOSITORY_ENVIRONMENT, kind: "plain", root: "", plainFiles, discoveredBy };
}

/** How an environment's name shows a root: the root itself, `.` for the repository's. */
function label(root: string): string {
  return root === "" ? "." : root;
}

function within(path: string, dir: string): boolean {
  return dir === "" || path.startsWith(`${dir}/`);
}

/**
 * What `helm template` reads of a chart: Chart.yaml, its values files, templates/, crds/, ci/ and the subcharts in
 * charts/. Other YAML under a chart's directory (examples, docs) is no part of its output: it stays plain, analysed as
 * written, rather than dropped.
 */
function chartOwns(root: string, path: string): boolean {
  if (!within(path, root)) return false;
  const rest = root === "" ? path : path.slice(root.length + 1);
  return (
    /^(Chart\.(ya?ml|lock)|values[^/]*\.ya?ml|values\.schema\.json|\.helmignore)$/.test(rest) ||
    /^(templates|crds|ci|charts)\//.test(rest)
  );
}

function sortByName(environments: Environment[]): Environment[] {
  return environments.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Names are how `--env` selects and how findings say where they apply: a repeated name gets `-2`, `-3`… */
function uniqueNames(environments: Environment[], diagnostics: DiscoveryDiagnostic[]): Environment[] {
  const used = new Set<string>();
  for (const environment of environments) {
    if (!used.has(environment.name)) {
      used.add(environment.name);
      continue;
    }
    let n = 2;
    while (used.has(`${environment.name}-${n}`)) n++;
    const renamed = `${environment.name}-${n}`;
    diagnostics.push({
      code: "duplicate-name",
      file: environment.discoveredBy.file ?? POLICY_PATH,
      line: environment.discoveredBy.line ?? 1,
      message: `environment name "${environment.name}" is already taken; this one is "${renamed}"`,
    });
    environment.name = renamed;
    used.add(renamed);
  }
  return sortByName(environments);
}

/** The repository's files: paths, and the YAML read once (charts' templates are not YAML and are not read). */
class Tree {
  readonly paths: string[];
  /** `.yaml`/`.yml` files, the policy file aside: the files a plain analysis reads. */
  readonly manifests: string[];
  readonly parsed: ParsedYaml[];
  private readonly byPath: Map<string, SourceFile>;
  private readonly dirs = new Set<string>();

  constructor(files: readonly SourceFile[]) {
    this.byPath = new Map(files.map((f) => [f.path, f]));
    this.paths = [...this.byPath.keys()].sort();
    for (const path of this.paths) {
      for (let dir = directoryOf(path); ; dir = directoryOf(dir)) {
        if (this.dirs.has(dir)) break;
        this.dirs.add(dir);
        if (dir === "") break;
      }
    }
    this.manifests = this.paths.filter((p) => p !== POLICY_PATH && isManifestPath(p));
    const chartDirs = this.paths.filter((p) => /(^|\/)Chart\.ya?ml$/.test(p)).map(directoryOf);
    this.parsed = [];
    for (const path of this.paths) {
      const file = this.byPath.get(path) as SourceFile;
      if (file.symlink || path === POLICY_PATH) continue;
      if (!isManifestPath(path) && !isKustomizationPath(path)) continue;
      // A chart's templates are Go templates: their objects are known only once rendered.
      if (chartDirs.some((dir) => path.startsWith(dir === "" ? "templates/" : `${dir}/templates/`))) continue;
      // Read as plain YAML, not as a manifest: an ApplicationSet's template holds `{{…}}` that is not a Helm template.
      if (file.binary || (file.size ?? file.text.length) > DEFAULT_LOAD_LIMITS.maxFileBytes) continue;
      // Only kustomizations and files naming an Argo CD or Flux API group can define environments: the rest is not parsed.
      if (!isKustomizationPath(path) && !GITOPS_GROUPS.test(file.text)) continue;
      const parsed = { file: path, documents: parseYamlText(file.text, path, identityMapper).documents };
      this.parsed.push(parsed);
    }
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  isDirectory(path: string): boolean {
    return this.dirs.has(path);
  }

  directories(): string[] {
    return [...this.dirs].sort();
  }

  text(path: string): string | undefined {
    return this.byPath.get(path)?.text;
  }

  /** Manifest files directly in `dir` (or anywhere under it, with `recurse`). */
  manifestsIn(dir: string, recurse: boolean): string[] {
    return this.manifests.filter((p) => within(p, dir) && (recurse || directoryOf(p) === dir));
  }
}

/** Where the policy file says something, when the tree holds it. */
function policyLine(tree: Tree, path: (string | number)[]): { file?: string; line?: number } {
  const doc =
    tree.text(POLICY_PATH) === undefined
      ? undefined
      : parseYamlText(tree.text(POLICY_PATH) ?? "", POLICY_PATH, identityMapper).documents[0];
  return doc ? { file: POLICY_PATH, line: doc.locate(path).line } : {};
}

interface Chart {
  root: string;
  chartFile: string;
  name: string;
}

/** Directories with a Chart.yaml that no other chart holds (subcharts under `charts/` are part of their parent). */
function chartRoots(tree: Tree): Chart[] {
  const roots = tree.paths
    .filter((p) => /(^|\/)Chart\.ya?ml$/.test(p))
    .map((chartFile) => ({ chartFile, root: directoryOf(chartFile) }))
    .sort((a, b) => a.root.length - b.root.length);
  const result: Chart[] = [];
  for (const candidate of roots) {
    if (result.some((outer) => outer.root !== candidate.root && within(candidate.root, outer.root))) continue;
    if (result.some((outer) => outer.root === candidate.root)) continue;
    const parsed = parseYamlText(tree.text(candidate.chartFile) ?? "", candidate.chartFile, identityMapper)
      .documents[0];
    const name = asName(asObject(parsed?.value).name) ?? (candidate.root.split("/").pop() || "release");
    result.push({ ...candidate, name });
  }
  return result.sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
}

/** A chart with its default values, then one environment per `values-*.yaml` and `ci/*-values.yaml`, named after it. */
function chartEnvironments(chart: Chart, tree: Tree): Environment[] {
  const prefix = chart.root === "" ? "" : `${chart.root}/`;
  const defaults = ["values.yaml", "values.yml"].map((f) => prefix + f).filter((f) => tree.has(f));
  const environment = (name: string, valuesFiles: string[], how: string, file: string): Environment => ({
    name,
    kind: "helm",
    root: chart.root,
    helm: { valuesFiles, releaseName: chart.name },
    plainFiles: [],
    discoveredBy: { how, file, line: 1 },
  });
  const result = [environment(label(chart.root), defaults, "chart with its default values", chart.chartFile)];
  for (const path of tree.paths) {
    if (!within(path, chart.root)) continue;
    const rest = path.slice(prefix.length);
    const variant = /^values-(.+)\.ya?ml$/.exec(rest)?.[1] ?? /^ci\/(.+)-values\.ya?ml$/.exec(rest)?.[1];
    if (variant === undefined) continue;
    const name = rest.startsWith("ci/") ? `ci/${variant}` : variant;
    result.push(environment(`${label(chart.root)}:${name}`, [...defaults, path], `chart values file ${rest}`, path));
  }
  return result;
}

function policyEnvironment(
  declared: PolicyEnvironment,
  tree: Tree,
  graph: KustomizationGraph,
  charts: readonly Chart[],
  diagnostics: DiscoveryDiagnostic[],
): Environment | undefined {
  const discoveredBy = {
    how: "policy render.environments",
    file: POLICY_PATH,
    ...(declared.line ? { line: declared.line } : {}),
  };
  const missing = (what: string) => {
    diagnostics.push({
      code: "policy-path-not-found",
      file: POLICY_PATH,
      line: declared.line ?? 1,
      message: `environment "${declared.name}": ${what} is not in the repository`,
    });
    return undefined;
  };
  if (declared.kustomize !== undefined) {
    const k = graph.byDir.get(declared.kustomize);
    if (!k) return missing(`no kustomization in ${label(declared.kustomize)}`);
    return {
      name: declared.name,
      kind: "kustomize",
      root: k.dir,
      ...(k.namespace ? { kustomize: { namespace: k.namespace } } : {}),
      plainFiles: [],
      discoveredBy,
    };
  }
  const helm = declared.helm;
  if (!helm) return undefined;
  const chart = charts.find((c) => c.root === helm.chart);
  if (!chart && !tree.has(`${helm.chart === "" ? "" : `${helm.chart}/`}Chart.yaml`))
    return missing(`no chart (Chart.yaml) in ${label(helm.chart)}`);
  const absent = helm.values.find((v) => !tree.has(v));
  if (absent !== undefined) return missing(`values file ${absent}`);
  return {
    name: declared.name,
    kind: "helm",
    root: helm.chart,
    helm: {
      valuesFiles: [...helm.values],
      releaseName: helm.releaseName ?? declared.name,
      ...(helm.namespace ? { namespace: helm.namespace } : {}),
    },
    plainFiles: [],
    discoveredBy,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// GitOps objects: Argo CD and Flux.

interface GitOpsContext {
  tree: Tree;
  graph: KustomizationGraph;
  charts: readonly Chart[];
  diagnostics: DiscoveryDiagnostic[];
  repositoryUrls: string[];
}

/** `https://github.com/Org/Repo.git`, `git@github.com:org/repo`, `ssh://git@github.com/org/repo` -> `github.com/org/repo`. */
export function normalizeRepositoryUrl(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, "")
    .replace(/^[^@/]+@/, "")
    .replace(/^([^/:]+):(?!\d)/, "$1/")
    .replace(/^([^/:]+):\d+\//, "$1/")
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
}

function apiGroup(value: PlainObject): string {
  const apiVersion = asString(value.apiVersion) ?? "";
  return apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
}

function gitOpsEnvironments(doc: LocatedDocument, file: string, context: GitOpsContext): Environment[] {
  const value = doc.value as PlainObject;
  const group = apiGroup(value);
  const kind = asString(value.kind);
  if (group === "argoproj.io" && kind === "Application") {
    const name = asName(asObject(value.metadata).name) ?? "application";
    return argoApplication(
      name,
      value,
      { how: "Argo CD Application", file, line: doc.locate(["metadata", "name"]).line },
      context,
    );
  }
  if (group === "argoproj.io" && kind === "ApplicationSet") {
    const tree = context.tree;
    const generated = expandApplicationSet(doc, {
      // Without known URLs, a git generator is taken to read this repository (its paths are then matched here).
      isThisRepository: (repoURL) => isThisRepository(repoURL, undefined, context) !== false,
      directories: () => tree.directories(),
      files: () => tree.paths,
      text: (path) => tree.text(path),
    });
    for (const problem of generated.unresolved)
      context.diagnostics.push({ code: "generator-not-resolved", file, line: problem.line, message: problem.message });
    return generated.applications.flatMap((app: GeneratedApplication) =>
      argoApplication(
        app.name,
        app.value,
        { how: `Argo CD ApplicationSet ${app.setName} (${app.generator} generator)`, file, line: app.line },
        context,
      ),
    );
  }
  if (group === "kustomize.toolkit.fluxcd.io" && kind === "Kustomization") return fluxKustomization(doc, file, context);
  if (group === "helm.toolkit.fluxcd.io" && kind === "HelmRelease") return fluxHelmRelease(doc, file, context);
  return [];
}

/**
 * Whether a source URL is this repository: by the known URLs when there are some, else by the path existing here
 * (undefined: unknown, decided by the path).
 */
function isThisRepository(url: string, path: string | undefined, context: GitOpsContext): boolean | undefined {
  if (context.repositoryUrls.length > 0) return context.repositoryUrls.includes(normalizeRepositoryUrl(url));
  return path === undefined ? undefined : context.tree.isDirectory(path);
}

/** The environment a directory of this repository stands for: a kustomization, a chart, or plain YAML. */
function environmentAt(root: string, context: GitOpsContext): Pick<Environment, "kind" | "root"> & { chart?: Chart } {
  if (context.graph.byDir.has(root)) return { kind: "kustomize", root };
  const chart = context.charts.find((c) => c.root === root);
  if (chart) return { kind: "helm", root, chart };
  return { kind: "plain", root };
}

function argoApplication(
  name: string,
  value: PlainObject,
  discoveredBy: Environment["discoveredBy"],
  context: GitOpsContext,
): Environment[] {
  const spec = asObject(value.spec);
  const destinationNamespace = asName(asObject(spec.destination).namespace);
  const sources = Array.isArray(spec.sources) ? spec.sources.map(asObject) : isObject(spec.source) ? [spec.source] : [];
  // Multi-source applications: a source with `ref:` lends its files to `$ref/...` values paths of the others.
  const refs = new Map<string, string | undefined>();
  for (const source of sources) {
    const ref = asName(source.ref);
    if (ref)
      refs.set(ref, isThisRepository(asString(source.repoURL) ?? "", undefined, context) === false ? undefined : "");
  }
  const result: Environment[] = [];
  const rendered = sources.filter((source) => asName(source.path) !== undefined || asName(source.chart) !== undefined);
  rendered.forEach((source, index) => {
    const line = discoveredBy.line ?? 1;
    const file = discoveredBy.file ?? "";
    const envName = rendered.length > 1 ? `${name}#${index + 1}` : name;
    const repoURL = asString(source.repoURL) ?? "";
    if (asName(source.chart) !== undefined) {
      context.diagnostics.push({
        code: "remote-chart",
        file,
        line,
        message: `${discoveredBy.how} ${name}: chart ${asName(source.chart)} comes from a Helm repository (${repoURL}), not from this repository; it is not rendered`,
      });
      return;
    }
    const path = joinRelative("", asName(source.path) ?? "") ?? "";
    const mine = isThisRepository(repoURL, path, context);
    if (mine === false && context.repositoryUrls.length > 0) {
      context.diagnostics.push({
        code: "not-this-repository",
        file,
        line,
        message: `${discoveredBy.how} ${name}: ${repoURL} is not this repository; not rendered`,
      });
      return;
    }
    if (!context.tree.isDirectory(path)) {
      context.diagnostics.push({
        code: "path-not-found",
        file,
        line,
        message: `${discoveredBy.how} ${name}: path ${label(path)} is not in this repository; not rendered`,
      });
      return;
    }
    const at = environmentAt(path, context);
    const environment: Environment = { name: envName, kind: at.kind, root: path, plainFiles: [], discoveredBy };
    if (destinationNamespace) environment.defaultNamespace = destinationNamespace;
    const kustomize = asObject(source.kustomize);
    if (at.kind === "kustomize") {
      const options = {
        ...(asName(kustomize.namespace) ? { namespace: asName(kustomize.namespace) } : {}),
        ...(asName(kustomize.namePrefix) ? { namePrefix: asName(kustomize.namePrefix) } : {}),
        ...(asName(kustomize.nameSuffix) ? { nameSuffix: asName(kustomize.nameSuffix) } : {}),
      };
      if (Object.keys(options).length > 0) environment.kustomize = options;
    } else if (at.kind === "helm") {
      const helm = asObject(source.helm);
      const valuesFiles: string[] = [];
      for (const entry of Array.isArray(helm.valueFiles) ? helm.valueFiles : []) {
        const written = asString(entry);
        if (!written) continue;
        const resolved = resolveValuesPath(written, path, refs);
        if (resolved !== undefined && context.tree.has(resolved)) valuesFiles.push(resolved);
        else
          context.diagnostics.push({
            code: "values-not-resolved",
            file,
            line,
            message: `${discoveredBy.how} ${name}: values file ${written} is not in this repository; rendered without it`,
          });
      }
      const inline = inlineValues(helm);
      environment.helm = {
        valuesFiles,
        ...(inline !== undefined ? { values: inline } : {}),
        releaseName: asName(helm.releaseName) ?? name,
        ...(destinationNamespace ? { namespace: destinationNamespace } : {}),
      };
      const set: Record<string, string> = {};
      for (const parameter of Array.isArray(helm.parameters) ? helm.parameters.map(asObject) : []) {
        const key = asName(parameter.name);
        const text = asString(parameter.value);
        if (key && text !== undefined) set[key] = text;
      }
      if (Object.keys(set).length > 0) environment.helm.set = set;
    } else {
      const directory = asObject(source.directory);
      let files = context.tree.manifestsIn(path, directory.recurse === true);
      const include = asString(directory.include);
      const exclude = asString(directory.exclude);
      if (include) files = files.filter(matcher(include, path));
      if (exclude) {
        const excluded = matcher(exclude, path);
        files = files.filter((f) => !excluded(f));
      }
      environment.plainFiles = files;
    }
    result.push(environment);
  });
  return result;
}

/** Argo CD's include/exclude: a glob, or `{a,b}` of globs, relative to the application's path. */
function braces(pattern: string): string[] {
  const inner = /^\{(.*)\}$/.exec(pattern.trim())?.[1];
  return inner === undefined ? [pattern] : inner.split(",").map((p) => p.trim());
}

function matcher(pattern: string, root: string): (file: string) => boolean {
  const match = picomatch(braces(pattern), { dot: true, basename: true });
  return (file) => match(root === "" ? file : file.slice(root.length + 1));
}

/** A values file path of an Argo CD source: relative to the chart, or `$ref/...` from a source with that `ref`. */
function resolveValuesPath(
  written: string,
  chartRoot: string,
  refs: ReadonlyMap<string, string | undefined>,
): string | undefined {
  const ref = /^\$([^/]+)\/(.*)$/.exec(written);
  if (ref) {
    const base = refs.get(ref[1] ?? "");
    return base === undefined ? undefined : joinRelative(base, ref[2] ?? "");
  }
  return joinRelative(chartRoot, written);
}

/** Argo CD inline values: `valuesObject` (an object), else `values` (a YAML string). */
function inlineValues(helm: PlainObject): unknown {
  if (isObject(helm.valuesObject)) return helm.valuesObject;
  const text = asString(helm.values);
  if (text === undefined || text.trim() === "") return undefined;
  const doc = parseYamlText(text, "(values)", identityMapper).documents[0];
  return isObject(doc?.value) ? doc.value : undefined;
}

/** The GitRepository a Flux object's sourceRef names, when the tree has it. */
function fluxSource(
  context: GitOpsContext,
  sourceRef: PlainObject,
  namespace: string,
): { kind: string; name: string; url?: string } {
  const kind = asName(sourceRef.kind) ?? "GitRepository";
  const name = asName(sourceRef.name) ?? "";
  const sourceNamespace = asName(sourceRef.namespace) ?? namespace;
  for (const parsed of context.tree.parsed) {
    for (const doc of parsed.documents) {
      if (
        !isObject(doc.value) ||
        apiGroup(doc.value) !== "source.toolkit.fluxcd.io" ||
        asString(doc.value.kind) !== kind
      )
        continue;
      const metadata = asObject(doc.value.metadata);
      if (asName(metadata.name) !== name || (asName(metadata.namespace) ?? "flux-system") !== sourceNamespace) continue;
      const url = asString(asObject(doc.value.spec).url);
      return { kind, name, ...(url ? { url } : {}) };
    }
  }
  return { kind, name };
}

function fluxKustomization(doc: LocatedDocument, file: string, context: GitOpsContext): Environment[] {
  const value = doc.value as PlainObject;
  const metadata = asObject(value.metadata);
  const name = asName(metadata.name) ?? "kustomization";
  const namespace = asName(metadata.namespace) ?? "flux-system";
  const spec = asObject(value.spec);
  const line = doc.locate(["metadata", "name"]).line;
  const how = "Flux Kustomization";
  const source = fluxSource(context, asObject(spec.sourceRef), namespace);
  const path = joinRelative("", asName(spec.path) ?? "") ?? "";
  if (source.kind !== "GitRepository" && source.kind !== "Bucket") {
    context.diagnostics.push({
      code: "not-this-repository",
      file,
      line,
      message: `${how} ${name}: source ${source.kind}/${source.name} is not a Git repository; not rendered`,
    });
    return [];
  }
  if (source.url !== undefined && isThisRepository(source.url, path, context) === false) {
    if (context.repositoryUrls.length > 0) {
      context.diagnostics.push({
        code: "not-this-repository",
        file,
        line,
        message: `${how} ${name}: GitRepository ${source.name} (${source.url}) is not this repository; not rendered`,
      });
      return [];
    }
  }
  if (!context.tree.isDirectory(path)) {
    context.diagnostics.push({
      code: "path-not-found",
      file,
      line,
      message: `${how} ${name}: path ${label(path)} is not in this repository; not rendered`,
    });
    return [];
  }
  const at = environmentAt(path, context);
  const discoveredBy = { how, file, line };
  const targetNamespace = asName(spec.targetNamespace);
  const options = {
    ...(targetNamespace ? { namespace: targetNamespace } : {}),
    ...(asName(spec.namePrefix) ? { namePrefix: asName(spec.namePrefix) } : {}),
    ...(asName(spec.nameSuffix) ? { nameSuffix: asName(spec.nameSuffix) } : {}),
  };
  if (at.kind === "kustomize") {
    return [
      {
        name,
        kind: "kustomize",
        root: path,
        ...(Object.keys(options).length > 0 ? { kustomize: options } : {}),
        plainFiles: [],
        discoveredBy,
      },
    ];
  }
  // Without a kustomization, Flux applies every manifest under the path (it generates one): a plain environment.
  return [
    {
      name,
      kind: "plain",
      root: path,
      ...(targetNamespace ? { defaultNamespace: targetNamespace } : {}),
      plainFiles: context.tree.manifestsIn(path, true),
      discoveredBy,
    },
  ];
}

function fluxHelmRelease(doc: LocatedDocument, file: string, context: GitOpsContext): Environment[] {
  const value = doc.value as PlainObject;
  const metadata = asObject(value.metadata);
  const name = asName(metadata.name) ?? "release";
  const namespace = asName(metadata.namespace) ?? "default";
  const spec = asObject(value.spec);
  const line = doc.locate(["metadata", "name"]).line;
  const how = "Flux HelmRelease";
  const problem = (code: DiscoveryCode, message: string) => {
    context.diagnostics.push({ code, file, line, message: `${how} ${name}: ${message}` });
    return [];
  };
  if (isObject(spec.chartRef))
    return problem(
      "remote-chart",
      `chartRef ${asName(spec.chartRef.kind) ?? ""}/${asName(spec.chartRef.name) ?? ""} is not a chart of this repository; not rendered`,
    );
  const chartSpec = asObject(asObject(spec.chart).spec);
  const source = fluxSource(context, asObject(chartSpec.sourceRef), namespace);
  const chartName = asName(chartSpec.chart) ?? "";
  if (source.kind === "HelmRepository")
    return problem("remote-chart", `chart ${chartName} comes from HelmRepository ${source.name}; not rendered`);
  const root = joinRelative("", chartName) ?? "";
  if (
    source.url !== undefined &&
    context.repositoryUrls.length > 0 &&
    isThisRepository(source.url, root, context) === false
  ) {
    return problem(
      "not-this-repository",
      `GitRepository ${source.name} (${source.url}) is not this repository; not rendered`,
    );
  }
  const chart = context.charts.find((c) => c.root === root);
  if (!chart)
    return problem("path-not-found", `chart path ${chartName} holds no Chart.yaml in this repository; not rendered`);
  const valuesFiles: string[] = [];
  for (const entry of Array.isArray(chartSpec.valuesFiles) ? chartSpec.valuesFiles : []) {
    const written = asString(entry);
    if (!written) continue;
    // Flux resolves valuesFiles from the source's root, not the chart's.
    const resolved = joinRelative("", written);
    if (resolved !== undefined && context.tree.has(resolved)) valuesFiles.push(resolved);
    else
      context.diagnostics.push({
        code: "values-not-resolved",
        file,
        line,
        message: `${how} ${name}: values file ${written} is not in this repository; rendered without it`,
      });
  }
  if (Array.isArray(spec.valuesFrom) && spec.valuesFrom.length > 0) {
    context.diagnostics.push({
      code: "values-not-resolved",
      file,
      line: doc.locate(["spec", "valuesFrom"]).line,
      message: `${how} ${name}: valuesFrom (ConfigMaps and Secrets in the cluster) cannot be read from the repository; rendered without them`,
    });
  }
  const targetNamespace = asName(spec.targetNamespace);
  return [
    {
      name,
      kind: "helm",
      root,
      helm: {
        valuesFiles,
        ...(isObject(spec.values) ? { values: spec.values } : {}),
        releaseName: asName(spec.releaseName) ?? (targetNamespace ? `${targetNamespace}-${name}` : name),
        namespace: targetNamespace ?? namespace,
      },
      plainFiles: [],
      discoveredBy: { how, file, line },
    },
  ];
}
