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
  /**
   * RSA keys above this many bits are described from the DER but never used to verify a signature: verifying with a
   * 16,384-bit key costs about 40 times a 2,048-bit one, and a bundle's chain checks can ask for thousands of
   * verifications. 8,192 is also what Go's crypto/tls accepts from a peer by default (tlsmaxrsasize).
   */
  readonly maxRsaKeyBits: number;
  /** Cache entries per cache (LRU). */
  readonly maxCacheEntries: number;
}

export const DEFAULT_LIMITS: CertLimits = {
  maxValueBytes: 1024 * 1024,
  maxCertificatesPerValue: 100,
  maxSanEntries: 100,
  maxOtherBlockLabels: 20,
  maxRsaKeyBits: 8192,
  maxCacheEntries: 10_000,
};
