import { Buffer } from "node:buffer";

import {
  bytesOf,
  childrenOf,
  CONTEXT_SPECIFIC,
  isUniversal,
  parseDer,
  readBitString,
  readBoolean,
  readInteger,
  readOid,
  sequenceChildren,
  Tag,
  type Asn1,
} from "./der.js";
import { formatIp } from "./ip.js";
import { EXTENDED_KEY_USAGES, HANDLED_EXTENSIONS, KEY_USAGE_BITS, OID, type KeyUsageName } from "./oids.js";
import type { CertProblemCode } from "./problems.js";
import type { BasicConstraintsFacts } from "./types.js";

/** The v3 extensions the rules need, read from the DER (Node exposes too little, and some of it wrongly). */

export interface Malformation {
  readonly code: CertProblemCode;
  readonly reason: string;
}

/** Built up extension by extension, hence mutable; callers copy what they need into readonly facts. */
export interface ExtensionFacts {
  basicConstraints: BasicConstraintsFacts;
  keyUsage: KeyUsageName[] | null;
  extKeyUsage: string[] | null;
  sanDnsNames: string[];
  sanIpAddresses: string[];
  sanCount: number;
  /** DNS names and IP addresses counted but not kept because their list was full. */
  sanOmitted: number;
  unhandledCriticalExtensions: string[];
  malformations: Malformation[];
}

export const ABSENT_BASIC_CONSTRAINTS: BasicConstraintsFacts = {
  present: false,
  cA: false,
  critical: false,
  pathLength: null,
};

/** GeneralName tags (RFC 5280 4.2.1.6), context-specific and implicit. */
const GENERAL_NAME = { rfc822Name: 1, dNSName: 2, uniformResourceIdentifier: 6, iPAddress: 7 } as const;

const MAX_DNS_NAME_LENGTH = 255;

function isAscii(bytes: string): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes.charCodeAt(i) >= 0x80) return false;
  return true;
}

function parseBasicConstraints(value: Asn1, critical: boolean): BasicConstraintsFacts | null {
  const fields = sequenceChildren(value);
  if (fields === null || fields.length > 2) return null;
  let cA = false;
  let pathLength: number | null = null;
  let next = 0;
  if (isUniversal(fields[next], Tag.BOOLEAN)) {
    const flag = readBoolean(fields[next]);
    if (flag === null) return null;
    cA = flag;
    next++;
  }
  if (isUniversal(fields[next], Tag.INTEGER)) {
    const length = readInteger(fields[next]);
    if (length === null || length.negative) return null;
    pathLength = length.small;
    next++;
  }
  if (next !== fields.length) return null;
  return { present: true, cA, critical, pathLength };
}

function parseKeyUsage(value: Asn1): KeyUsageName[] | null {
  const bits = readBitString(value);
  if (bits === null) return null;
  const names: KeyUsageName[] = [];
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bits.bytes.charCodeAt(bit >> 3);
    if (!Number.isNaN(byte) && (byte & (0x80 >> (bit & 7))) !== 0) names.push(name);
  });
  return names;
}

function parseExtKeyUsage(value: Asn1): string[] | null {
  const purposes = sequenceChildren(value);
  if (purposes === null) return null;
  const names: string[] = [];
  for (const purpose of purposes) {
    const oid = readOid(purpose);
    if (oid === null) return null;
    names.push(EXTENDED_KEY_USAGES.get(oid) ?? oid);
  }
  return names;
}

interface SanLists {
  dnsNames: string[];
  ipAddresses: string[];
  count: number;
  omitted: number;
}

function parseSubjectAltName(value: Asn1, maxEntries: number): SanLists | string {
  const names = sequenceChildren(value);
  if (names === null) return "not a SEQUENCE of GeneralNames";
  const lists: SanLists = { dnsNames: [], ipAddresses: [], count: names.length, omitted: 0 };
  for (const name of names) {
    if (name.tagClass !== CONTEXT_SPECIFIC) return "GeneralName with a non-context tag";
    const content = bytesOf(name);
    switch (name.type) {
      case GENERAL_NAME.dNSName:
        if (content === null || !isAscii(content)) return "dNSName is not an IA5String";
        // Longer than any DNS name can be: counted, not kept (so no megabyte strings ride along in the facts).
        if (content.length > MAX_DNS_NAME_LENGTH) break;
        if (lists.dnsNames.length < maxEntries) lists.dnsNames.push(content);
        else lists.omitted++;
        break;
      case GENERAL_NAME.iPAddress: {
        const ip = content === null ? null : formatIp(Buffer.from(content, "latin1"));
        if (ip === null) return `iPAddress of ${content?.length ?? 0} bytes (must be 4 or 16)`;
        if (lists.ipAddresses.length < maxEntries) lists.ipAddresses.push(ip);
        else lists.omitted++;
        break;
      }
      case GENERAL_NAME.rfc822Name:
      case GENERAL_NAME.uniformResourceIdentifier:
        if (content === null || !isAscii(content)) return "rfc822Name or URI is not an IA5String";
        break;
      default:
        break;
    }
  }
  return lists;
}

