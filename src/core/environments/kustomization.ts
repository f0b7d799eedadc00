/**
 * What a kustomization says, read from its YAML without running kustomize: what it includes (resources, bases,
 * components), the files it reads (patches, generators, configurations), how it renames (namePrefix, nameSuffix,
 * namespace) and the Secrets it generates. Discovery and the kustomize trap rules read it; the model's own reader
 * (model/kustomize.ts, namespace only) is left to the model.
 */
import type { LocatedDocument, YamlPath } from "../source/yaml-document.js";
import { asBoolean, asName, asObject, asString, isObject } from "../model/values.js";

const KUSTOMIZATION_FILE = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

export function isKustomizationPath(path: string): boolean {
  return KUSTOMIZATION_FILE.test(path);
}

/** A reference kustomize would fetch: a URL, `git@…`, `github.com/…`. Never resolved here (the renderer refuses them). */
export function isRemoteReference(reference: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(reference) ||
    /^git@/.test(reference) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(reference)
  );
}

export function directoryOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/** Joins a reference onto a directory, resolving `.` and `..`; undefined when it leaves the repository. */
export function joinRelative(dir: string, reference: string): string | undefined {
  if (reference.startsWith("/")) return undefined;
  const parts = dir ? dir.split("/") : [];
  for (const segment of reference.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(segment);
  }
  return parts.join("/");
}

export interface SecretGeneratorEntry {
  name: string;
  /** The namespace written on the generator, if any (a kustomization's `namespace:` overrides it). */
  namespace: string | undefined;
  /** Its index in `secretGenerator`, for locating it. */
  index: number;
  /** `options.disableNameSuffixHash: true` on the generator itself. */
  disableNameSuffixHash: boolean;
}

export interface KustomizationFile {
  file: string;
  dir: string;
  /** `kind: Component` kustomizations are only ever included (`components:`), never built alone. */
  component: boolean;
  namespace: string | undefined;
  namePrefix: string | undefined;
  nameSuffix: string | undefined;
  /** `resources` and the deprecated `bases`, as written. */
  resources: string[];
  components: string[];
  /** Files it reads besides resources: patches, generator sources, configurations, crds, replacements, openapi. */
  fileReferences: string[];
  secretGenerators: SecretGeneratorEntry[];
  /** `generatorOptions.disableNameSuffixHash: true`: no generated name of this kustomization gets a hash. */
  disableNameSuffixHash: boolean;
  /** `configurations:` files (transformer configs that may teach kustomize new name references). */
  configurations: string[];
  /** `crds:` files (OpenAPI schemas that may declare name references). */
  crds: string[];
  doc: LocatedDocument;
}

function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) => asString(item)).filter((item): item is string => item !== undefined && item.trim() !== "");
}

/** A generator source `key=path` or `path`: the path. */
function generatorSourcePath(entry: string): string {
  const equals = entry.indexOf("=");
  return equals < 0 ? entry : entry.slice(equals + 1);
}

/** Reads one kustomization document; undefined when it is not a mapping. */
export function readKustomizationFile(file: string, doc: LocatedDocument): KustomizationFile | undefined {
  if (!isObject(doc.value)) return undefined;
  const value = doc.value;
  const fileReferences: string[] = [];
  const add = (reference: string | undefined) => {
    // An inline patch spans lines; only single-line entries name a file.
    if (reference && !reference.includes("\n")) fileReferences.push(reference.trim());
  };
  for (const patch of Array.isArray(value.patches) ? value.patches : []) add(asString(asObject(patch).path));
  for (const patch of Array.isArray(value.patchesStrategicMerge) ? value.patchesStrategicMerge : [])
    add(asString(patch));
  for (const patch of Array.isArray(value.patchesJson6902) ? value.patchesJson6902 : [])
    add(asString(asObject(patch).path));
  for (const replacement of Array.isArray(value.replacements) ? value.replacements : [])
    add(asString(asObject(replacement).path));
  for (const key of ["configMapGenerator", "secretGenerator"]) {
    const generators = value[key];
    for (const generator of Array.isArray(generators) ? generators : []) {
      const g = asObject(generator);
      for (const entry of strings(g.files)) add(generatorSourcePath(entry));
      for (const entry of strings(g.envs)) add(entry);
      add(asString(g.env));
    }
  }
  for (const key of ["configurations", "crds", "generators", "transformers", "validators"])
    for (const entry of strings(value[key])) add(entry);
  add(asString(asObject(value.openapi).path));

  const secretGenerators: SecretGeneratorEntry[] = [];
  const generators = value.secretGenerator;
  (Array.isArray(generators) ? generators : []).forEach((generator, index) => {
    const g = asObject(generator);
    const name = asName(g.name);
    if (!name) return;
    secretGenerators.push({
      name,
      namespace: asName(g.namespace),
      index,
      disableNameSuffixHash: asBoolean(asObject(g.options).disableNameSuffixHash) === true,
    });
  });
  return {
    file,
    dir: directoryOf(file),
    component: asString(value.kind) === "Component",
    namespace: asName(value.namespace),
    namePrefix: asName(value.namePrefix),
    nameSuffix: asName(value.nameSuffix),
    resources: [...strings(value.resources), ...strings(value.bases)],
    components: strings(value.components),
    fileReferences,
    secretGenerators,
    disableNameSuffixHash: asBoolean(asObject(value.generatorOptions).disableNameSuffixHash) === true,
    configurations: strings(value.configurations),
    crds: strings(value.crds),
    doc,
  };
}

