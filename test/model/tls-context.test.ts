import assert from "node:assert/strict";
import { test } from "node:test";
import { modelOf } from "../helpers/model.js";

const context = (apiVersion: string) => `apiVersion: ${apiVersion}
kind: TLSContext
metadata: {name: upstream, namespace: edge}
spec:
  secret: client-cert
  ca_secret: " upstream-ca "
  crl_secret: upstream-crl
  sni: api.internal
  min_tls_version: v1.2
  cipher_suites: [ECDHE-RSA-AES128-GCM-SHA256]
  secret_namespacing: "false"
  hosts: api.internal
  cert_chain_file: ""
`;

test("tls-context: a v3alpha1 TLSContext is typed with its context definition, names trimmed, empty ones absent", () => {
  const [resource] = modelOf({ "ctx.yaml": context("getambassador.io/v3alpha1") }).tlsContexts;
  const d = resource!.definition;
  assert.deepEqual(
    [d.name, d.namespace, d.origin, d.resource, d.fieldsPath],
    ["upstream", "edge", "TLSContext", resource, ["spec"]],
  );
  assert.deepEqual(
    [
      d.secret,
      d.caSecret,
      d.crlSecret,
      d.sni,
      d.minTlsVersion,
      d.cipherSuites,
      d.secretNamespacing,
      d.hosts,
      d.certChainFile,
    ],
    [
      "client-cert",
      "upstream-ca",
      "upstream-crl",
      "api.internal",
      "v1.2",
      ["ECDHE-RSA-AES128-GCM-SHA256"],
      false,
      ["api.internal"],
      undefined,
    ],
  );
});

test("tls-context: crl_secret exists only in v3alpha1; a v2 TLSContext drops it and keeps the rest", () => {
  const [resource] = modelOf({ "ctx.yaml": context("getambassador.io/v2") }).tlsContexts;
  assert.deepEqual([resource!.definition.crlSecret, resource!.definition.caSecret], [undefined, "upstream-ca"]);
});
