/**
 * ConfigMaps on demand (issue 20). The loader sets ConfigMaps aside without converting them (`modelReads`): they are a
 * large share of most repositories and almost all are unrelated configuration. The handshake simulation needs one only
 * when a workload's container names a CA file inside a ConfigMap volume, so the index parses, on the first lookup of a
 * name, only the files whose text mentions both `ConfigMap` and that name, and keeps the answer.
 */
import { parseManifestFile } from "../source/load.js";
import { isKustomizationFile } from "./kustomize.js";
import { readConfigMap } from "./readers/core.js";
import { secretKey, type ConfigMapResource } from "./resources.js";
import { asName, asObject, asString, isObject } from "./values.js";

/** ConfigMaps by `namespace/name`: the definition `kubectl apply -R` keeps (the last one in apply order). */
export interface ConfigMapIndex {
  get(key: string): ConfigMapResource | undefined;
}

/** `files` in apply order; `namespaces` the kustomization namespace of each file that has one. */
export function configMapIndex(
  files: readonly { path: string; text: string }[],
  namespaces: ReadonlyMap<string, string>,
  defaultNamespace: string,
): ConfigMapIndex {
  const cache = new Map<string, ConfigMapResource | undefined>();
  // Each file is parsed once however many names are looked up in it: a file that mentions many of them (or a pull
  // request's workloads naming hundreds of ConfigMaps) must not cost a parse per name.
  const parsed = new Map<string, ReturnType<typeof parseManifestFile>["documents"]>();
  const documentsOf = (file: { path: string; text: string }) => {
    let documents = parsed.get(file.path);
    if (!documents) {
      documents = parseManifestFile(file).documents;
      parsed.set(file.path, documents);
    }
    return documents;
  };
  return {
    get(key: string): ConfigMapResource | undefined {
      if (cache.has(key)) return cache.get(key);
      const slash = key.indexOf("/");
      const name = key.slice(slash + 1);
      let found: ConfigMapResource | undefined;
      let order = 0;
      for (const file of files) {
        if (isKustomizationFile(file.path) || !file.text.includes("ConfigMap") || !file.text.includes(name)) continue;
        for (const doc of documentsOf(file)) {
          const value = doc.value;
          if (!isObject(value) || asString(value.kind) !== "ConfigMap") continue;
          const apiVersion = asString(value.apiVersion) ?? "";
          if (apiVersion !== "v1") continue;
          const metadata = asObject(value.metadata);
          const namespace = namespaces.get(file.path) ?? asName(metadata.namespace) ?? defaultNamespace;
          const ownName = asName(metadata.name);
          if (ownName !== name || secretKey(namespace, ownName) !== key) continue;
          const configMap = readConfigMap({
            file: file.path,
            doc,
            value,
            apiVersion,
            kind: "ConfigMap",
            namespace,
            name: ownName,
            order: order++,
          });
          if (configMap) found = configMap;
        }
      }
      cache.set(key, found);
      return found;
    },
  };
}
