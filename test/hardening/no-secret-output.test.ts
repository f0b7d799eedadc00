/**
 * No output of the CLI ever carries key material. A repository full of the fixture keys (in every form a Secret can
 * hold them, broken ones included, and pasted where the YAML parser trips over them) is analysed in every format, on
 * its own and against a git base; stdout and stderr of every run are scanned for the keys' PEM bodies and their base64:
 * whole, and any 40-character slice.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../../src/cli/main.js";
import { b64, caSecret, clientSecret, docs, fixture, host, originating, secretYaml } from "../helpers/cert-fixtures.js";
import { FIXED_NOW } from "../helpers/rule-tester.js";

const KEY_FILES = readdirSync(new URL("../../../test/fixtures/certs/", import.meta.url))
  .filter((name) => name.endsWith(".key"))
  .sort();
const SLICE = 40;

/** The base64 body of each PEM block of a key file (the lines between BEGIN and END, headers left out), joined. */
function pemBodies(pem: string): string[] {
  return pem
    .split(/-----(?:BEGIN|END) [A-Z0-9 ]+-----/)
    .map((part) =>
      part
        .split(/\r?\n/)
        .filter((line) => line.trim() !== "" && !line.includes(":"))
        .join(""),
    )
    .filter((body) => body.length >= SLICE);
}

/** Every 40-character slice of every key's PEM body and of the base64 of its whole PEM text (as written under data:). */
function secretSlices(): Map<string, string> {
  const slices = new Map<string, string>();
  for (const name of KEY_FILES) {
    const pem = fixture(name);
    const encoded = Buffer.from(pem).toString("base64");
    // A slice that decodes to nothing but an armour line ("-----BEGIN EC PRIVATE KEY-----") is the same for every key
    // and no part of this one: the rule docs that SARIF embeds show it as an example (`tls.key: LS0t…`).
    const armour: [number, number][] = [];
    let offset = 0;
    for (const line of pem.split("\n")) {
      const bytes = Buffer.byteLength(line);
      // The line and its newline: neither is key material.
      if (/^-----(?:BEGIN|END) [A-Z0-9 ]+-----$/.test(line)) armour.push([offset, offset + bytes + 1]);
      offset += bytes + 1;
    }
    // The bytes a slice of the base64 at character i depends on: within one armour line, it says nothing of the key.
    const onlyArmour = (i: number) => {
      const from = Math.floor((i * 3) / 4);
      const to = Math.ceil(((i + SLICE) * 3) / 4);
      return armour.some(([start, end]) => from >= start && to <= end);
    };
    for (const text of pemBodies(pem)) {
      for (let i = 0; i + SLICE <= text.length; i++) slices.set(text.slice(i, i + SLICE), name);
    }
    for (let i = 0; i + SLICE <= encoded.length; i++) {
      const slice = encoded.slice(i, i + SLICE);
      if (!onlyArmour(i)) slices.set(slice, name);
    }
  }
  return slices;
}

/** The first secret slice found in `output`, as it is and with whitespace and JSON escapes taken out. */
function findLeak(output: string, slices: ReadonlyMap<string, string>): string | null {
  const squeezed = output
    .replace(/\\[nrt]/g, "")
    .replace(/\s+/g, "")
    .replace(/\\\//g, "/");
  for (const text of [output, squeezed]) {
    for (let i = 0; i + SLICE <= text.length; i++) {
      const slice = text.slice(i, i + SLICE);
      const owner = slices.get(slice);
      if (owner !== undefined) return `${owner}: …${slice}… at ${i}`;
    }
  }
  return null;
}

const indent = (text: string, spaces: number) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => `${" ".repeat(spaces)}${line}`)
    .join("\n");

/** A Secret holding the key as PEM under stringData (a block scalar). */
function plainSecret(name: string, crt: string, key: string): string {
  return `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: default}\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: |\n${indent(fixture(crt), 4)}\n  tls.key: |\n${indent(fixture(key), 4)}\n`;
}

