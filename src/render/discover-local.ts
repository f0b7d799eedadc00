/**
 * Path helpers the render layer shares (kustomization file names, directory arithmetic that never climbs out of the
 * repository, a kustomization's local references). Environment discovery itself is the core's (core/environments).
 */
import { parse } from "yaml";

export type { Environment } from "../core/environments/discover.js";

// The same file names and directory arithmetic as the core's discovery, so render and discovery agree on them.
export { directoryOf, isKustomizationPath } from "../core/environments/kustomization.js";

/** `base/../x` relative to the repository root, or undefined when it climbs out of it. */
export function joinRelative(dir: string, reference: string): string | undefined {
  const parts = dir === "" ? [] : dir.split("/");
  for (const part of reference.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}

/** The local references of a kustomization (resources, bases, components), as written. */
export function kustomizationReferences(text: string): string[] {
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    return [];
  }
  if (typeof value !== "object" || value === null) return [];
  const record = value as Record<string, unknown>;
  return ["resources", "bases", "components"].flatMap((key) =>
    Array.isArray(record[key]) ? record[key].filter((v): v is string => typeof v === "string") : [],
  );
}
