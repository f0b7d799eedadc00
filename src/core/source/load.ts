import { LineCounter, parseAllDocuments, type Document } from "yaml";
import type { Location, MessageData, SourceFile } from "../types.js";
import { identityMapper, LocatedDocument, type PositionMapper } from "./yaml-document.js";

/** A problem found while reading input, before any resource exists. Each is reported by the rule named `ruleId`. */
export interface SourceDiagnostic {
  ruleId: string;
  location: Location;
  resource: string | null;
  data: MessageData;
}

export interface LoadLimits {
  /** Files larger than this are reported and not parsed. */
  maxFileBytes: number;
  /** Alias expansions allowed per document; a "billion laughs" document exceeds it long before it costs anything. */
  maxAliasCount: number;
  /** Documents read per file; the rest are reported. */
  maxDocumentsPerFile: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  maxFileBytes: 1024 * 1024,
  maxAliasCount: 1000,
  maxDocumentsPerFile: 20_000,
};

export interface ParsedFile {
  documents: LocatedDocument[];
  diagnostics: SourceDiagnostic[];
}

const HELM_TEMPLATE = /\{\{[-\s]*[.$a-zA-Z/]/;

export function isManifestPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/** Parses a manifest file into located documents; everything that goes wrong becomes a diagnostic, never a throw. */
export function parseManifestFile(file: SourceFile, limits: LoadLimits = DEFAULT_LOAD_LIMITS): ParsedFile {
  const size = file.size ?? byteLength(file.text);
  const whole: Location = { file: file.path, line: 1, column: 1, endLine: 1, endColumn: 2 };
  if (size > limits.maxFileBytes) {
    return { documents: [], diagnostics: [diag("file-too-large", whole, { bytes: size, limit: limits.maxFileBytes })] };
  }
  const binary = file.binary === true || looksBinary(file.text);
  const encryption = encryptionOf(file.path, file.text, binary);
  if (encryption) {
    return { documents: [], diagnostics: [diag("file-skipped", whole, { reason: "encrypted", format: encryption.format })] };
  }
  if (binary) {
    return { documents: [], diagnostics: [diag("file-skipped", whole, { reason: "binary" })] };
  }
  const text = stripBom(file.text);
  const helm = findHelmTemplate(text);
  if (helm) {
    const location = { file: file.path, line: helm.line, column: helm.column, endLine: helm.line, endColumn: helm.column + 2 };
    return { documents: [], diagnostics: [diag("file-skipped", location, { reason: "helm-template" })] };
  }
  return parseYamlText(text, file.path, identityMapper, limits);
}

/**
 * Parses YAML text (a file, or a block embedded in an annotation) into documents. `mapPosition` turns positions in
 * `text` into positions in the file, so findings inside an annotation point at the annotation's own lines.
 */
export function parseYamlText(
  text: string,
  path: string,
  mapPosition: PositionMapper,
  limits: LoadLimits = DEFAULT_LOAD_LIMITS,
): ParsedFile {
  const lines = new LineCounter();
  const diagnostics: SourceDiagnostic[] = [];
  const documents: LocatedDocument[] = [];
  const at = (line: number, column: number): Location => {
    const from = mapPosition(line, column);
    return { file: path, line: from.line, column: from.column, endLine: from.line, endColumn: from.column + 1 };
  };
  let parsed: Document.Parsed[];
  try {
    // logLevel "error": the parser's warnings (collection keys, say) must not reach the process's stderr.
    parsed = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, logLevel: "error" }) as Document.Parsed[];
  } catch (error) {
    // The parser recurses on nesting depth; a pathological file must cost a finding, not the run.
    return { documents, diagnostics: [diag("yaml-syntax", at(1, 1), { problem: describeParserFailure(error) })] };
  }
  if (!Array.isArray(parsed)) return { documents, diagnostics };
  parsed.forEach((doc, index) => {
    if (index >= limits.maxDocumentsPerFile) {
      if (index === limits.maxDocumentsPerFile) {
        const pos = lines.linePos(doc.range[0]);
        diagnostics.push(diag("file-too-large", at(pos.line, pos.col), { documents: parsed.length, limit: limits.maxDocumentsPerFile }));
      }
      return;
    }
    if (doc.errors.length > 0) {
      for (const error of doc.errors.slice(0, 3)) {
        const pos = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
        const problem = /call stack/i.test(error.message) ? "the document is nested too deeply to read" : firstLine(error.message);
        diagnostics.push(diag("yaml-syntax", at(pos.line, pos.col), { problem }));
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (error) {
      const pos = lines.linePos(doc.range[0]);
      diagnostics.push(diag("yaml-syntax", at(pos.line, pos.col), { problem: describeParserFailure(error) }));
      return;
    }
    if (value === null || value === undefined) return;
    documents.push(new LocatedDocument(path, index, value, doc, lines, mapPosition));
  });
  return { documents, diagnostics };
}

function diag(ruleId: string, location: Location, data: MessageData): SourceDiagnostic {
  return { ruleId, location, resource: null, data };
}

function describeParserFailure(error: unknown): string {
  if (error instanceof RangeError) return "the document is nested too deeply to read";
  if (error instanceof ReferenceError && /alias/i.test(error.message)) {
    return "the document expands too many aliases (an alias bomb?)";
  }
  return error instanceof Error ? firstLine(error.message) : "the document could not be read";
}

function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** NUL bytes or replacement characters (what invalid UTF-8 decodes to) mean the file is not text. */
function looksBinary(text: string): boolean {
  const sample = text.length > 65536 ? text.slice(0, 65536) : text;
  return sample.includes("\u0000") || sample.includes("\ufffd");
}

/** Magic openings of whole-file encryption formats: what `openssl enc`, gpg, age, git-crypt and Ansible Vault write. */
const ENCRYPTED_OPENINGS: readonly { opening: string; format: string }[] = [
  { opening: "Salted__", format: "openssl enc" },
  // The base64 of "Salted__": `openssl enc -a` output, text that would otherwise read as one YAML string.
  { opening: "U2FsdGVkX1", format: "openssl enc" },
  { opening: "-----BEGIN PGP MESSAGE-----", format: "OpenPGP" },
  { opening: "-----BEGIN AGE ENCRYPTED FILE-----", format: "age" },
  { opening: "age-encryption.org/v1", format: "age" },
  { opening: "\u0000GITCRYPT\u0000", format: "git-crypt" },
  { opening: "$ANSIBLE_VAULT;", format: "Ansible Vault" },
];

/** A whole-file encryption name: `secrets.enc.yaml`, `tls.enc.yml`. */
const ENCRYPTED_NAME = /\.enc\.ya?ml$/i;

/**
 * Whether a file is encrypted as a whole: it opens with an encryption format's magic, or it is unreadable (binary) and
 * named `*.enc.yaml`. A readable `*.enc.yaml` is parsed: SOPS writes YAML with encrypted values under that name.
 */
function encryptionOf(path: string, text: string, binary: boolean): { format: string | null } | undefined {
  const opening = stripBom(text.length > 64 ? text.slice(0, 64) : text).trimStart();
  const known = ENCRYPTED_OPENINGS.find((e) => opening.startsWith(e.opening));
  if (known) return { format: known.format };
  if (binary && ENCRYPTED_NAME.test(path)) return { format: null };
  return undefined;
}

/** Template markup outside comments: the file is a Helm or Go template, not a manifest. */
function findHelmTemplate(text: string): { line: number; column: number } | undefined {
  if (!text.includes("{{")) return undefined;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const comment = line.search(/(^|\s)#/);
    const code = comment >= 0 ? line.slice(0, comment) : line;
    const match = HELM_TEMPLATE.exec(code);
    if (match) return { line: i + 1, column: match.index + 1 };
  }
  return undefined;
}