/** The line of a field of a kustomization (its first line when the field is absent). */
export function kustomizationLine(k: KustomizationFile, path: YamlPath): number {
  return k.doc.locate(path).line;
}

/**
 * The kustomizations of a tree and how they include each other: which directory's kustomization each reference of
 * `resources`/`bases`/`components` reaches, and which plain files a build takes in.
 */
export class KustomizationGraph {
  readonly byDir = new Map<string, KustomizationFile>();
  /** Directories whose kustomization another kustomization includes. */
  readonly included = new Set<string>();
  /** For each directory, the kustomization that first includes it (for inherited namespaces). */
  private readonly parent = new Map<string, KustomizationFile>();
  private readonly builds = new Map<string, { files: Set<string>; kustomizations: KustomizationFile[] }>();

  constructor(readonly kustomizations: readonly KustomizationFile[]) {
    for (const k of kustomizations) if (!this.byDir.has(k.dir)) this.byDir.set(k.dir, k);
    for (const k of kustomizations) {
      for (const reference of [...k.resources, ...k.components]) {
        const child = this.childOf(k, reference);
        if (!child) continue;
        this.included.add(child.dir);
        if (!this.parent.has(child.dir)) this.parent.set(child.dir, k);
      }
    }
  }

  /** The kustomization a reference of `k` includes, when it names a directory holding one. */
  childOf(k: KustomizationFile, reference: string): KustomizationFile | undefined {
    if (isRemoteReference(reference)) return undefined;
    const target = joinRelative(k.dir, reference);
    if (target === undefined) return undefined;
    const child = this.byDir.get(target);
    return child && child !== k ? child : undefined;
  }

  /** Kustomizations no other includes, components aside: each is built on its own. */
  leaves(): KustomizationFile[] {
    return this.kustomizations.filter((k) => !k.component && !this.included.has(k.dir) && this.byDir.get(k.dir) === k);
  }

  /**
   * What building `k` takes in: the plain resource files of it and of every kustomization it includes (transitively),
   * and those kustomizations (itself first). Cycles are cut.
   */
  build(k: KustomizationFile): { files: ReadonlySet<string>; kustomizations: readonly KustomizationFile[] } {
    const known = this.builds.get(k.dir);
    if (known) return known;
    const files = new Set<string>();
    const kustomizations: KustomizationFile[] = [];
    const seen = new Set<string>();
    const visit = (current: KustomizationFile) => {
      if (seen.has(current.dir)) return;
      seen.add(current.dir);
      kustomizations.push(current);
      for (const reference of [...current.resources, ...current.components]) {
        const child = this.childOf(current, reference);
        if (child) visit(child);
        else if (!isRemoteReference(reference)) {
          const target = joinRelative(current.dir, reference);
          if (target !== undefined) files.add(target);
        }
      }
    };
    visit(k);
    const result = { files, kustomizations };
    this.builds.set(k.dir, result);
    return result;
  }

  /** Every file a kustomization owns: itself, its resource files, patches and generator sources. */
  ownedFiles(k: KustomizationFile): string[] {
    const owned = [k.file];
    for (const reference of [...k.resources, ...k.components, ...k.fileReferences]) {
      if (isRemoteReference(reference) || this.childOf(k, reference)) continue;
      const target = joinRelative(k.dir, reference);
      if (target !== undefined) owned.push(target);
    }
    return owned;
  }

  /** The namespace kustomize gives what `k` builds: its own `namespace:`, else the nearest including one's. */
  effectiveNamespace(k: KustomizationFile): string | undefined {
    const seen = new Set<string>();
    let current: KustomizationFile | undefined = k;
    while (current && !seen.has(current.dir)) {
      if (current.namespace) return current.namespace;
      seen.add(current.dir);
      current = this.parent.get(current.dir);
    }
    return undefined;
  }
}

const graphs = new WeakMap<object, KustomizationGraph>();

/**
 * The graph of the kustomizations an analysis read (each a file and its first document), computed once per list: the
 * kustomize trap rules read it from the model.
 */
export function kustomizationGraphOf(
  kustomizations: readonly { file: string; doc: LocatedDocument }[],
): KustomizationGraph {
  const known = graphs.get(kustomizations);
  if (known) return known;
  const graph = new KustomizationGraph(kustomizations.flatMap((k) => readKustomizationFile(k.file, k.doc) ?? []));
  graphs.set(kustomizations, graph);
  return graph;
}
