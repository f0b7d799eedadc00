import { bytesOf, isUniversal, Tag, type Asn1 } from "./der.js";

/**
 * X.509 validity times, parsed the way Go's cryptobyte does: UTCTime with or without seconds, GeneralizedTime with an
 * optional fraction (no trailing zeros), "Z" or a non-zero "+hhmm"/"-hhmm" offset, and calendar-valid fields.
 */

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d*[1-9])?(Z|[+-]\d{4})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function offsetMinutes(zone: string): number | null {
  if (zone === "Z") return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(3, 5));
  // Go prints a zero offset as "Z", so "+0000" does not survive its re-serialisation check.
  if (hours > 23 || minutes > 59 || (hours === 0 && minutes === 0)) return null;
  const total = hours * 60 + minutes;
  return zone.startsWith("-") ? -total : total;
}

function build(year: number, fields: readonly string[], fraction: string, zone: string): Date | null {
  const [month, day, hour, minute, second] = fields.map(Number);
  if (month === undefined || day === undefined || hour === undefined || minute === undefined || second === undefined)
    return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const offset = offsetMinutes(zone);
  if (offset === null) return null;
  const millis = fraction === "" ? 0 : Math.floor(Number(`0${fraction}`) * 1000);
  // setUTCFullYear rather than Date.UTC, which maps years 0..99 to 1900..1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return new Date(date.getTime() - offset * 60_000);
}

export function parseTime(node: Asn1 | undefined): Date | null {
  const text = bytesOf(node);
  if (text === null) return null;
  if (isUniversal(node, Tag.UTC_TIME)) {
    const match = UTC_TIME.exec(text);
    if (match === null) return null;
    const twoDigitYear = Number(match[1]);
    const year = twoDigitYear < 50 ? 2000 + twoDigitYear : 1900 + twoDigitYear;
    return build(
      year,
      [match[2] ?? "", match[3] ?? "", match[4] ?? "", match[5] ?? "", match[6] ?? "00"],
      "",
      match[7] ?? "",
    );
  }
  if (isUniversal(node, Tag.GENERALIZED_TIME)) {
    const match = GENERALIZED_TIME.exec(text);
    if (match === null) return null;
    const year = Number(match[1]);
    return build(
      year,
      [match[2] ?? "", match[3] ?? "", match[4] ?? "", match[5] ?? "", match[6] ?? ""],
      match[7] ?? "",
      match[8] ?? "",
    );
  }
  return null;
}
