/** Manifests shared by the suppression tests: one Mapping whose annotation (line 8) and line 12 the cases vary. */

/** The line of the Mapping's annotation, where suppression findings sit. */
export const ANNOTATION_LINE = 8;
/** The line of the Mapping's `tls:` (in the broken variant), where its TLS findings sit. */
export const TLS_LINE = 12;
export const MAPPING = "Mapping/payments/billing";

/** Line 12 of a plaintext Mapping. */
export const PLAIN = "timeout_ms: 3000";
/** Line 12 naming a TLSContext that does not exist: a mapping-tls-context-not-found error (still plaintext). */
export const BROKEN_TLS = "tls: client-ctx";

/** An ignore annotation line with the value `value`. */
export const ignore = (value: string) => `mtls-gate.io/ignore: "${value}"`;

/** An annotation that suppresses nothing, keeping the line numbers of the other variants. */
export const NO_IGNORE = "example.com/owner: billing-team";

/** The Mapping payments/billing with one annotation (line 8), its service (line 11) and a last line (line 12). */
export const mapping = (comment: string, annotation: string, last = PLAIN, service = "billing") => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: billing
  namespace: payments
  annotations:
    ${annotation}
spec:
  prefix: /billing/
  service: ${service}
  ${last}
`;

/** The base of a pull request: by default the plaintext Mapping without a suppression. */
export const baseTree = (annotation = NO_IGNORE, last = PLAIN, service = "billing") => ({
  "mapping.yaml": mapping("base", annotation, last, service),
});

/** A head whose Mapping names a TLSContext that does not exist (an introduced error) and carries `annotation`. */
export const brokenHead = (comment: string, annotation: string) => ({
  "mapping.yaml": mapping(comment, annotation, BROKEN_TLS),
});
