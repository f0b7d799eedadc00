/**
 * The GitHub Action's entry point (`node dist/src/action/main.js`, run by action.yml): the step's exit code is the
 * verdict. Results go to the log (workflow commands), the job summary (GITHUB_STEP_SUMMARY) and the step's outputs
 * (GITHUB_OUTPUT).
 */
import { appendFileSync } from "node:fs";
import { EXIT_ERROR, runAction, type ActionIo } from "./run.js";

function fileIo(env: NodeJS.ProcessEnv): ActionIo {
  const append = (path: string | undefined, text: string) => {
    if (path) appendFileSync(path, text);
  };
  return {
    log: (line) => process.stdout.write(`${line}\n`),
    appendSummary: (markdown) => append(env.GITHUB_STEP_SUMMARY, `${markdown}\n`),
    // Values here are conclusions and URLs: one line each, as the `name=value` form requires.
    setOutput: (name, value) => append(env.GITHUB_OUTPUT, `${name}=${value.replace(/[\r\n]+/g, " ")}\n`),
  };
}

try {
  // Not process.exit(): the process ends once the last request is answered, so nothing in flight is cut short.
  process.exitCode = await runAction(process.env, fileIo(process.env));
} catch (error) {
  process.stdout.write(
    `::error title=mtls-gate::mtls-gate failed: ${error instanceof Error ? error.name : "unknown error"}\n`,
  );
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = EXIT_ERROR;
}
