/** The faults of faulty-analysis-worker.ts: a listener that must be registered before the real analysis thread's. */
import { parentPort } from "node:worker_threads";
import type { EvaluateRequest } from "../../src/app/stages/evaluate.js";

parentPort?.on("message", (message: { input: EvaluateRequest }) => {
  const first = message.input.inputs.head.files[0]?.path;
  if (first === "crash.yaml") process.exit(70);
  if (first === "hang.yaml") for (;;);
});
