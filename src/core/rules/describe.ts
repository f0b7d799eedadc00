import type { ContextError } from "../resolve/contexts.js";
import { elsewhereText, type SecretLookup } from "../resolve/secrets.js";

/** Why a Secret lookup failed, in words (names only, never values). */
export function describeLookup(lookup: SecretLookup): string {
  const name = `${lookup.namespace}/${lookup.name}`;
  switch (lookup.status) {
    case "missing": {
      const split = lookup.split ? ` ("${lookup.written}" was split at its last dot into name "${lookup.name}" and namespace "${lookup.namespace}")` : "";
      const elsewhere = lookup.elsewhere.length > 0 ? `; a Secret of that name exists in namespace ${elsewhereText(lookup)}` : "";
      return `Secret ${name} does not exist${split}${elsewhere}`;
    }
    case "unsupported-type":
      return `Secret ${name} has type ${lookup.secret?.type ?? "?"}, which Emissary ignores`;
    case "no-certificate":
      return `Secret ${name} has no tls.crt`;
    case "no-private-key":
      return `Secret ${name} has no tls.key`;
    case "ca-in-ca-crt":
      return `Secret ${name} holds its CA only under ca.crt, which Emissary never reads`;
    case "no-crl":
      return `Secret ${name} has no crl.pem`;
    default:
      return `Secret ${name} is usable`;
  }
}

/** One context error, in words. */
export function describeContextError(error: ContextError): string {
  switch (error.code) {
    case "cert-and-secret":
      return "it sets both secret and cert_chain_file";
    case "incomplete-cert-files":
      return "it sets only one of cert_chain_file and private_key_file";
    case "no-certificate":
      return "it has no certificate information at all (no secret or cert_chain_file)";
    case "ca-without-certificate":
      return "it has a CA but no certificate of its own";
    case "secret":
    case "ca-secret":
    case "crl-secret":
      return error.lookup ? describeLookup(error.lookup) : `its ${error.field} cannot be resolved`;
  }
}
