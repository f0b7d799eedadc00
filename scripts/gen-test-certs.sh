#!/usr/bin/env bash
# Generates the certificate and key fixtures in test/fixtures/certs/ with OpenSSL 3.0.
#
# Run once and commit the output; the tests read the committed files, they never run this script.
# Keys are fresh on every run, so re-running changes every file (and the facts in the README that depend
# on keys: fingerprints). Dates are fixed so that the tests can inject a fixed `now`:
#   good certificates:   2025-01-01 .. 2049-12-31 (UTCTime's last year, well past 2036)
#   expired:             2020-01-01 .. 2021-01-01
#   not yet valid:       2040-01-01 .. 2045-01-01
#
# Usage: scripts/gen-test-certs.sh [output-dir]   (default: test/fixtures/certs)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo_root/test/fixtures/certs}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

good_start=20250101000000Z
good_end=20491231235959Z

# `openssl ca` is the only OpenSSL 3.0 command that takes explicit -startdate/-enddate, so every certificate
# goes through it (self-signed ones with -selfsign). Its database and serial counter live in $work.
touch "$work/index.txt"
echo 1000 > "$work/serial"
mkdir -p "$work/newcerts"
cat > "$work/ca.cnf" <<EOF
[ ca ]
default_ca = fixture_ca

[ fixture_ca ]
database         = $work/index.txt
new_certs_dir    = $work/newcerts
serial           = $work/serial
policy           = policy_anything
unique_subject   = no
preserve         = yes
email_in_dn      = no
default_md       = sha256

[ policy_anything ]
countryName            = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied

[ req ]
distinguished_name = req_dn
prompt             = no
[ req_dn ]
CN = unused

