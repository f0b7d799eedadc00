import type { EvaluateRequest } from "./stages/evaluate.js";

/**
 * What crosses into an analysis thread. A pull request's base and head share most files, and a structured clone copies
 * every string it meets: sent as they are, the texts of a 50,000-resource repository cross twice (55 MB, most of a
 * second of the app's event loop). So a base file whose text is the head's at the same path crosses without it, and the
 * thread takes it back from the head.
 */
export interface AnalysisMessage {
  id: number;
  input: EvaluateRequest;
  /** Indexes into `input.inputs.base.files` whose text was left out: the head file at the same path has it. */
  sameTextAsHead?: number[];
}

export function packRequest(id: number, request: EvaluateRequest): AnalysisMessage {
  const base = request.inputs.base;
  if (!base) return { id, input: request };
  const headText = new Map(request.inputs.head.files.map((file) => [file.path, file.text]));
  const sameTextAsHead: number[] = [];
  const files = base.files.map((file, index) => {
    if (file.text === "" || headText.get(file.path) !== file.text) return file;
    sameTextAsHead.push(index);
    return { ...file, text: "" };
  });
  if (sameTextAsHead.length === 0) return { id, input: request };
  return { id, input: { ...request, inputs: { ...request.inputs, base: { ...base, files } } }, sameTextAsHead };
}

/** The request as the app made it: each left-out base text taken from the head file at the same path. */
export function unpackRequest(message: AnalysisMessage): EvaluateRequest {
  const { input, sameTextAsHead } = message;
  const base = input.inputs.base;
  if (!base || !sameTextAsHead || sameTextAsHead.length === 0) return input;
  const headText = new Map(input.inputs.head.files.map((file) => [file.path, file.text]));
  for (const index of sameTextAsHead) {
    const file = base.files[index];
    const text = file ? headText.get(file.path) : undefined;
    if (!file || text === undefined) throw new Error("an analysis request names a base file the head does not have");
    file.text = text;
  }
  return input;
}