/** Client Secrets pairing certificates with keys: matching, mismatched, weak, encrypted, unsupported, broken. */
const PAIRS: [name: string, crt: string | string[], key: string][] = [
  ["good", "ec-p256.crt", "ec-p256.key"],
  ["mismatch", "mismatched.crt", "mismatched.key"],
  ["weak", "rsa1024.crt", "rsa1024.key"],
  ["encrypted", "ec-p256.crt", "encrypted-pkcs8.key"],
  ["legacy", "ec-p256.crt", "encrypted-legacy.key"],
  ["dsa", "ec-p256.crt", "dsa.key"],
  ["params", "ec-p256.crt", "ec-params-first.key"],
  ["misordered", "chain-wrong-order.crt", "ec-p256.key"],
  ["expired", "expired.crt", "ec-p256.key"],
  ["incomplete", "incomplete-chain.crt", "ec-p384.key"],
  ["server", "eku-server-only.crt", "rsa4096.key"],
  ["ed", "ed25519.crt", "ed25519.key"],
  ["md5", "md5-signed.crt", "rsa2048.key"],
];

/** Keys where the YAML parser, the base64 check or the PEM scanner trips over them: messages must not quote them. */
function brokenPlacements(): string[] {
  const key = fixture("rsa2048.key");
  const keyBase64 = b64("rsa2048.key");
  const bodyLine = key.split("\n")[2] ?? "";
  return [
    // A stray ] before the value: the parser reports an unexpected scalar token.
    `apiVersion: v1\nkind: Secret\nmetadata: {name: bracket, namespace: default}\ndata:\n  tls.key: ]${keyBase64}\n`,
    // An unterminated quote.
    `apiVersion: v1\nkind: Secret\nmetadata: {name: quote, namespace: default}\ndata:\n  tls.key: "${keyBase64}\n`,
    // A block scalar whose third line lost its indentation.
    `apiVersion: v1\nkind: Secret\nmetadata: {name: indent, namespace: default}\nstringData:\n  tls.key: |\n${key
      .trimEnd()
      .split("\n")
      .map((line, i) => (i === 2 ? line : `    ${line}`))
      .join("\n")}\n`,
    // Key text used as an anchor, a tag and an alias.
    `apiVersion: v1\nkind: Secret\nmetadata: {name: anchors, namespace: default}\ndata:\n  tls.crt: &${bodyLine} x\n  tls.key: !${bodyLine} y\n  ca.crt: *${bodyLine}\n`,
    // Base64 with garbage in the middle, and the key's base64 with its padding broken.
    secretYaml("garbage", {
      "tls.crt": b64("ec-p256.crt"),
      "tls.key": `${keyBase64.slice(0, 120)}*${keyBase64.slice(120)}`,
    }),
    secretYaml("padding", { "tls.crt": b64("ec-p256.crt"), "tls.key": `${keyBase64.slice(0, -2)}=` }),
    // A key pasted into tls.crt, and a certificate bundle with a key in the middle.
    secretYaml("key-as-crt", { "tls.crt": b64("rsa2048.key"), "tls.key": b64("rsa2048.key") }),
    secretYaml("key-in-bundle", {
      "tls.crt": b64("ec-p256.crt", "ec-p256.key", "root-ca.crt"),
      "tls.key": b64("ec-p256.key"),
    }),
    // Base64 of base64.
    secretYaml("double", { "tls.crt": b64("ec-p256.crt"), "tls.key": Buffer.from(keyBase64).toString("base64") }),
    // Too many certificates: the limit finding is about the value, never quotes it.
    secretYaml("many", { "tls.crt": b64(...Array<string>(101).fill("ec-p256.crt")), "tls.key": b64("ec-p256.key") }),
  ];
}