interface RawExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** Null for an extension we do not read whose value is not DER (Go does not look inside those either). */
  readonly value: Asn1 | null;
}

function readExtension(node: Asn1): RawExtension | string {
  const fields = sequenceChildren(node);
  if (fields === null || fields.length < 2 || fields.length > 3) {
    return "extension is not SEQUENCE { id, critical?, value }";
  }
  const oid = readOid(fields[0]);
  if (oid === null) return "extension id is not an OID";
  let critical = false;
  if (fields.length === 3) {
    const flag = readBoolean(fields[1]);
    if (flag === null) return `extension ${oid}: critical is not a DER BOOLEAN`;
    critical = flag;
  }
  const last = fields[fields.length - 1];
  const wrapped = isUniversal(last, Tag.OCTET_STRING) ? bytesOf(last) : null;
  if (wrapped === null) return `extension ${oid}: value is not an OCTET STRING`;
  const inner = parseDer(wrapped);
  // Unknown extensions may hold anything; only the ones we read must be DER.
  if (inner === null || !inner.canonical) {
    return isReadExtension(oid) ? `extension ${oid}: value is not valid DER` : { oid, critical, value: null };
  }
  return { oid, critical, value: inner.tree };
}

function isReadExtension(oid: string): boolean {
  return oid === OID.basicConstraints || oid === OID.keyUsage || oid === OID.extKeyUsage || oid === OID.subjectAltName;
}

/** Reads the `[3] EXPLICIT Extensions` node of a TBSCertificate (undefined when the certificate has none). */
export function readExtensions(wrapper: Asn1 | undefined, maxSanEntries: number): ExtensionFacts {
  const facts: ExtensionFacts = {
    basicConstraints: ABSENT_BASIC_CONSTRAINTS,
    keyUsage: null,
    extKeyUsage: null,
    sanDnsNames: [],
    sanIpAddresses: [],
    sanCount: 0,
    sanOmitted: 0,
    unhandledCriticalExtensions: [],
    malformations: [],
  };
  if (wrapper === undefined) return facts;
  const malformed = (reason: string): ExtensionFacts => {
    facts.malformations.push({ code: "extension-malformed", reason });
    return facts;
  };
  const list = sequenceChildren(childrenOf(wrapper)?.[0]);
  if (list === null || childrenOf(wrapper)?.length !== 1) return malformed("extensions are not a SEQUENCE");
  const seen = new Set<string>();
  for (const node of list) {
    const extension = readExtension(node);
    if (typeof extension === "string") {
      malformed(extension);
      continue;
    }
    const { oid, critical, value } = extension;
    if (seen.has(oid)) {
      facts.malformations.push({ code: "extension-duplicate", reason: `extension ${oid} appears twice` });
    }
    seen.add(oid);
    if (critical && !HANDLED_EXTENSIONS.has(oid)) facts.unhandledCriticalExtensions.push(oid);
    if (value !== null) applyExtension(facts, oid, critical, value, maxSanEntries);
  }
  return facts;
}

function applyExtension(
  facts: ExtensionFacts,
  oid: string,
  critical: boolean,
  value: Asn1,
  maxSanEntries: number,
): void {
  const malformed = (what: string): void => {
    facts.malformations.push({ code: "extension-malformed", reason: `${what} extension is malformed` });
  };
  switch (oid) {
    case OID.basicConstraints: {
      const parsed = parseBasicConstraints(value, critical);
      if (parsed === null) malformed("basicConstraints");
      else facts.basicConstraints = parsed;
      break;
    }
    case OID.keyUsage: {
      const parsed = parseKeyUsage(value);
      if (parsed === null) malformed("keyUsage");
      else facts.keyUsage = parsed;
      break;
    }
    case OID.extKeyUsage: {
      const parsed = parseExtKeyUsage(value);
      if (parsed === null) malformed("extKeyUsage");
      else facts.extKeyUsage = parsed;
      break;
    }
    case OID.subjectAltName: {
      const parsed = parseSubjectAltName(value, maxSanEntries);
      if (typeof parsed === "string") {
        facts.malformations.push({ code: "extension-malformed", reason: `subjectAltName: ${parsed}` });
      } else {
        facts.sanDnsNames = parsed.dnsNames;
        facts.sanIpAddresses = parsed.ipAddresses;
        facts.sanCount = parsed.count;
        facts.sanOmitted = parsed.omitted;
      }
      break;
    }
    default:
      break;
  }
}
