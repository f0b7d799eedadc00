/** Builds Secret, TLSContext, Mapping and Host YAML around the real certificates of test/fixtures/certs. */
import { readFileSync } from "node:fs";

/** The PEM text of a fixture file (e.g. "ec-p256.crt"). */
export function fixture(name: string): string {
  return readFileSync(new URL(`../../../test/fixtures/certs/${name}`, import.meta.url), "utf8");
}

/** The base64 of the concatenated fixture files, as written under a Secret's `data:`. */
export function b64(...names: string[]): string {
  return Buffer.from(names.map(fixture).join("")).toString("base64");
}

/**
 * A Secret: line 1 apiVersion, 4 name, 6 type, 7 `data:`, then one line per entry in order (line 8, 9, ...).
 * Values are written as given (use b64() for fixtures).
 */
export function secretYaml(name: string, data: Record<string, string>, namespace = "default", type = "kubernetes.io/tls"): string {
  const lines = Object.entries(data).map(([key, value]) => `  ${key}: ${value}`);
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ntype: ${type}\ndata:\n${lines.join("\n")}\n`;
}

/** A client Secret `name` from a certificate (or chain) and key fixture: tls.crt on line 8, tls.key on line 9. */
export function clientSecret(name: string, crt: string | string[], key: string): string {
  return secretYaml(name, { "tls.crt": b64(...(Array.isArray(crt) ? crt : [crt])), "tls.key": b64(key) });
}

/** A CA Secret `name` (tls.crt on line 8). */
export function caSecret(name: string, ...crts: string[]): string {
  return secretYaml(name, { "tls.crt": b64(...crts) }, "default", "Opaque");
}

/** A TLSContext `upstream` with the given fields, and a Mapping that originates TLS with it. */
export function originating(fields: Record<string, string>, contextName = "upstream"): string {
  const spec = Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join(", ");
  return `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: ${contextName}, namespace: default}
spec: {${spec}}
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: m-${contextName}, namespace: default}
spec: {prefix: /${contextName}/, service: "https://backend", tls: ${contextName}}
`;
}

/** A TLSContext that no Mapping uses (its Secrets are still referenced). */
export function unusedContext(fields: Record<string, string>, contextName = "idle"): string {
  const spec = Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join(", ");
  return `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: ${contextName}, namespace: default}
spec: {${spec}}
`;
}

/** A Host serving `hostname` with tlsSecret `secret`. */
export function host(name: string, hostname: string, secret: string): string {
  return `apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: ${name}, namespace: default}
spec: {hostname: ${JSON.stringify(hostname)}, tlsSecret: {name: ${secret}}}
`;
}

/** Several YAML documents in one file. */
export function docs(...documents: string[]): string {
  return documents.join("---\n");
}
