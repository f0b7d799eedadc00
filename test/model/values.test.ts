import assert from "node:assert/strict";
import { test } from "node:test";
import {
  asBoolean,
  asName,
  asNumber,
  asObject,
  asString,
  asStringList,
  asStringRecord,
  isObject,
} from "../../src/core/model/values.js";
import { documentsOf } from "../helpers/model.js";

// Values as the YAML parser hands them over, so the helpers see what a manifest really holds.
const spec = documentsOf(`spec:
  tls: "  upstream  "
  secret: ""
  port: "8080"
  weight: 8080a
  enabled: "true"
  count: 3
  hosts: example.com
  list: [a, 1, {x: y}]
  labels: {app: web, tier: 2, nested: {a: b}}
`)[0]?.value as Record<string, Record<string, unknown>>;
const fields = spec.spec ?? {};

test("values: names are trimmed and an empty one is absent (Emissary treats an empty tls: or secret: as unset)", () => {
  assert.equal(asName(fields.tls), "upstream");
  assert.equal(asName(fields.secret), undefined);
  assert.equal(asName(undefined), undefined);
  assert.equal(asString(fields.count), "3");
  assert.equal(asString(fields.labels), undefined);
});

test("values: numbers, booleans and lists from YAML scalars", () => {
  assert.equal(asNumber(fields.port), 8080);
  assert.equal(asNumber(fields.weight), undefined);
  assert.equal(asNumber(fields.count), 3);
  assert.equal(asBoolean(fields.enabled), true);
  assert.equal(asBoolean("yes"), undefined);
  assert.deepEqual(asStringList(fields.hosts), ["example.com"]);
  assert.deepEqual(asStringList(fields.list), ["a", "1"]);
  assert.equal(asStringList(undefined), undefined);
});

test("values: objects and string records keep only what they can read", () => {
  assert.equal(isObject(fields.list), false);
  assert.equal(isObject(fields.labels), true);
  assert.deepEqual(asObject(fields.list), {});
  assert.deepEqual(asStringRecord(fields.labels), { app: "web", tier: "2" });
});
