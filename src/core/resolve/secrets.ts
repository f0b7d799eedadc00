import type { Model } from "../model/build.js";
import { secretKey, type SecretProvider, type SecretResource } from "../model/resources.js";

/** Secret types Emissary reads; any other type is ignored, so the Secret looks missing. */
export const ACCEPTED_SECRET_TYPES: readonly string[] = ["kubernetes.io/tls", "Opaque", "istio.io/key-and-cert"];

export const CERT_KEYS = ["tls.crt", "cert-chain.pem"] as const;
export const KEY_KEYS = ["tls.key", "key.pem"] as const;
export const CA_KEYS = ["tls.crt", "root-cert.pem"] as const;
export const CRL_KEYS = ["crl.pem"] as const;

/** What a Secret is used for decides which keys it must carry. */
export type SecretRole = "client" | "ca" | "crl" | "server";

export type SecretStatus =
  | "found"
  | "provided"
  | "missing"
  | "unsupported-type"
  | "no-certificate"
  | "no-private-key"
  | "ca-in-ca-crt"
  | "no-crl";

export interface SecretLookup {
  /** The reference exactly as written. */
  written: string;
  name: string;
  namespace: string;
  /** True when a dotted reference was split into name and namespace. */
  split: boolean;
  role: SecretRole;
  status: SecretStatus;
  secret?: SecretResource;
  provider?: SecretProvider;
  /**
   * For a missing Secret, the namespaces where a Secret of this name does exist, for "did you mean" messages; empty for
   * any other status (a name every team uses exists in hundreds of namespaces, and every resolved reference kept a
   * sorted copy of them: 24 MiB at 50,000 resources).
   */
  elsewhere: readonly string[];
  /** How many more namespaces hold a Secret of this name than `elsewhere` lists (see ELSEWHERE_LISTED). */
  elsewhereMore?: number;
  /** When the split name is missing, whether the whole dotted name exists as a Secret in the default namespace. */
  unsplitExists?: boolean;
}

export function isResolved(lookup: SecretLookup | undefined): boolean {
  return lookup !== undefined && (lookup.status === "found" || lookup.status === "provided");
}

/**
 * A TLSContext's secret reference: the namespace defaults to the context's, and with namespacing on, a dotted name is
 * split at its last dot into `name.namespace`.
 */
export function parseSecretReference(written: string, defaultNamespace: string, namespacing: boolean) {
  const dot = written.lastIndexOf(".");
  if (namespacing && dot > 0 && dot < written.length - 1) {
    return { name: written.slice(0, dot), namespace: written.slice(dot + 1), split: true };
  }
  return { name: written, namespace: defaultNamespace, split: false };
}

const NOWHERE_ELSE: readonly string[] = Object.freeze([]);

/**
 * The most namespaces a missing Secret's lookup lists. A repository can hold a Secret of one name in thousands of
 * namespaces and name it, missing, from thousands of contexts: listing every namespace for every such reference grew
 * with the product of the two (a hostile tree's memory and time), and no message is helped past the first few.
 */
export const ELSEWHERE_LISTED = 10;

/** The namespaces of a missing Secret's lookup as a message says them: `a, b` or `a, …, j and 5 more`. */
export function elsewhereText(lookup: SecretLookup): string {
  const more = lookup.elsewhereMore ?? 0;
  return lookup.elsewhere.join(", ") + (more > 0 ? ` and ${more} more` : "");
}

export class SecretIndex {
  /** The namespaces holding a Secret (in Git or from a provider) of each name, sorted. */
  private readonly byName = new Map<string, string[]>();

  constructor(private readonly model: Model) {
    const names = [...model.secrets.values()].map((s) => [s.name, s.namespace] as const);
    for (const providers of model.providers.values()) for (const p of providers) names.push([p.secretName, p.namespace]);
    // Sets, not arrays searched before each push: one name in thousands of namespaces made that quadratic.
    const sets = new Map<string, Set<string>>();
    for (const [name, namespace] of names) {
      const set = sets.get(name) ?? new Set<string>();
      set.add(namespace);
      sets.set(name, set);
    }
    for (const [name, set] of sets) this.byName.set(name, [...set].sort());
  }

  lookup(written: string, name: string, namespace: string, split: boolean, role: SecretRole): SecretLookup {
    const key = secretKey(namespace, name);
    const base = { written, name, namespace, split, role, elsewhere: NOWHERE_ELSE };
    const secret = this.model.secrets.get(key);
    const provider = this.model.providers.get(key)?.[0];
    if (secret && !secret.encrypted) {
      return { ...base, secret, status: statusOfSecret(secret, role) };
    }
    if (provider || secret) {
      return { ...base, ...(secret ? { secret } : {}), ...(provider ? { provider } : {}), status: "provided" };
    }
    const holding = this.byName.get(name) ?? [];
    const elsewhere: string[] = [];
    let others = 0;
    for (const ns of holding) {
      if (ns === namespace) continue;
      others++;
      if (elsewhere.length < ELSEWHERE_LISTED) elsewhere.push(ns);
    }
    const lookup: SecretLookup = { ...base, elsewhere, status: "missing" };
    if (others > elsewhere.length) lookup.elsewhereMore = others - elsewhere.length;
    if (split) lookup.unsplitExists = (this.byName.get(written) ?? []).length > 0;
    return lookup;
  }
}

function has(secret: SecretResource, keys: readonly string[]): boolean {
  return keys.some((key) => secret.values.has(key));
}

function statusOfSecret(secret: SecretResource, role: SecretRole): SecretStatus {
  if (!ACCEPTED_SECRET_TYPES.includes(secret.type)) return "unsupported-type";
  switch (role) {
    case "client":
    case "server":
      if (!has(secret, CERT_KEYS)) return "no-certificate";
      if (!has(secret, KEY_KEYS)) return "no-private-key";
      return "found";
    case "ca":
      if (has(secret, CA_KEYS)) return "found";
      return secret.values.has("ca.crt") ? "ca-in-ca-crt" : "no-certificate";
    case "crl":
      return has(secret, CRL_KEYS) ? "found" : "no-crl";
  }
}
