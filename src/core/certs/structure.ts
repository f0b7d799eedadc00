import {
  childrenOf,
  CONTEXT_SPECIFIC,
  encode,
  isContext,
  parseDer,
  readBitString,
  readInteger,
  readOid,
  sequenceChildren,
  type Asn1,
} from "./der.js";
import { readExtensions, type ExtensionFacts, type Malformation } from "./extensions.js";
import { parseName, type ParsedName } from "./names.js";
import { HASH_ALGORITHMS, OID, SIGNATURE_ALGORITHMS } from "./oids.js";
import { readPublicKeyInfo, type SubjectPublicKeyInfo } from "./spki.js";
import { parseTime } from "./time.js";
import type { SignatureAlgorithmFacts } from "./types.js";

/**
 * Walks a certificate's DER with node-forge's ASN.1 parser: the facts Node does not expose, and the encodings Go's
 * crypto/x509 would refuse although OpenSSL (and so Node) loads them. Best effort: each part that cannot be read
 * becomes a malformation and a neutral value, so the other facts survive.
 */

export interface CertificateStructure {
  readonly version: number;
  readonly serial: string;
  readonly subject: ParsedName | null;
  readonly issuer: ParsedName | null;
  readonly notBefore: Date | null;
  readonly notAfter: Date | null;
  readonly signatureAlgorithm: SignatureAlgorithmFacts;
  readonly publicKeyInfo: SubjectPublicKeyInfo;
  readonly extensions: ExtensionFacts;
  readonly malformations: readonly Malformation[];
}

const UNKNOWN_SIGNATURE: SignatureAlgorithmFacts = { name: "unknown", oid: "", hash: null };

/** RSASSA-PSS-params: the hash is the `[0] hashAlgorithm` field, SHA-1 when absent (RFC 4055). */
function pssHash(parameters: Asn1 | undefined): string | null {
  const fields = sequenceChildren(parameters);
  if (fields === null) return null;
  const hashField = fields.find((field) => isContext(field, 0));
  if (hashField === undefined) return "sha1";
  const hashOid = readOid(sequenceChildren(childrenOf(hashField)?.[0])?.[0]);
  return hashOid === null ? null : (HASH_ALGORITHMS.get(hashOid) ?? hashOid);
}

function readSignatureAlgorithm(node: Asn1 | undefined): SignatureAlgorithmFacts | null {
  const fields = sequenceChildren(node);
  const oid = readOid(fields?.[0]);
  if (fields === null || oid === null || fields.length > 2) return null;
  if (oid === OID.rsassaPss) return { name: "RSASSA-PSS", oid, hash: pssHash(fields[1]) };
  const known = SIGNATURE_ALGORITHMS.get(oid);
  return known === undefined ? { name: oid, oid, hash: null } : { name: known.name, oid, hash: known.hash };
}

interface TbsCursor {
  readonly fields: readonly Asn1[];
  next: number;
}

function take(cursor: TbsCursor): Asn1 | undefined {
  const field = cursor.fields[cursor.next];
  cursor.next++;
  return field;
}

function readVersion(cursor: TbsCursor, malformations: Malformation[]): number {
  const first = cursor.fields[0];
  if (!isContext(first, 0)) return 1;
  cursor.next++;
  const value = readInteger(childrenOf(first)?.[0]);
  if (value === null || value.negative || value.small === null || value.small > 2) {
    malformations.push({ code: "version", reason: "version field is not 1, 2 or 3" });
    return 3;
  }
  return value.small + 1;
}

function readSerial(node: Asn1 | undefined, malformations: Malformation[]): string {
  const serial = readInteger(node);
  if (serial === null) {
    malformations.push({ code: "serial-malformed", reason: "serial number is not a minimally encoded INTEGER" });
    return "";
  }
  if (serial.negative) malformations.push({ code: "serial-negative", reason: "serial number is negative" });
  return serial.hex;
}