[ ext_root_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ ext_intermediate_ca ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

[ ext_ca_without_keycertsign ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, digitalSignature, cRLSign

[ ext_client ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = clientAuth
subjectAltName         = DNS:client.example.com, DNS:*.clients.example.com, IP:10.0.0.7
authorityKeyIdentifier = keyid

[ ext_client_ec ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectAltName         = DNS:client.example.com
authorityKeyIdentifier = keyid

[ ext_no_san ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = clientAuth
authorityKeyIdentifier = keyid

[ ext_server_only ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:server.example.com
authorityKeyIdentifier = keyid

[ ext_any_eku_only ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = anyExtendedKeyUsage
subjectAltName         = DNS:any.example.com
authorityKeyIdentifier = keyid

[ ext_leaf_ca_true ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectAltName         = DNS:leaf-ca.example.com
authorityKeyIdentifier = keyid
EOF

quiet() { "$@" 2>/dev/null; }

# key <name> <openssl genpkey args...>: a PKCS#8 key (genpkey's only output format).
key_pkcs8() { local name="$1"; shift; quiet openssl genpkey "$@" -out "$out/$name.key"; }

# csr <key-file> <subject> -> $work/<subject-tag>.csr
csr() { quiet openssl req -new -config "$work/ca.cnf" -key "$1" -subj "$2" -out "$3"; }

# sign <issuer-cert> <issuer-key> <csr> <out> <extensions|none> <start> <end> [extra ca args...]
sign() {
  local issuer_cert="$1" issuer_key="$2" request="$3" dest="$4" exts="$5" start="$6" end="$7"
  shift 7
  local ext_args=()
  if [[ "$exts" != none ]]; then ext_args=(-extensions "$exts"); fi
  quiet openssl ca -batch -notext -preserveDN -config "$work/ca.cnf" -cert "$issuer_cert" -keyfile "$issuer_key" \
    -in "$request" -out "$dest" -startdate "$start" -enddate "$end" "${ext_args[@]}" "$@"
}

# self_sign <key> <subject> <out> <extensions|none> [extra ca args...]
self_sign() {
  local key="$1" subject="$2" dest="$3" exts="$4"
  shift 4
  local ext_args=()
  if [[ "$exts" != none ]]; then ext_args=(-extensions "$exts"); fi
  csr "$key" "$subject" "$work/self.csr"
  quiet openssl ca -batch -notext -preserveDN -selfsign -config "$work/ca.cnf" -keyfile "$key" -in "$work/self.csr" \
    -out "$dest" -startdate "$good_start" -enddate "$good_end" "${ext_args[@]}" "$@"
}

# leaf <key> <CN> <out> <extensions> [issuer: root|intermediate] [start] [end] [extra ca args...]
leaf() {
  local key="$1" cn="$2" dest="$3" exts="$4" issuer="${5:-root}" start="${6:-$good_start}" end="${7:-$good_end}"
  shift 7 2>/dev/null || shift $#
  csr "$key" "/O=mtls-gate fixtures/CN=$cn" "$work/leaf.csr"
  sign "$out/$issuer-ca.crt" "$work/$issuer-ca.key" "$work/leaf.csr" "$dest" "$exts" "$start" "$end" "$@"
}

# --- Certificate authorities -------------------------------------------------------------------------
quiet openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/root-ca.key"
self_sign "$work/root-ca.key" "/O=mtls-gate fixtures/CN=Fixture Root CA" "$out/root-ca.crt" ext_root_ca

quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/intermediate-ca.key"
csr "$work/intermediate-ca.key" "/O=mtls-gate fixtures/CN=Fixture Intermediate CA" "$work/intermediate.csr"
sign "$out/root-ca.crt" "$work/root-ca.key" "$work/intermediate.csr" "$out/intermediate-ca.crt" \
  ext_intermediate_ca "$good_start" "$good_end"

# A CA that says cA=TRUE but whose keyUsage lacks keyCertSign: Node's X509Certificate.ca reports false for it.
quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/ca-no-keycertsign.key"
self_sign "$work/ca-no-keycertsign.key" "/O=mtls-gate fixtures/CN=CA Without keyCertSign" \
  "$out/ca-no-keycertsign.crt" ext_ca_without_keycertsign

# No extensions section at all: `openssl ca` then writes a version 1 certificate.
quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/v1-root.key"
self_sign "$work/v1-root.key" "/O=mtls-gate fixtures/CN=Version 1 Root" "$out/v1-root.crt" none

# --- Keys in every accepted format ------------------------------------------------------------------
key_pkcs8 rsa1024 -algorithm RSA -pkeyopt rsa_keygen_bits:1024
quiet openssl genrsa -traditional -out "$out/rsa2048.key" 2048                      # PKCS#1
key_pkcs8 rsa4096 -algorithm RSA -pkeyopt rsa_keygen_bits:4096
quiet openssl ecparam -name prime256v1 -genkey -noout -out "$out/ec-p256.key"         # SEC1
key_pkcs8 ec-p384 -algorithm EC -pkeyopt ec_paramgen_curve:P-384
key_pkcs8 ed25519 -algorithm ED25519
quiet openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out "$work/dsa.params"
quiet openssl genpkey -paramfile "$work/dsa.params" -out "$out/dsa.key"
# `openssl ecparam -genkey` without -noout writes an EC PARAMETERS block before the key: Go's pem.Decode (and so
# Emissary's secret validation) only looks at the first block.
quiet openssl ecparam -name prime256v1 -genkey -out "$out/ec-params-first.key"
# Encrypted keys: PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY) and the legacy Proc-Type: 4,ENCRYPTED header.
quiet openssl pkcs8 -topk8 -v2 aes-256-cbc -in "$out/ec-p256.key" -passout pass:fixture -out "$out/encrypted-pkcs8.key"
quiet openssl ec -in "$out/ec-p256.key" -aes128 -passout pass:fixture -out "$out/encrypted-legacy.key"

# --- Leaf certificates ------------------------------------------------------------------------------
leaf "$out/rsa1024.key" rsa1024.example.com "$out/rsa1024.crt" ext_client
leaf "$out/rsa2048.key" rsa2048.example.com "$out/rsa2048.crt" ext_client
leaf "$out/rsa4096.key" rsa4096.example.com "$out/rsa4096.crt" ext_client
leaf "$out/ec-p256.key" ec-p256.example.com "$out/ec-p256.crt" ext_client_ec
leaf "$out/ec-p384.key" ec-p384.example.com "$out/ec-p384.crt" ext_client_ec
leaf "$out/ed25519.key" ed25519.example.com "$out/ed25519.crt" ext_client_ec
leaf "$out/rsa2048.key" sha1.example.com "$out/sha1-signed.crt" ext_client root "$good_start" "$good_end" -md sha1
leaf "$out/rsa2048.key" md5.example.com "$out/md5-signed.crt" ext_client root "$good_start" "$good_end" -md md5
leaf "$out/rsa2048.key" pss.example.com "$out/rsa-pss-signed.crt" ext_client root "$good_start" "$good_end" \
  -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
leaf "$out/ec-p256.key" expired.example.com "$out/expired.crt" ext_client_ec root 20200101000000Z 20210101000000Z
leaf "$out/ec-p256.key" future.example.com "$out/not-yet-valid.crt" ext_client_ec root 20400101000000Z 20450101000000Z
leaf "$out/ec-p256.key" no-san.example.com "$out/no-san.crt" ext_no_san
leaf "$out/ec-p256.key" server.example.com "$out/eku-server-only.crt" ext_server_only
leaf "$out/ec-p256.key" any.example.com "$out/eku-any-only.crt" ext_any_eku_only
leaf "$out/ec-p256.key" leaf-ca.example.com "$out/leaf-ca-true.crt" ext_leaf_ca_true

# A certificate and a key that do not belong together.
quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/mismatch-cert.key"
leaf "$work/mismatch-cert.key" mismatch.example.com "$out/mismatched.crt" ext_client_ec
quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/mismatched.key"

# Chains: a leaf issued by the intermediate, alone (incomplete), with the intermediate (good), and reversed.
leaf "$out/ec-p256.key" chained.example.com "$work/chained-leaf.crt" ext_client_ec intermediate
cp "$work/chained-leaf.crt" "$out/incomplete-chain.crt"
cat "$work/chained-leaf.crt" "$out/intermediate-ca.crt" > "$out/chain-good.crt"
cat "$out/intermediate-ca.crt" "$work/chained-leaf.crt" > "$out/chain-wrong-order.crt"

# --- README with every file's decoded facts -----------------------------------------------------------
declare -A purpose=(
  [root-ca.crt]="Root CA (RSA 2048): cA=TRUE, keyUsage keyCertSign+cRLSign. Issues most leaves."
  [intermediate-ca.crt]="Intermediate CA (EC P-256) issued by the root: cA=TRUE, pathlen 0."
  [ca-no-keycertsign.crt]="Self-signed CA with cA=TRUE but keyUsage lacking keyCertSign (Node's X509Certificate.ca says false)."
  [v1-root.crt]="Version 1 self-signed root: no extensions at all."
  [rsa1024.crt]="Client cert, RSA 1024 (weak key). Key: rsa1024.key."
  [rsa2048.crt]="Client cert, RSA 2048. Key: rsa2048.key (PKCS#1)."
  [rsa4096.crt]="Client cert, RSA 4096. Key: rsa4096.key (PKCS#8)."
  [ec-p256.crt]="Client cert, EC P-256. Key: ec-p256.key (SEC1)."
  [ec-p384.crt]="Client cert, EC P-384. Key: ec-p384.key (PKCS#8)."
  [ed25519.crt]="Client cert, Ed25519. Key: ed25519.key (PKCS#8)."
  [sha1-signed.crt]="Client cert signed with sha1WithRSAEncryption. Key: rsa2048.key."
  [md5-signed.crt]="Client cert signed with md5WithRSAEncryption (OpenSSL 3.0 still signs MD5). Key: rsa2048.key."
  [rsa-pss-signed.crt]="Client cert signed with RSASSA-PSS (SHA-256, salt 32). Key: rsa2048.key."
  [expired.crt]="Expired: 2020-01-01 .. 2021-01-01. Key: ec-p256.key."
  [not-yet-valid.crt]="Not yet valid: 2040-01-01 .. 2045-01-01. Key: ec-p256.key."
  [no-san.crt]="No subjectAltName extension. Key: ec-p256.key."
  [eku-server-only.crt]="extKeyUsage serverAuth only (wrong for a client certificate). Key: ec-p256.key."
  [eku-any-only.crt]="extKeyUsage anyExtendedKeyUsage only. Key: ec-p256.key."
  [leaf-ca-true.crt]="Leaf (clientAuth, SAN) that claims cA=TRUE. Key: ec-p256.key."
  [mismatched.crt]="Client cert whose key is NOT mismatched.key (its own key was discarded)."
  [incomplete-chain.crt]="Leaf issued by the intermediate, without the intermediate. Key: ec-p256.key."
  [chain-good.crt]="Leaf issued by the intermediate, then the intermediate. Key: ec-p256.key."
  [chain-wrong-order.crt]="The intermediate first, then the leaf. Key: ec-p256.key."
  [rsa1024.key]="PKCS#8 (BEGIN PRIVATE KEY), RSA 1024."
  [rsa2048.key]="PKCS#1 (BEGIN RSA PRIVATE KEY), RSA 2048."
  [rsa4096.key]="PKCS#8 (BEGIN PRIVATE KEY), RSA 4096."
  [ec-p256.key]="SEC1 (BEGIN EC PRIVATE KEY), P-256."
  [ec-p384.key]="PKCS#8 (BEGIN PRIVATE KEY), P-384."
  [ed25519.key]="PKCS#8 (BEGIN PRIVATE KEY), Ed25519."
  [dsa.key]="PKCS#8 (BEGIN PRIVATE KEY), DSA 2048."
  [ec-params-first.key]="An EC PARAMETERS block, then a SEC1 P-256 key (what 'openssl ecparam -genkey' writes)."
  [encrypted-pkcs8.key]="BEGIN ENCRYPTED PRIVATE KEY (PKCS#8, AES-256-CBC; passphrase 'fixture'); the ec-p256 key."
  [encrypted-legacy.key]="BEGIN EC PRIVATE KEY with Proc-Type: 4,ENCRYPTED (AES-128-CBC; passphrase 'fixture'); the ec-p256 key."
  [mismatched.key]="PKCS#8 P-256 key that matches no certificate here."
)

# One certificate's summary, in the spirit of `openssl x509 -noout -text` but without the key and signature bytes.
cert_summary() {
  openssl x509 -noout -text -certopt no_sigdump,no_extensions -in "$1" \
    | grep -E '^\s+(Version|Serial Number|Signature Algorithm|Issuer|Subject:|Not Before|Not After|Public Key Algorithm|.*Public-Key|ASN1 OID|NIST CURVE|Hash Algorithm|Salt Length)' \
    | sed -E 's/^\s+/    /; s/\s+$//' | awk '!seen[$0]++'
  openssl x509 -noout -ext basicConstraints,keyUsage,extendedKeyUsage,subjectAltName -in "$1" 2>/dev/null \
    | sed -E 's/^/    /; s/\s+$//'
  openssl x509 -noout -fingerprint -sha256 -in "$1" | sed -E 's/^/    /'
}

split_bundle() { awk -v dir="$2" '/-----BEGIN CERTIFICATE-----/{n++} n{print > (dir "/part" n ".pem")}' "$1"; }

{
  echo "# Certificate and key fixtures"
  echo
  echo "Generated by \`scripts/gen-test-certs.sh\` (OpenSSL 3.0); do not edit by hand. Keys change on every run, so"
  echo "re-running the script rewrites this file too. Dates: good certificates run from 2025-01-01 to 2049-12-31."
  echo "These keys are test material only, published on purpose; never use them anywhere else."
  echo
  echo "## Files"
  echo
  echo "| file | what it is |"
  echo "| --- | --- |"
  for f in $(ls "$out" | grep -E '\.(crt|key)$' | sort); do echo "| \`$f\` | ${purpose[$f]:-} |"; done
  echo
  echo "## Decoded certificates"
  for f in $(ls "$out" | grep -E '\.crt$' | sort); do
    echo
    echo "### $f"
    echo
    echo '```'
    parts="$work/parts-$f"
    mkdir -p "$parts"
    split_bundle "$out/$f" "$parts"
    i=0
    for part in $(ls "$parts" | sort -V); do
      if [[ $i -gt 0 ]]; then echo "  ---- certificate $i in the bundle"; fi
      cert_summary "$parts/$part"
      i=$((i + 1))
    done
    echo '```'
  done
  echo
  echo "## Keys"
  echo
  echo "| file | first PEM line | algorithm | size |"
  echo "| --- | --- | --- | --- |"
  for f in $(ls "$out" | grep -E '\.key$' | sort); do
    first="$(head -1 "$out/$f")"
    if grep -q ENCRYPTED "$out/$f"; then
      algorithm="(encrypted)"
      size="(encrypted)"
    else
      algorithm="$(openssl pkey -in "$out/$f" -pubout -outform DER | openssl asn1parse -inform DER \
        | grep -m1 OBJECT | sed -E 's/.*:\s*//')"
      size="$(openssl pkey -in "$out/$f" -noout -text 2>/dev/null | head -1)"
    fi
    echo "| \`$f\` | \`$first\` | $algorithm | $size |"
  done
} > "$out/README.md"

echo "fixtures written to $out"
