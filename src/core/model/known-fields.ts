// Field lists below are the JSON names of Emissary-ingress's CRD types (Go json tags), sorted in code-unit order.

export type AmbassadorKind = "Mapping" | "TCPMapping" | "TLSContext" | "Host" | "Module";
export type SchemaVersion = "v3alpha1" | "v2";

/**
 * Which schema each served API version is read with. `getambassador.io/v1` has no schema of its own: its
 * Mapping, TCPMapping, TLSContext and Module embed the v2 spec types. There is no v1 Host.
 */
export const API_VERSION_SCHEMA: Readonly<Record<"v3alpha1" | "v2" | "v1", SchemaVersion>> = {
  v3alpha1: "v3alpha1",
  v2: "v2",
  v1: "v2",
};

/** Kinds that exist in v2 but not in v1 (an `ambassador/v1` or `getambassador.io/v1` Host is an unsupported kind). */
export const KINDS_WITHOUT_V1: readonly AmbassadorKind[] = ["Host"];

export const KNOWN_SPEC_FIELDS: Readonly<Record<SchemaVersion, Readonly<Record<AmbassadorKind, readonly string[]>>>> = {
  v3alpha1: {
    Mapping: [
      "add_linkerd_headers",
      "add_request_headers",
      "add_response_headers",
      "allow_upgrade",
      "ambassador_id",
      "auth_context_extensions",
      "auto_host_rewrite",
      "bypass_auth",
      "bypass_error_response_overrides",
      "case_sensitive",
      "circuit_breakers",
      "cluster_idle_timeout_ms",
      "cluster_max_connection_lifetime_ms",
      "cluster_tag",
      "connect_timeout_ms",
      "cors",
      "dns_type",
      "docs",
      "enable_ipv4",
      "enable_ipv6",
      "envoy_override",
      "error_response_overrides",
      "grpc",
      "headers",
      "health_checks",
      "host",
      "host_redirect",
      "host_regex",
      "host_rewrite",
      "hostname",
      "idle_timeout_ms",
      "keepalive",
      "labels",
      "load_balancer",
      "method",
      "method_regex",
      "modules",
      "outlier_detection",
      "path_redirect",
      "precedence",
      "prefix",
      "prefix_exact",
      "prefix_redirect",
      "prefix_regex",
      "priority",
      "query_parameters",
      "redirect_response_code",
      "regex_headers",
      "regex_query_parameters",
      "regex_redirect",
      "regex_rewrite",
      "remove_request_headers",
      "remove_response_headers",
      "resolver",
      "respect_dns_ttl",
      "retry_policy",
      "rewrite",
      "service",
      "shadow",
      "stats_name",
      "timeout_ms",
      "tls",
      "use_websocket",
      "v2BoolHeaders",
      "v2BoolQueryParameters",
      "v2ExplicitTLS",
      "weight",
    ],
    TCPMapping: [
      "address",
      "ambassador_id",
      "circuit_breakers",
      "cluster_tag",
      "enable_ipv4",
      "enable_ipv6",
      "host",
      "idle_timeout_ms",
      "port",
      "resolver",
      "service",
      "stats_name",
      "tls",
      "v2ExplicitTLS",
      "weight",
    ],
    TLSContext: [
      "alpn_protocols",
      "ambassador_id",
      "ca_secret",
      "cacert_chain_file",
      "cert_chain_file",
      "cert_required",
      "cipher_suites",
      "crl_secret",
      "ecdh_curves",
      "hosts",
      "max_tls_version",
      "min_tls_version",
      "private_key_file",
      "redirect_cleartext_from",
      "secret",
      "secret_namespacing",
      "sni",
    ],
    Host: [
      "acmeProvider",
      "ambassador_id",
      "hostname",
      "mappingSelector",
      "previewUrl",
      "requestPolicy",
      "selector",
      "tls",
      "tlsContext",
      "tlsSecret",
    ],
    Module: ["ambassador_id", "config"],
  },
  v2: {
    // `tls` is bool|string here (string-only in v3alpha1); `hostname`, `stats_name` and `health_checks` do not exist.
    Mapping: [
      "add_linkerd_headers",
      "add_request_headers",
      "add_response_headers",
      "allow_upgrade",
      "ambassador_id",
      "auth_context_extensions",
      "auto_host_rewrite",
      "bypass_auth",
      "bypass_error_response_overrides",
      "case_sensitive",
      "circuit_breakers",
      "cluster_idle_timeout_ms",
      "cluster_max_connection_lifetime_ms",
      "cluster_tag",
      "connect_timeout_ms",
      "cors",
      "dns_type",
      "docs",
      "enable_ipv4",
      "enable_ipv6",
      "envoy_override",
      "error_response_overrides",
      "grpc",
      "headers",
      "host",
      "host_redirect",
      "host_regex",
      "host_rewrite",
      "idle_timeout_ms",
      "keepalive",
      "labels",
      "load_balancer",
      "method",
      "method_regex",
      "modules",
      "outlier_detection",
      "path_redirect",
      "precedence",
      "prefix",
      "prefix_exact",
      "prefix_redirect",
      "prefix_regex",
      "priority",
      "query_parameters",
      "redirect_response_code",
      "regex_headers",
      "regex_query_parameters",
      "regex_redirect",
      "regex_rewrite",
      "remove_request_headers",
      "remove_response_headers",
      "resolver",
      "respect_dns_ttl",
      "retry_policy",
      "rewrite",
      "service",
      "shadow",
      "timeout_ms",
      "tls",
      "use_websocket",
      "v3StatsName",
      "v3health_checks",
      "weight",
    ],
    // `tls` is bool|string here.
    TCPMapping: [
      "address",
      "ambassador_id",
      "circuit_breakers",
      "cluster_tag",
      "enable_ipv4",
      "enable_ipv6",
      "host",
      "idle_timeout_ms",
      "port",
      "resolver",
      "service",
      "tls",
      "v3StatsName",
      "weight",
    ],
    // No `crl_secret` in v2 (only the round-trip field `v3CRLSecret`).
    TLSContext: [
      "alpn_protocols",
      "ambassador_id",
      "ca_secret",
      "cacert_chain_file",
      "cert_chain_file",
      "cert_required",
      "cipher_suites",
      "ecdh_curves",
      "hosts",
      "max_tls_version",
      "min_tls_version",
      "private_key_file",
      "redirect_cleartext_from",
      "secret",
      "secret_namespacing",
      "sni",
      "v3CRLSecret",
    ],
    // `ambassadorId` is an accepted alias of `ambassador_id`; `selector` becomes `mappingSelector` in v3alpha1.
    Host: [
      "acmeProvider",
      "ambassadorId",
      "ambassador_id",
      "hostname",
      "previewUrl",
      "requestPolicy",
      "selector",
      "tls",
      "tlsContext",
      "tlsSecret",
    ],
    Module: ["ambassador_id", "config"],
  },
};

