import type { ReadContext } from "./table.js";
import { objectBase } from "../base.js";
import type { Installation } from "../installation.js";
import type { TopLevelObject } from "./core.js";
import { documentLocation, type Kustomization, type SecretProvider } from "../resources.js";
import { asName, asObject, asString } from "../values.js";

export function readProvider(object: TopLevelObject): SecretProvider | undefined {
  const { file, doc, value, apiVersion, kind, namespace } = object;
  const group = apiVersion.split("/")[0] ?? "";
  const metadata = asObject(value.metadata);
  const spec = asObject(value.spec);
  const name = asName(metadata.name) ?? "";
  const base = (
    providerKind: SecretProvider["kind"],
    secretName: string | undefined,
    path: string[],
    keys: string[],
    type?: string,
  ) => {
    if (!secretName) return undefined;
    const resource = objectBase(metadata, {
      kind,
      apiVersion,
      name,
      namespace,
      file,
      order: 0,
      spec,
      specPath: ["spec"],
      doc,
    });
    return {
      kind: providerKind,
      secretName,
      namespace,
      resource,
      location: documentLocation(resource, path),
      keys,
      type,
    } satisfies SecretProvider;
  };
  if (group === "cert-manager.io" && kind === "Certificate") {
    return base(
      "cert-manager",
      asName(spec.secretName),
      ["spec", "secretName"],
      ["tls.crt", "tls.key", "ca.crt"],
      "kubernetes.io/tls",
    );
  }
  if (group === "bitnami.com" && kind === "SealedSecret") {
    const template = asObject(asObject(spec.template).metadata);
    const encrypted = Object.keys(asObject(spec.encryptedData));
    const type = asString(asObject(spec.template).type);
    return base("sealed-secret", asName(template.name) ?? name, ["metadata", "name"], encrypted, type);
  }
  if (group === "external-secrets.io" && kind === "ExternalSecret") {
    const target = asObject(spec.target);
    const keys = Array.isArray(spec.data)
      ? spec.data.map((d) => asString(asObject(d).secretKey)).filter((k): k is string => !!k)
      : [];
    const type = asString(asObject(asObject(target.template)).type);
    return base(
      "external-secret",
      asName(target.name) ?? name,
      target.name ? ["spec", "target", "name"] : ["metadata", "name"],
      keys,
      type,
    );
  }
  return undefined;
}

export function kustomizeGeneratedSecrets(
  kustomizations: readonly Kustomization[],
  defaultNamespace: string,
): SecretProvider[] {
  const result: SecretProvider[] = [];
  for (const k of kustomizations) {
    const generators = asObject(k.doc.value).secretGenerator;
    if (!Array.isArray(generators)) continue;
    generators.forEach((generator, index) => {
      const g = asObject(generator);
      const name = asName(g.name);
      if (!name) return;
      const keys: string[] = [];
      for (const entry of [
        ...(Array.isArray(g.files) ? g.files : []),
        ...(Array.isArray(g.literals) ? g.literals : []),
      ]) {
        const text = asString(entry) ?? "";
        const key = text.includes("=") ? text.slice(0, text.indexOf("=")) : text.slice(text.lastIndexOf("/") + 1);
        if (key) keys.push(key);
      }
      result.push({
        kind: "kustomize-secret-generator",
        secretName: name,
        namespace: k.namespace ?? asName(g.namespace) ?? defaultNamespace,
        resource: null,
        location: { file: k.file, ...k.doc.locate(["secretGenerator", index, "name"]) },
        keys,
        type: asString(g.type),
      });
    });
  }
  return result;
}

/** Secrets that exist without a manifest: the caller's external list, and those the mesh integrations write. */
export function externalProviders(externalSecrets: readonly string[], installation: Installation): SecretProvider[] {
  const result: SecretProvider[] = [];
  const external = (kind: SecretProvider["kind"], namespace: string, secretName: string, keys: string[]) =>
    result.push({ kind, secretName, namespace, resource: null, location: null, keys, type: undefined });
  for (const entry of externalSecrets) {
    const slash = entry.indexOf("/");
    if (slash <= 0) continue;
    external("policy", entry.slice(0, slash), entry.slice(slash + 1), ["tls.crt", "tls.key"]);
  }
  // Emissary writes istio-certs into its own namespace (AMBASSADOR_NAMESPACE); the Consul connector into its own.
  if (installation.istio.value) {
    external("istio", installation.namespace.value, "istio-certs", ["tls.crt", "tls.key"]);
  }
  if (installation.consul.value) {
    external("consul", installation.consulSecretNamespace, "ambassador-consul-connect", ["tls.crt", "tls.key"]);
  }
  return result;
}

/** cert-manager Certificates, SealedSecrets, ExternalSecrets: the Secret each makes exist. */
export function readProviderObject(context: ReadContext): void {
  const { file, doc, value, apiVersion, kind, namespace } = context;
  const provider = readProvider({ file, doc, value, apiVersion, kind, namespace });
  if (provider) context.sink.providers.push(provider);
}

/**
 * cert-manager Issuers and ClusterIssuers: whose CA signs what a Certificate produces (issue 20). Read whole: the handshake
 * simulation looks at `spec.ca.secretName` and which other issuer type the spec names.
 */
export function readIssuerObject(context: ReadContext): void {
  const { file, doc, value, apiVersion, kind, namespace, name } = context;
  if (!name) return;
  const metadata = asObject(value.metadata);
  context.sink.issuers.push(
    objectBase(metadata, {
      kind,
      apiVersion,
      name,
      // A ClusterIssuer has no namespace: its Secrets live in cert-manager's cluster resource namespace.
      namespace: kind === "ClusterIssuer" ? "" : namespace,
      file,
      order: context.nextOrder(),
      spec: asObject(value.spec),
      specPath: ["spec"],
      doc,
    }),
  );
}
