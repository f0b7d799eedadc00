/** Caps that keep hostile Secret values from hanging or exhausting the analysis. */
export interface CertLimits {
  /** Decoded values larger than this are reported "too-large" and never parsed. */
  readonly maxValueBytes: number;
  /** CERTIFICATE blocks parsed per value; the rest are only counted. */
  readonly maxCertificatesPerValue: number;
  /** SAN DNS names and IP addresses kept per certificate (each list); the total is still counted. */
  readonly maxSanEntries: number;
  /** Labels of non-certificate PEM blocks kept per value. */
  readonly maxOtherBlockLabels: number;
  /** Cache entries per cache (LRU). */
  readonly maxCacheEntries: number;
}

export const DEFAULT_LIMITS: CertLimits = {
  maxValueBytes: 1024 * 1024,
  maxCertificatesPerValue: 100,
  maxSanEntries: 100,
  maxOtherBlockLabels: 20,
  maxCacheEntries: 10_000,
};