/**
 * Fields in KNOWN_SPEC_FIELDS that exist only so that v2 <-> v3alpha1 conversion round-trips. The CRD schema accepts
 * them, but users do not write them; the Python config compiler ignores the v3alpha1 ones.
 */
export const ROUND_TRIP_SPEC_FIELDS: Readonly<
  Record<SchemaVersion, Readonly<Record<AmbassadorKind, readonly string[]>>>
> = {
  v3alpha1: {
    Mapping: ["v2BoolHeaders", "v2BoolQueryParameters", "v2ExplicitTLS"],
    TCPMapping: ["v2ExplicitTLS"],
    TLSContext: [],
    Host: [],
    Module: [],
  },
  v2: {
    Mapping: ["v3StatsName", "v3health_checks"],
    TCPMapping: ["v3StatsName"],
    TLSContext: ["v3CRLSecret"],
    Host: [],
    Module: [],
  },
};

/** Fields of a Host's inline `spec.tls` block (the TLSConfig type). snake_case only: camelCase keys are pruned. */
export const HOST_TLS_FIELDS: Readonly<Record<SchemaVersion, readonly string[]>> = {
  v3alpha1: [
    "alpn_protocols",
    "ca_secret",
    "cacert_chain_file",
    "cert_chain_file",
    "cert_required",
    "cipher_suites",
    "crl_secret",
    "ecdh_curves",
    "max_tls_version",
    "min_tls_version",
    "private_key_file",
    "redirect_cleartext_from",
    "sni",
  ],
  v2: [
    "alpn_protocols",
    "ca_secret",
    "cacert_chain_file",
    "cert_chain_file",
    "cert_required",
    "cipher_suites",
    "ecdh_curves",
    "max_tls_version",
    "min_tls_version",
    "private_key_file",
    "redirect_cleartext_from",
    "sni",
    "v3CRLSecret",
  ],
};

