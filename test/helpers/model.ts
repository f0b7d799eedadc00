import { buildModel, type Model, type ModelOptions } from "../../src/core/model/build.js";
import { parseManifestFile } from "../../src/core/source/load.js";
import type { LocatedDocument } from "../../src/core/source/yaml-document.js";

/** The model of a tree (path -> YAML text), built the way analysis builds it: parsed files, then buildModel. */
export function modelOf(files: Record<string, string>, options: Partial<ModelOptions> = {}): Model {
  const inputs = Object.entries(files).map(([path, text]) => ({
    path,
    text,
    documents: parseManifestFile({ path, text }).documents,
  }));
  return buildModel(inputs, { defaultNamespace: "default", externalSecrets: [], emissary: {}, ...options });
}

/** The parsed documents of one YAML text (for calling a module's functions on real documents). */
export function documentsOf(text: string, path = "x.yaml"): LocatedDocument[] {
  return parseManifestFile({ path, text }).documents;
}
