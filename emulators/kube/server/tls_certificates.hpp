#pragma once
// A throwaway PKI generated at start with the OpenSSL API: a self-signed CA and a server certificate it
// signs, valid for 127.0.0.1 and localhost, so kubectl and the operator verify the emulator as they would a
// cluster.

#include <string>

namespace kubeemu {

struct TlsMaterial {
  std::string ca_pem;    // the CA certificate (what clients trust: ca.crt, certificate-authority-data)
  std::string cert_pem;  // the server certificate, issued by the CA
  std::string key_pem;   // the server's private key (PKCS#8)
};

// ECDSA P-256 keys, SHA-256 signatures, valid from an hour ago for a year. Throws std::runtime_error.
TlsMaterial generate_tls_material();

// Writes ca.crt, tls.crt and tls.key (mode 0600) into `dir`, creating it if needed.
void write_tls_files(const TlsMaterial& material, const std::string& dir);

}  // namespace kubeemu
