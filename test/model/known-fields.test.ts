import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ANNOTATION_ENVELOPE_FIELDS,
  API_VERSION_SCHEMA,
  FIELD_DEFAULTS,
  KNOWN_SPEC_FIELDS,
} from "../../src/core/model/known-fields.js";
import { AMBASSADOR_KINDS } from "../../src/core/model/resources.js";

test("known fields: v1 is read with the v2 schema (it embeds v2's spec types)", () => {
  assert.deepEqual(API_VERSION_SCHEMA, { v3alpha1: "v3alpha1", v2: "v2", v1: "v2" });
});

test("known fields: every kind has a list per schema, sorted in code-unit order with no repeats", () => {
  for (const schema of ["v3alpha1", "v2"] as const) {
    for (const kind of AMBASSADOR_KINDS) {
      const fields = KNOWN_SPEC_FIELDS[schema][kind];
      const sorted = [...new Set(fields)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      assert.deepEqual(fields, sorted, `${schema} ${kind}`);
    }
  }
});

test("known fields: what the simulation reads is known where Emissary reads it", () => {
  const has = (schema: "v3alpha1" | "v2", kind: (typeof AMBASSADOR_KINDS)[number], field: string) =>
    KNOWN_SPEC_FIELDS[schema][kind].includes(field);
  assert.ok(has("v3alpha1", "Mapping", "hostname") && has("v3alpha1", "Mapping", "host_redirect"));
  assert.ok(has("v2", "Mapping", "service") && has("v2", "Mapping", "tls") && has("v2", "Mapping", "resolver"));
  assert.ok(has("v3alpha1", "TLSContext", "crl_secret"));
  assert.ok(!has("v2", "TLSContext", "crl_secret"), "crl_secret is v3alpha1 only");
  assert.ok(has("v3alpha1", "Host", "tlsSecret") && has("v3alpha1", "Host", "mappingSelector"));
});

test("known fields: the annotation envelope keeps name and namespace out of spec, ambassador_id goes into it", () => {
  assert.ok(ANNOTATION_ENVELOPE_FIELDS.includes("name") && ANNOTATION_ENVELOPE_FIELDS.includes("namespace"));
  assert.ok(!ANNOTATION_ENVELOPE_FIELDS.includes("ambassador_id"));
});

test("known fields: each default is of a field some schema knows for that kind", () => {
  for (const kind of AMBASSADOR_KINDS) {
    for (const field of Object.keys(FIELD_DEFAULTS[kind])) {
      const known = KNOWN_SPEC_FIELDS.v3alpha1[kind].includes(field) || KNOWN_SPEC_FIELDS.v2[kind].includes(field);
      assert.ok(known, `${kind}.${field}`);
    }
  }
  assert.equal(FIELD_DEFAULTS.TLSContext.secret_namespacing, true);
});
