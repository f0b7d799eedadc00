/**
 * The fast path (js-yaml values, positions composed again on demand) must not change a byte of the report: the CLI's
 * JSON of the benchmark repository (1,000 resources) and of every fixture directory, with the fast path off and on.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, it } from "node:test";
import { main } from "../../src/cli/main.js";
import { setFastValues } from "../../src/core/source/fast-values.js";
import { parseManifestFile } from "../../src/core/source/load.js";
import { BENCH_NOW, createCertPool } from "../../bench/cert-pool.js";
import { generateRepository, writeRepository } from "../../bench/generate.js";
import { fixtureCorpora } from "../helpers/corpora.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

async function jsonReport(dir: string, fast: boolean): Promise<string> {
  setFastValues(fast);
  try {
    let stdout = "";
    const args = ["analyze", dir, "--format", "json", "--now", BENCH_NOW.toISOString(), "--exit-zero", "--no-render"];
    const code = await main(args, { stdout: (text) => void (stdout += text), stderr: () => undefined, isTty: false });
    return `exit ${code}\n${stdout}`;
  } finally {
    setFastValues(true);
  }
}

describe("fast values: the JSON report is byte-identical with the fast path off and on", () => {
  const work = mkdtempSync(join(tmpdir(), "mtls-gate-fast-"));
  after(() => rmSync(work, { recursive: true, force: true }));

  it("the benchmark repository at 1,000 resources, most of its documents read on the fast path", async () => {
    const repo = generateRepository({ resources: 1000, pool: createCertPool(2) });
    const dir = join(work, "bench");
    writeRepository(repo.files, dir);
    const slow = await jsonReport(dir, false);
    const fast = await jsonReport(dir, true);
    assert.ok(slow.length > 10_000, "a report with findings and routes");
    assert.equal(fast, slow);
    let fastDocuments = 0;
    let documents = 0;
    for (const file of repo.files.filter((f) => /\.ya?ml$/.test(f.path))) {
      for (const doc of parseManifestFile(file).documents) {
        documents++;
        if (doc.fast) fastDocuments++;
      }
    }
    assert.ok(fastDocuments > documents * 0.9, `${fastDocuments} of ${documents} documents on the fast path`);
  });

  for (const corpus of fixtureCorpora()) {
    it(`fixture ${corpus.name}`, async () => {
      const dir = join(ROOT, corpus.name);
      assert.equal(await jsonReport(dir, true), await jsonReport(dir, false));
    });
  }
});
