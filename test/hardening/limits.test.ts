/**
 * The limits stated in one place: `src/core/limits.ts` holds every value, the README's Limits section lists each one,
 * and the three a deployment may set are read from the environment by `loadLimitsFromEnv` (the CLI's way in here).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../../src/cli/main.js";
import { DEFAULT_LIMITS as CERT_LIMITS } from "../../src/core/certs/index.js";
import { DEFAULT_LOAD_LIMITS, LIMITS, LIMIT_VARIABLES, loadLimitsFromEnv } from "../../src/core/limits.js";
import { DEFAULT_LOAD_LIMITS as FROM_LOAD } from "../../src/core/source/load.js";
import type { JsonReport } from "../../src/report/json.js";

const README = new URL("../../../README.md", import.meta.url);

test("loadLimitsFromEnv: unset and empty variables keep the defaults", () => {
  assert.deepEqual(loadLimitsFromEnv({}), { limits: DEFAULT_LOAD_LIMITS, problems: [] });
  assert.deepEqual(loadLimitsFromEnv({ MTLS_GATE_MAX_MANIFEST_FILES: "", PATH: "/bin" }), {
    limits: DEFAULT_LOAD_LIMITS,
    problems: [],
  });
  assert.equal(FROM_LOAD, DEFAULT_LOAD_LIMITS, "load.ts re-exports the one set of defaults");
});

test("loadLimitsFromEnv: each variable sets its limit, and nothing else", () => {
  const { limits, problems } = loadLimitsFromEnv({
    MTLS_GATE_MAX_NODES_PER_DOCUMENT: "1000",
    MTLS_GATE_MAX_MANIFEST_FILES: " 7 ",
    MTLS_GATE_MAX_MANIFEST_BYTES: "134217728",
    MTLS_GATE_MAX_TARBALL_BYTES: "1048576",
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(limits, {
    ...DEFAULT_LOAD_LIMITS,
    maxNodesPerDocument: 1000,
    maxManifestFiles: 7,
    maxManifestBytes: 134_217_728,
    maxTarballBytes: 1_048_576,
  });
  assert.deepEqual(Object.values(LIMIT_VARIABLES).sort(), [
    "MTLS_GATE_MAX_MANIFEST_BYTES",
    "MTLS_GATE_MAX_MANIFEST_FILES",
    "MTLS_GATE_MAX_NODES_PER_DOCUMENT",
    "MTLS_GATE_MAX_TARBALL_BYTES",
  ]);
});

test("loadLimitsFromEnv: a value that is not a positive integer is a problem naming the variable; the default stays", () => {
  for (const raw of ["0", "-5", "1.5", "64MiB", "1e6", "abc", "99999999999999999999"]) {
    const { limits, problems } = loadLimitsFromEnv({ MTLS_GATE_MAX_MANIFEST_BYTES: raw });
    assert.deepEqual(
      problems,
      [`MTLS_GATE_MAX_MANIFEST_BYTES must be a positive integer, not ${JSON.stringify(raw)}`],
      raw,
    );
    assert.equal(limits.maxManifestBytes, DEFAULT_LOAD_LIMITS.maxManifestBytes);
  }
});

test("the README's Limits section lists every limit of LIMITS: its default, its variable and its finding", () => {
  const readme = readFileSync(README, "utf8");
  const section = readme.slice(
    readme.indexOf("\n## Limits\n"),
    readme.indexOf("\n## ", readme.indexOf("\n## Limits\n") + 1),
  );
  assert.ok(section.length > 100, "README has a Limits section");
  const rows = new Map(
    section
      .split("\n")
      .filter((line) => line.startsWith("| ") && !line.startsWith("| ---") && !line.startsWith("| Limit "))
      .map((line) => line.split("|").map((cell) => cell.trim()))
      .map((cells) => [cells[1]?.toLowerCase() ?? "", cells.slice(2)]),
  );
  assert.equal(rows.size, LIMITS.length, `one row per limit: ${[...rows.keys()].join(", ")}`);
  for (const limit of LIMITS) {
    const row = rows.get(limit.name.toLowerCase());
    assert.ok(row, `no row for "${limit.name}"`);
    const [value, variable, finding] = row;
    assert.ok(value?.startsWith(limit.value.toLocaleString("en-US")), `${limit.name}: ${value}`);
    assert.equal(variable, limit.variable ? `\`${limit.variable}\`` : "—", limit.name);
    assert.ok(finding?.startsWith(`\`${limit.ruleId}\``), `${limit.name}: ${finding}`);
  }
  // The certificate limits are the inspector's own values, not copies.
  assert.ok(
    LIMITS.some((l) => l.value === CERT_LIMITS.maxCertificatesPerValue && l.ruleId === "cert-inspection-limited"),
  );
});

const MAPPING = (name: string) =>
  `apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: ${name}, namespace: default}\nspec: {prefix: /${name}/, service: ${name}}\n`;

async function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty: false, env });
  return { code, stdout, stderr };
}

test("the CLI reads the limits from its environment, and refuses a limit that is not one (exit 2)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mtls-gate-limits-"));
  try {
    for (const name of ["a", "b", "c"]) writeFileSync(join(dir, `${name}.yaml`), MAPPING(name));
    const limited = await cli(["analyze", dir, "--format", "json", "--exit-zero"], {
      MTLS_GATE_MAX_MANIFEST_FILES: "2",
    });
    assert.equal(limited.code, 0, limited.stderr);
    const report = JSON.parse(limited.stdout) as JsonReport;
    assert.deepEqual(
      report.findings.filter((f) => f.ruleId === "file-too-large").map((f) => [f.file, f.line]),
      [["c.yaml", 1]],
    );
    assert.deepEqual(report.routes.map((r) => r.mapping).sort(), ["default/a", "default/b"]);

    const unlimited = await cli(["analyze", dir, "--format", "json", "--exit-zero"], {});
    assert.equal((JSON.parse(unlimited.stdout) as JsonReport).routes.length, 3);

    const wrong = await cli(["analyze", dir], { MTLS_GATE_MAX_NODES_PER_DOCUMENT: "lots" });
    assert.equal(wrong.code, 2);
    assert.equal(wrong.stderr, 'mtls-gate: MTLS_GATE_MAX_NODES_PER_DOCUMENT must be a positive integer, not "lots"\n');
    assert.equal(wrong.stdout, "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
