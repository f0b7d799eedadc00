/**
 * The analysis thread with faults on demand, for the pool's tests (AnalysisPoolOptions.testWorkerUrl): an analysis
 * whose first head file is `crash.yaml` ends the thread (as a native crash or an out-of-memory would), one whose first
 * head file is `hang.yaml` never returns (as a runaway analysis would); any other is the real analysis thread's.
 */
// Static imports run in order, both before any message arrives: the faults' listener is registered first, so that a
// fault happens before the real analysis starts.
import "./analysis-faults.js";
import "../../src/app/analysis-worker.js";
