import { test } from "node:test";
import assert from "node:assert/strict";

import { hostnameMatchesPattern, matchHostname } from "../../src/core/certs/index.js";

const PATTERN_CASES: readonly [hostname: string, pattern: string, matches: boolean][] = [
  ["api.example.com", "api.example.com", true],
  ["API.Example.COM", "api.example.com", true],
  ["api.example.com", "API.EXAMPLE.COM", true],
  ["api.example.com.", "api.example.com", true],
  ["api.example.com", "api.example.com.", true],
  ["api.example.com", "web.example.com", false],
  ["api.example.com", "example.com", false],
  // A wildcard is the whole left-most label and matches exactly one label.
  ["api.example.com", "*.example.com", true],
  ["API.EXAMPLE.com", "*.Example.COM", true],
  ["example.com", "*.example.com", false],
  ["a.b.example.com", "*.example.com", false],
  [".example.com", "*.example.com", false],
  // No partial wildcards, and no wildcard anywhere but the left-most label.
  ["foo.example.com", "f*.example.com", false],
  ["foo.example.com", "*oo.example.com", false],
  ["foo.example.com", "f*o.example.com", false],
  ["api.foo.example.com", "api.*.example.com", false],
  ["api.example.com", "*.*.com", false],
  // Too broad: at least two labels after the wildcard.
  ["example.com", "*.com", false],
  ["com", "*", false],
  // A wildcard in the hostname itself only matches the identical pattern.
  ["*.example.com", "*.example.com", true],
  ["*.example.com", "api.example.com", false],
  // Empty and odd inputs.
  ["", "", false],
  ["", "*.example.com", false],
  ["api.example.com", "", false],
  ["api..example.com", "*..example.com", false],
  // IP literals never match wildcards.
  ["10.0.0.7", "*.0.0.7", false],
];

for (const [hostname, pattern, matches] of PATTERN_CASES) {
  test(`hostname ${JSON.stringify(hostname)} ${matches ? "matches" : "does not match"} ${JSON.stringify(pattern)}`, () => {
    assert.equal(hostnameMatchesPattern(hostname, pattern), matches);
  });
}

const CERT = {
  sanDnsNames: ["client.example.com", "*.clients.example.com"],
  sanIpAddresses: ["10.0.0.7", "2001:db8::1"],
};

const CERT_CASES: readonly [hostname: string, matched: string | null][] = [
  ["client.example.com", "client.example.com"],
  ["a.clients.example.com", "*.clients.example.com"],
  ["clients.example.com", null],
  ["10.0.0.7", "10.0.0.7"],
  ["10.0.0.8", null],
  ["2001:db8::1", "2001:db8::1"],
  ["2001:0DB8:0:0:0:0:0:1", "2001:db8::1"],
  ["[2001:db8::1]", "2001:db8::1"],
  ["010.0.0.7", null],
  ["other.example.com", null],
];

for (const [hostname, matched] of CERT_CASES) {
  test(`matchHostname(${JSON.stringify(hostname)}) is ${JSON.stringify(matched)}`, () => {
    assert.equal(matchHostname(hostname, CERT), matched);
  });
}
