/** The GitOps trees and PKI of test/fixtures/handshake (made by scripts/make-handshake-fixtures.mjs), and edits of them. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const HANDSHAKE_DIR = fileURLToPath(new URL("../../../test/fixtures/handshake/", import.meta.url));

/** A fixture tree as path -> text (paths relative to the tree, as an analysis of that directory names them). */
export function handshakeTree(
  name:
    | "base"
    | "rotated-server"
    | "rotated-client-ca"
    | "shared-ca"
    | "cert-manager"
    | "cert-manager-rotated"
    | "cert-manager-acme",
): Record<string, string> {
  const dir = join(HANDSHAKE_DIR, name);
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((path) => path.endsWith(".yaml")).sort();
  return Object.fromEntries(files.map((path) => [path.split("\\").join("/"), readFileSync(join(dir, path), "utf8")]));
}

/** The PEM of a certificate of the fixture PKI (e.g. "payments-server"). */
export function pki(name: string): string {
  return readFileSync(join(HANDSHAKE_DIR, "pki", `${name}.crt`), "utf8");
}

/** Replaces `key` of the Secret `secret` in `yaml` with the base64 of the given PKI certificates, concatenated (same line). */
export function withSecretKey(yaml: string, secret: string, key: string, certificates: readonly string[]): string {
  const start = yaml.indexOf(`  name: ${secret}\n`);
  if (start < 0) throw new Error(`no Secret ${secret}`);
  const keyAt = yaml.indexOf(`  ${key}: `, start);
  const end = yaml.indexOf("\n", keyAt);
  const value = Buffer.from(certificates.map(pki).join("")).toString("base64");
  return `${yaml.slice(0, keyAt)}  ${key}: ${value}${yaml.slice(end)}`;
}

/** The base tree with the given files' texts transformed. */
export function editedBase(
  edits: Record<string, (text: string) => string>,
  from: Parameters<typeof handshakeTree>[0] = "base",
): Record<string, string> {
  const tree = handshakeTree(from);
  for (const [path, edit] of Object.entries(edits)) tree[path] = edit(tree[path] ?? "");
  return tree;
}

export const EDGE = "edge/payments.yaml";
export const PAYMENTS = "payments/payments.yaml";
/** Lines of the base tree's edge/payments.yaml and payments/payments.yaml the findings and messages name. */
export const LINES = { secret: 27, caSecret: 28, serverCrt: 62, clientCaCrt: 72 } as const;

/** Files and lines of the cert-manager trees: the Certificates stand where the Secrets they write would be. */
export const CM = {
  issuer: "payments/issuer.yaml",
  clientCa: "payments/client-ca.yaml",
  clientIssuer: "cert-manager/client-issuer.yaml",
  lines: { secret: 34, caSecret: 35, serverCertificate: 61, clientCertificate: 8, issuerCaCrt: 18, clientCaCrt: 9 },
} as const;

/**
 * The base tree's payments/payments.yaml with the client CA mounted from a ConfigMap (a projected `configMap` source)
 * holding the given PKI certificates under `ca.crt`; with no certificates, the ConfigMap is not in the files (as when a
 * trust-manager Bundle writes it in the cluster).
 */
export function withClientCaConfigMap(yaml: string, certificates: readonly string[]): string {
  const projected = yaml.replace(
    "              - secret:\n                  name: payments-client-ca\n",
    "              - configMap:\n                  name: payments-client-ca\n",
  );
  const start = projected.indexOf("apiVersion: v1\nkind: Secret\nmetadata:\n  name: payments-client-ca\n");
  if (start < 0) throw new Error("no Secret payments-client-ca");
  const bundle = certificates
    .map(pki)
    .join("")
    .replace(/\r/g, "")
    .trimEnd()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
  const configMap =
    certificates.length === 0
      ? ""
      : `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: payments-client-ca\n  namespace: payments\ndata:\n  ca.crt: |\n${bundle}\n`;
  return `${projected.slice(0, start)}${configMap}`;
}

/** Line of `ca.crt:` in the ConfigMap `withClientCaConfigMap` writes (it replaces the Secret at the end of the file). */
export const CONFIGMAP_CA_LINE = 71;
