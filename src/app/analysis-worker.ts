/**
 * The analysis thread (`node:worker_threads`, started by analysis-pool.ts): runs the core's differential analysis off
 * the app's event loop and answers with plain data only (what a check run and the comment commands read), so webhook
 * acknowledgements and BullMQ lock renewals carry on while a large tree is analysed.
 */
import { parentPort, workerData } from "node:worker_threads";
import { analyseForCheck, type AnalysisInput, type AnalysisReply, type CheckAnalysis } from "./analysis-pool.js";

const port = parentPort;
if (!port) throw new Error("analysis-worker.js runs only as a worker thread");

/** Test-only (`MTLS_GATE_TEST_SLOW_ANALYSIS_MS` or the pool's `testSlowMs`): the analysis keeps this thread busy this long. */
const slowMs = Number((workerData as { slowMs?: number } | null)?.slowMs ?? 0);

function analyse(input: AnalysisInput): CheckAnalysis {
  if (slowMs > 0) {
    const end = Date.now() + slowMs;
    // Busy on purpose, like a large analysis: only terminate() can stop it.
    while (Date.now() < end);
  }
  return analyseForCheck(input);
}

port.on("message", (message: { id: number; input: AnalysisInput }) => {
  let reply: AnalysisReply;
  try {
    reply = { id: message.id, result: analyse(message.input) };
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const text = error instanceof Error ? error.message : String(error);
    reply = { id: message.id, error: { name, message: text } };
  }
  port.postMessage(reply);
});