function writeRepository(dir: string, withHead: boolean): void {
  mkdirSync(join(dir, "secrets"), { recursive: true });
  mkdirSync(join(dir, "edge"), { recursive: true });
  const names = [
    ...PAIRS.map(([name]) => name),
    "plain",
    "bracket",
    "quote",
    "indent",
    "anchors",
    "garbage",
    "padding",
    "key-as-crt",
    "key-in-bundle",
    "double",
    "many",
  ];
  writeFileSync(
    join(dir, "secrets", "clients.yaml"),
    docs(...PAIRS.map(([name, crt, key]) => clientSecret(name, crt, key))),
  );
  writeFileSync(join(dir, "secrets", "plain.yaml"), plainSecret("plain", "rsa4096.crt", "rsa4096.key"));
  writeFileSync(
    join(dir, "secrets", "ca.yaml"),
    caSecret("ca", "ca-no-keycertsign.crt", "sha1-signed.crt", "root-ca.crt"),
  );
  brokenPlacements().forEach((text, i) => writeFileSync(join(dir, "secrets", `broken-${i}.yaml`), text));
  const contexts = names.map((name) => originating({ secret: name, ca_secret: "ca" }, `ctx-${name}`));
  const hosts = [host("public", "api.example.com", "server"), host("plain-host", "client.example.com", "plain")];
  writeFileSync(join(dir, "edge", "contexts.yaml"), docs(...contexts, ...hosts));
  if (withHead) {
    // The head drops one context and downgrades another, so that diff outputs have removed and changed routes.
    const head = names
      .filter((name) => name !== "good")
      .map((name) =>
        originating(name === "weak" ? { ca_secret: "ca" } : { secret: name, ca_secret: "ca" }, `ctx-${name}`),
      );
    writeFileSync(join(dir, "edge", "contexts.yaml"), docs(...head, ...hosts));
  }
}

interface Run {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], isTty: boolean): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty });
  return { args, code, stdout, stderr };
}

const NOW = ["--now", FIXED_NOW.toISOString()];

async function everyOutput(dir: string, base: string[]): Promise<Run[]> {
  const runs: Run[] = [];
  for (const format of ["text", "json", "sarif", "gitlab"]) {
    runs.push(await cli(["analyze", dir, "--format", format, ...base, ...NOW], false));
  }
  runs.push(await cli(["analyze", dir, ...base, ...NOW], true));
  runs.push(await cli(["routes", dir, ...base], false));
  runs.push(await cli(["routes", dir, "--format", "json", ...base], false));
  runs.push(await cli(["routes", dir, ...base], true));
  return runs;
}

test("the leak scanner finds a planted slice, whatever the wrapping or escaping", () => {
  const slices = secretSlices();
  assert.ok(slices.size > 10_000);
  assert.equal(findLeak("nothing to see here", slices), null);
  const body = pemBodies(fixture("ec-p256.key"))[0] ?? "";
  assert.notEqual(findLeak(`message ${body.slice(5, 50)} end`, slices), null);
  assert.notEqual(findLeak(JSON.stringify({ m: `${body.slice(0, 30)}\n${body.slice(30, 80)}` }), slices), null);
  assert.notEqual(findLeak(`x ${b64("dsa.key").slice(100, 141)} y`, slices), null);
});

test("no output format, with or without a base, carries any part of a fixture key", async () => {
  const slices = secretSlices();
  const dir = mkdtempSync(join(tmpdir(), "mtls-gate-secrets-"));
  try {
    writeRepository(dir, false);
    const runs = await everyOutput(dir, []);

    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
        cwd: dir,
        stdio: "pipe",
      });
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-qm", "base");
    writeRepository(dir, true);
    runs.push(...(await everyOutput(dir, ["--base", "HEAD"])));

    // The analysis did reach the Secrets: the findings that talk about keys are all there.
    const json = runs.find(
      (run) => run.args.includes("json") && run.args[0] === "analyze" && !run.args.includes("--base"),
    );
    const ruleIds = new Set(
      (JSON.parse(json?.stdout ?? "{}") as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId),
    );
    for (const ruleId of [
      "key-cert-mismatch",
      "weak-key",
      "secret-private-key-in-git",
      "cert-invalid",
      "chain-misordered",
      "cert-expired",
      "yaml-syntax",
      "cert-inspection-limited",
    ]) {
      assert.ok(ruleIds.has(ruleId), `${ruleId} in ${[...ruleIds].join(", ")}`);
    }
    const diffJson = runs.find(
      (run) => run.args.includes("json") && run.args[0] === "analyze" && run.args.includes("--base"),
    );
    assert.match(diffJson?.stdout ?? "", /"removedRoutes": \[\s*\{/);

    for (const run of runs) {
      assert.ok(run.stdout.length > 0 || run.stderr.length > 0, run.args.join(" "));
      for (const [stream, output] of [
        ["stdout", run.stdout],
        ["stderr", run.stderr],
      ] as const) {
        const leak = findLeak(output, slices);
        assert.equal(leak, null, `${stream} of mtls-gate ${run.args.join(" ")} leaks ${leak}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
