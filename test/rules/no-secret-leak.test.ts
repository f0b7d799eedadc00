/**
 * No output may carry key material: analyse a repository full of real fixture keys and certificates (many broken, so
 * that most certificate rules fire), render every format, and look for any 16-character window of any key.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { summarize } from "../../src/core/analyze.js";
import { RULES } from "../../src/core/rules/index.js";
import { renderJson } from "../../src/report/json.js";
import { renderSarif } from "../../src/report/sarif.js";
import { renderText } from "../../src/report/text.js";
import { analyzeFiles } from "../helpers/rule-tester.js";
import { b64, clientSecret, caSecret, docs, fixture, host, originating, secretYaml } from "../helpers/cert-fixtures.js";

const KEY_FILES = readdirSync(new URL("../../../test/fixtures/certs/", import.meta.url)).filter((name) => name.endsWith(".key"));
const WINDOW = 16;

/** Every 16-character window of every key: of its PEM body, and of the base64 of its PEM text (as under data:). */
function keyWindows(): Set<string> {
  const windows = new Set<string>();
  for (const name of KEY_FILES) {
    const pem = fixture(name);
    const bodies = pem
      .split(/-----[A-Z0-9 ]+-----/)
      .map((part) => part.split("\n").filter((line) => line.trim() !== "" && !line.includes(":")).join(""))
      .filter((body) => body.length >= WINDOW);
    for (const text of [...bodies, b64(name)]) {
      for (let i = 0; i + WINDOW <= text.length; i++) windows.add(text.slice(i, i + WINDOW));
    }
  }
  return windows;
}

function leak(output: string, windows: ReadonlySet<string>): string | null {
  for (let i = 0; i + WINDOW <= output.length; i++) {
    const window = output.slice(i, i + WINDOW);
    if (windows.has(window)) return window;
  }
  return null;
}

const pemUnderStringData = (name: string, crt: string, key: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: default}\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: |\n${fixture(crt).trimEnd().split("\n").map((l) => `    ${l}`).join("\n")}\n  tls.key: |\n${fixture(key).trimEnd().split("\n").map((l) => `    ${l}`).join("\n")}\n`;

const SECRETS: [name: string, crt: string | string[], key: string][] = [
  ["good", "ec-p256.crt", "ec-p256.key"],
  ["encrypted", "ec-p256.crt", "encrypted-pkcs8.key"],
  ["legacy", "ec-p256.crt", "encrypted-legacy.key"],
  ["dsa", "ec-p256.crt", "dsa.key"],
  ["params", "ec-p256.crt", "ec-params-first.key"],
  ["mismatch", "mismatched.crt", "mismatched.key"],
  ["expired", "expired.crt", "ec-p256.key"],
  ["weak", "rsa1024.crt", "rsa1024.key"],
  ["md5", "md5-signed.crt", "rsa2048.key"],
  ["order", "chain-wrong-order.crt", "ec-p256.key"],
  ["incomplete", "incomplete-chain.crt", "ec-p384.key"],
  ["server", "eku-server-only.crt", "rsa4096.key"],
  ["ed", "ed25519.crt", "ed25519.key"],
];

function repository(): Record<string, string> {
  const secrets = SECRETS.map(([name, crt, key]) => clientSecret(name, crt, key));
  secrets.push(secretYaml("key-as-crt", { "tls.crt": b64("rsa2048.key"), "tls.key": b64("rsa2048.key") }));
  secrets.push(pemUnderStringData("plain", "rsa4096.crt", "rsa4096.key"));
  secrets.push(caSecret("ca", "ca-no-keycertsign.crt", "sha1-signed.crt", "root-ca.crt"));
  const contexts = [...SECRETS.map(([name]) => name), "key-as-crt", "plain"].map((name) => originating({ secret: name, ca_secret: "ca" }, `ctx-${name}`));
  return {
    "secrets.yaml": docs(...secrets),
    "edge.yaml": docs(...contexts, host("public", "api.example.com", "server"), host("nosan", "no-san.example.com", "nosan"), clientSecret("nosan", "no-san.crt", "mismatched.key")),
  };
}

test("the leak check catches a planted key fragment", () => {
  const windows = keyWindows();
  assert.ok(windows.size > 1000);
  const body = b64("ec-p256.key");
  assert.equal(leak("nothing to see", windows), null);
  assert.notEqual(leak(`message with ${body.slice(40, 60)} inside`, windows), null);
  const pemBody = fixture("rsa2048.key").split("\n")[3] ?? "";
  assert.notEqual(leak(JSON.stringify({ message: `x${pemBody.slice(5, 25)}y` }), windows), null);
});

test("no output format carries any fixture key's base64 or PEM", () => {
  const analysis = analyzeFiles(repository());
  const fired = new Set(analysis.findings.map((f) => f.ruleId));
  for (const ruleId of ["cert-invalid", "key-cert-mismatch", "weak-key", "weak-signature", "cert-expired", "chain-misordered", "ca-not-a-ca", "cert-missing-client-auth", "cert-no-san", "secret-private-key-in-git"]) {
    assert.ok(fired.has(ruleId), `${ruleId} fired`);
  }
  assert.ok(analysis.routes.some((r) => r.clientCertificate !== null), "a route shows its client certificate");
  const summary = summarize(analysis.findings);
  const input = { findings: analysis.findings, routes: analysis.routes, hosts: analysis.hosts, summary, failed: true };
  const outputs: Record<string, string> = {
    json: renderJson(input),
    text: renderText(input, { color: false }),
    color: renderText(input, { color: true }),
    sarif: renderSarif(analysis.findings, { rules: RULES, toolVersion: "0.0.0-test" }),
    data: JSON.stringify(analysis.findings.map((f) => f.data)),
  };
  const windows = keyWindows();
  for (const [format, output] of Object.entries(outputs)) {
    assert.ok(output.length > 0);
    assert.equal(leak(output, windows), null, `${format} output leaks key material`);
    assert.ok(!/PRIVATE KEY-----|BEGIN CERTIFICATE/.test(output), `${format} output holds PEM`);
  }
});