/**
 * Top-level keys of a `getambassador.io/config` annotation document that are not moved into `spec`: `name`,
 * `namespace` and `generation` go to `metadata`, `metadata_labels` becomes `metadata.labels`, and `apiVersion`, `kind`,
 * `metadata`, `spec`, `status` stay where they are. Every other key (including `ambassador_id`) goes into `spec`.
 */
export const ANNOTATION_ENVELOPE_FIELDS: readonly string[] = [
  "apiVersion",
  "generation",
  "kind",
  "metadata",
  "metadata_labels",
  "name",
  "namespace",
  "spec",
  "status",
];

/**
 * The legacy TLS Module (`kind: Module`, name `tls`): keys of `config`. `server` is the termination context, `client`
 * its client-certificate validation; any other key names an origination context. These keys are skipped.
 */
export const TLS_MODULE_RESERVED_KEYS: readonly string[] = [
  "client",
  "enabled",
  "kind",
  "location",
  "metadata_labels",
  "name",
  "namespace",
  "server",
];

/**
 * Keys Emissary reads inside a TLS Module `config.<name>` block (`server` and origination blocks). Unlike a
 * TLSContext, nothing else is read: no `sni`, `ca_secret`, `hosts`, versions or ciphers. `enabled` is read only on
 * `server`.
 */
export const TLS_MODULE_CONTEXT_FIELDS: readonly string[] = [
  "alpn_protocols",
  "cert_chain_file",
  "enabled",
  "private_key_file",
  "redirect_cleartext_from",
  "secret",
];

/** Keys Emissary reads inside the TLS Module's `config.client` block (`secret` is used as the server's `ca_secret`). */
export const TLS_MODULE_CLIENT_FIELDS: readonly string[] = ["cacert_chain_file", "cert_required", "enabled", "secret"];

/**
 * Emissary's defaults of scalar spec fields, by kind: what a field means when it is left out. An unknown key whose value
 * is the default of that field (the key itself, where another version or kind knows it, or the field it is a
 * misspelling of) costs nothing when Emissary drops it.
 */
export const FIELD_DEFAULTS: Readonly<Record<AmbassadorKind, Readonly<Record<string, string | number | boolean>>>> = {
  Mapping: {
    add_linkerd_headers: false,
    auto_host_rewrite: false,
    bypass_auth: false,
    bypass_error_response_overrides: false,
    case_sensitive: true,
    connect_timeout_ms: 3000,
    enable_ipv4: true,
    enable_ipv6: false,
    grpc: false,
    host_regex: false,
    method_regex: false,
    precedence: 0,
    prefix_regex: false,
    rewrite: "/",
    shadow: false,
    timeout_ms: 3000,
    use_websocket: false,
  },
  TCPMapping: { enable_ipv4: true, enable_ipv6: false },
  TLSContext: { cert_required: false, secret_namespacing: true },
  Host: {},
  Module: {},
};
