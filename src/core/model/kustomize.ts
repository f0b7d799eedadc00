import type { LocatedDocument } from "../source/yaml-document.js";
import type { Kustomization } from "./resources.js";
import { asName, asObject, asStringList, isObject } from "./values.js";

const KUSTOMIZATION_FILE = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

export function isKustomizationFile(path: string): boolean {
  return KUSTOMIZATION_FILE.test(path);
}

export function dirname(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/** Joins a kustomization-relative reference onto its directory, resolving `.` and `..`. */
export function joinPath(dir: string, reference: string): string {
  const parts = dir ? dir.split("/") : [];
  for (const segment of reference.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") parts.pop();
    else parts.push(segment);
  }
  return parts.join("/");
}

export function readKustomization(file: string, doc: LocatedDocument): Kustomization | undefined {
  if (!isObject(doc.value)) return undefined;
  const value = asObject(doc.value);
  const resources = [...(asStringList(value.resources) ?? []), ...(asStringList(value.bases) ?? [])];
  return { file, dir: dirname(file), namespace: asName(value.namespace), resources, doc };
}

/**
 * The namespace kustomize gives each file: the `namespace:` of the kustomization that lists it, else of the nearest
 * kustomization that includes that one. Files no kustomization lists keep their own namespace.
 */
export function kustomizeNamespaces(kustomizations: readonly Kustomization[], knownFiles: ReadonlySet<string>): Map<string, string> {
  const byDir = new Map<string, Kustomization>();
  for (const k of kustomizations) byDir.set(k.dir, k);

  // Which kustomization includes which directory's kustomization (for inheriting an outer namespace).
  const parentOf = new Map<string, Kustomization>();
  for (const k of kustomizations) {
    for (const reference of k.resources) {
      const target = joinPath(k.dir, reference);
      const child = byDir.get(target);
      if (child && child !== k && !parentOf.has(child.dir)) parentOf.set(child.dir, k);
    }
  }
  const effectiveNamespace = (k: Kustomization): string | undefined => {
    const seen = new Set<string>();
    let current: Kustomization | undefined = k;
    while (current && !seen.has(current.dir)) {
      if (current.namespace) return current.namespace;
      seen.add(current.dir);
      current = parentOf.get(current.dir);
    }
    return undefined;
  };

  const result = new Map<string, string>();
  for (const k of kustomizations) {
    const namespace = effectiveNamespace(k);
    if (!namespace) continue;
    for (const reference of k.resources) {
      const target = joinPath(k.dir, reference);
      if (knownFiles.has(target) && !result.has(target)) result.set(target, namespace);
    }
  }
  return result;
}
