/**
 * `npm run build:action`: bundles the GitHub Action (src/action) with esbuild into ONE committed file,
 * dist-action/index.js, which action.yml runs with `node24`: no `npm ci` and no build at run time.
 *
 * `npm run build:action -- --check` builds in memory and fails when the committed file differs (CI runs it): the
 * bundle must be what the sources make. The build is deterministic: fixed options, no timestamps, paths relative to
 * the repository (symbolic links such as a shared node_modules are not resolved into the output).
 */
import { Buffer } from "node:buffer";
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import process from "node:process";
import { fileURLToPath, URL } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUTFILE = join(ROOT, "dist-action/index.js");
const ENTRY = join(ROOT, "src/action/bundle-entry.ts");

/**
 * The Gate's pool starts its threads from `./analysis-worker.js` next to itself, a file the bundle does not have: in
 * the bundle they start from the bundle itself (bundle-entry.ts runs the worker loop in a worker thread). If the
 * pool's code changes so the expression is not found, the build fails rather than shipping a broken Action.
 */
const WORKER_URL_SOURCE = 'new URL("./analysis-worker.js", import.meta.url)';
const workerInBundle = {
  name: "analysis-worker-in-bundle",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]app[\\/]analysis-pool\.ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes(WORKER_URL_SOURCE)) {
        return {
          errors: [
            {
              text: `build-action: ${WORKER_URL_SOURCE} not found in analysis-pool.ts; update scripts/build-action.mjs`,
            },
          ],
        };
      }
      return { contents: source.replace(WORKER_URL_SOURCE, "new URL(import.meta.url)"), loader: "ts" };
    });
  },
};

async function bundle() {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [relative(ROOT, ENTRY)],
    bundle: true,
    platform: "node",
    // The Action runs on node24 (action.yml); target the oldest Node the project supports so the bundle also runs
    // where the tests run it (Node 20.19+).
    target: "node20.19",
    format: "esm",
    outfile: relative(ROOT, OUTFILE),
    write: false,
    minify: true,
    legalComments: "none",
    preserveSymlinks: true,
    charset: "utf8",
    logLevel: "warning",
    // CommonJS dependencies call require() for Node's built-in modules, which an ES module does not have.
    banner: {
      js: 'import { createRequire as __mtlsGateCreateRequire } from "node:module";\nconst require = __mtlsGateCreateRequire(import.meta.url);',
    },
    plugins: [workerInBundle],
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error("build-action: esbuild produced no output");
  return output.contents;
}

const contents = await bundle();
const shown = relative(ROOT, OUTFILE);
if (process.argv.includes("--check")) {
  let committed;
  try {
    committed = readFileSync(OUTFILE);
  } catch {
    committed = undefined;
  }
  if (!committed || !Buffer.from(contents).equals(committed)) {
    process.stderr.write(
      `${shown} does not match the sources: run \`npm run build:action\` and commit ${shown} (the Action runs that file, not src/action).\n`,
    );
    process.exitCode = 1;
  } else {
    process.stdout.write(`${shown} matches the sources.\n`);
  }
} else {
  mkdirSync(dirname(OUTFILE), { recursive: true });
  writeFileSync(OUTFILE, contents);
  process.stdout.write(`${shown}: ${(contents.length / 1024 / 1024).toFixed(1)} MB\n`);
}