function readNameField(node: Asn1 | undefined, which: string, malformations: Malformation[]): ParsedName | null {
  const name = parseName(node);
  if (name === null) {
    malformations.push({ code: "name-malformed", reason: `${which} is not a valid Name` });
  } else if (name.malformation !== null) {
    malformations.push({ code: "name-malformed", reason: `${which}: ${name.malformation}` });
  }
  return name;
}

function readValidity(
  node: Asn1 | undefined,
  malformations: Malformation[],
): { notBefore: Date | null; notAfter: Date | null } {
  const times = sequenceChildren(node);
  const notBefore = parseTime(times?.[0]);
  const notAfter = parseTime(times?.[1]);
  if (times === null || times.length !== 2 || notBefore === null || notAfter === null) {
    malformations.push({
      code: "time-malformed",
      reason: "validity is not two well-formed UTCTime/GeneralizedTime values",
    });
  }
  return { notBefore, notAfter };
}

/** The optional `[1]`, `[2]` unique IDs and `[3]` extensions, in that order and nothing else. */
function readTrailingFields(cursor: TbsCursor, version: number, malformations: Malformation[]): Asn1 | undefined {
  let extensions: Asn1 | undefined;
  let lastTag = 0;
  while (cursor.next < cursor.fields.length) {
    const field = take(cursor);
    const tag = field?.tagClass === CONTEXT_SPECIFIC ? field.type : -1;
    if (tag < 1 || tag > 3 || tag <= lastTag) {
      malformations.push({ code: "certificate-structure", reason: "unexpected field after subjectPublicKeyInfo" });
      break;
    }
    lastTag = tag;
    if (tag === 3) extensions = field;
  }
  if (extensions !== undefined && version !== 3) {
    malformations.push({ code: "version", reason: `extensions in a version ${version} certificate` });
  }
  return extensions;
}

/** Null when the DER cannot be read as a certificate at all (then only Node's facts are available). */
export function readCertificateStructure(binaryDer: string, maxSanEntries: number): CertificateStructure | null {
  const parsed = parseDer(binaryDer);
  const top = sequenceChildren(parsed?.tree);
  const tbsFields = sequenceChildren(top?.[0]);
  if (parsed === null || top === null || tbsFields === null) return null;
  const malformations: Malformation[] = [];
  if (!parsed.canonical) {
    malformations.push({
      code: "der-encoding",
      reason: "not canonical DER (length forms, integer padding or trailing bytes)",
    });
  }
  if (top.length !== 3) {
    malformations.push({
      code: "certificate-structure",
      reason: "certificate is not SEQUENCE { tbs, algorithm, signature }",
    });
  }

  const cursor: TbsCursor = { fields: tbsFields, next: 0 };
  const version = readVersion(cursor, malformations);
  const serial = readSerial(take(cursor), malformations);
  const innerAlgorithm = take(cursor);
  const issuer = readNameField(take(cursor), "issuer", malformations);
  const { notBefore, notAfter } = readValidity(take(cursor), malformations);
  const subject = readNameField(take(cursor), "subject", malformations);
  const publicKeyInfo = readPublicKeyInfo(take(cursor), malformations, parsed.canonical);
  const extensionsNode = readTrailingFields(cursor, version, malformations);
  const extensions = readExtensions(extensionsNode, maxSanEntries);
  malformations.push(...extensions.malformations);

  const outerAlgorithm = top[1];
  const signatureAlgorithm = readSignatureAlgorithm(outerAlgorithm);
  const sameAlgorithm =
    innerAlgorithm !== undefined && outerAlgorithm !== undefined && encode(innerAlgorithm) === encode(outerAlgorithm);
  if (signatureAlgorithm === null || !sameAlgorithm) {
    malformations.push({
      code: "signature-algorithm-mismatch",
      reason: "inner and outer signature algorithms differ or are unreadable",
    });
  }
  if (readBitString(top[2]) === null) {
    malformations.push({ code: "signature-malformed", reason: "signature is not a valid BIT STRING" });
  }

  return {
    version,
    serial,
    subject,
    issuer,
    notBefore,
    notAfter,
    signatureAlgorithm: signatureAlgorithm ?? UNKNOWN_SIGNATURE,
    publicKeyInfo,
    extensions,
    malformations,
  };
}
