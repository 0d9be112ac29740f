// MakeServerTlsContext (security.h): the OpenSSL server context every TLS listener of kappa
// shares (Kafka SSL/SASL_SSL, CQL tls://, HTTP https://).
//
// Settings follow Mozilla's "intermediate" server profile (ssl-config.mozilla.org, v5.7):
// TLS 1.2 and 1.3 only, ECDHE/DHE with AEAD ciphers for 1.2, the three standard 1.3 suites.
// Unlike that profile the server's order decides (AES-128-GCM first, ChaCha20 for clients that
// prefer it; see kTls13Suites). On top: no TLS compression (CRIME), no renegotiation
// (a client-initiated renegotiation is a cheap CPU DoS and has no use here), and a session
// id context so resumed sessions work when client certificates are verified.
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>

#include "security/security.h"

namespace kappa::security {
namespace {

constexpr const char* kIntermediateCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
// TLS 1.3 suites in the server's order: AES-128-GCM first (the TLS 1.3 suite every client
// must offer; with AES-NI it costs ~40% less CPU per byte than AES-256-GCM, on both ends of
// the connection), then AES-256-GCM; ChaCha20-Poly1305 is still chosen for a client that puts
// it first (SSL_OP_PRIORITIZE_CHACHA: clients without AES hardware do).
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384";
constexpr const char* kGroups = "X25519:P-256:P-384";
constexpr unsigned char kSessionIdContext[] = "kappa";

// OpenSSL's queued errors as one line ("PEM routines::no start line"), clearing the queue
// so a later call does not report this one's.
std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    // "error:0480006C:PEM routines::no start line": keep what follows the code.
    std::string s(buf);
    auto colon = s.find(':', s.find(':') + 1);
    if (!out.empty()) out += "; ";
    out += colon == std::string::npos ? s : s.substr(colon + 1);
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

// A missing or unreadable file gets errno's words rather than OpenSSL's "system lib".
Status CheckReadable(const std::string& path, std::string_view what) {
  if (path.empty()) return Status::InvalidArgument(fmt::format("TLS {} file not set", what));
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return Status::InvalidArgument(
        fmt::format("TLS {} file {}: {}", what, path, std::strerror(errno)));
  }
  std::fclose(f);
  return Status::OK();
}

// An encrypted key must fail with a message, not make OpenSSL prompt on the terminal.
int NoPassphrase(char*, int, int, void*) { return 0; }

}  // namespace

Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(const TlsOptions& o) {
  namespace ssl = boost::asio::ssl;
  RETURN_IF_ERROR(CheckReadable(o.cert_file, "certificate"));
  RETURN_IF_ERROR(CheckReadable(o.key_file, "key"));
  if (o.client_auth != TlsOptions::ClientAuth::kNone) {
    if (o.ca_file.empty()) {
      return Status::InvalidArgument(
          "TLS client certificate verification needs a CA file (security.tls.ca)");
    }
    RETURN_IF_ERROR(CheckReadable(o.ca_file, "CA"));
  }

  ERR_clear_error();
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* h = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(h, TLS1_2_VERSION) != 1) {
    return Status::Internal("TLS: cannot set the minimum version: " + OpenSslErrors());
  }
  SSL_CTX_set_options(h, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                             SSL_OP_SINGLE_DH_USE | SSL_OP_SINGLE_ECDH_USE |
                             SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA);
  if (SSL_CTX_set_cipher_list(h, kIntermediateCiphers) != 1 ||
      SSL_CTX_set_ciphersuites(h, kTls13Suites) != 1 ||
      SSL_CTX_set1_groups_list(h, kGroups) != 1) {
    return Status::Internal("TLS: cannot set the ciphers: " + OpenSslErrors());
  }
  // DHE suites need parameters; OpenSSL 3 picks ffdhe groups matching the key size.
  SSL_CTX_set_dh_auto(h, 1);
  SSL_CTX_set_session_id_context(h, kSessionIdContext, sizeof kSessionIdContext - 1);
  SSL_CTX_set_default_passwd_cb(h, NoPassphrase);

  if (SSL_CTX_use_certificate_chain_file(h, o.cert_file.c_str()) != 1) {
    return Status::InvalidArgument(fmt::format(
        "TLS certificate file {}: not a PEM certificate chain ({})", o.cert_file,
        OpenSslErrors()));
  }
  // Read apart from installing it, so an unreadable key and a key of another certificate
  // get different messages.
  EVP_PKEY* key = nullptr;
  if (std::FILE* f = std::fopen(o.key_file.c_str(), "rb")) {
    key = PEM_read_PrivateKey(f, nullptr, NoPassphrase, nullptr);
    std::fclose(f);
  }
  if (key == nullptr) {
    return Status::InvalidArgument(fmt::format(
        "TLS key file {}: not an unencrypted PEM private key ({})", o.key_file,
        OpenSslErrors()));
  }
  const bool installed = SSL_CTX_use_PrivateKey(h, key) == 1 && SSL_CTX_check_private_key(h) == 1;
  EVP_PKEY_free(key);
  if (!installed) {
    ERR_clear_error();
    return Status::InvalidArgument(fmt::format(
        "TLS key file {} does not match the certificate in {}", o.key_file, o.cert_file));
  }

  if (o.client_auth == TlsOptions::ClientAuth::kNone) {
    SSL_CTX_set_verify(h, SSL_VERIFY_NONE, nullptr);
  } else {
    if (SSL_CTX_load_verify_locations(h, o.ca_file.c_str(), nullptr) != 1) {
      return Status::InvalidArgument(fmt::format("TLS CA file {}: no PEM certificates ({})",
                                                 o.ca_file, OpenSslErrors()));
    }
    // The CA names sent in CertificateRequest, so clients holding several certificates
    // pick the right one.
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(o.ca_file.c_str());
    if (names == nullptr) {
      return Status::InvalidArgument(fmt::format("TLS CA file {}: no PEM certificates ({})",
                                                 o.ca_file, OpenSslErrors()));
    }
    SSL_CTX_set_client_CA_list(h, names);
    int mode = SSL_VERIFY_PEER;
    if (o.client_auth == TlsOptions::ClientAuth::kRequired) {
      mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    }
    SSL_CTX_set_verify(h, mode, nullptr);
  }
  ERR_clear_error();
  return ctx;
}

Result<std::shared_ptr<boost::asio::ssl::context>> MakeClientTlsContext(
    const ClientTlsOptions& o) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX* c = ctx->native_handle();
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
  if (o.ca_file.empty()) {
    if (SSL_CTX_set_default_verify_paths(c) != 1) {
      return Status::InvalidArgument("TLS: cannot load the system's CA certificates: " +
                                     OpenSslErrors());
    }
  } else {
    RETURN_IF_ERROR(CheckReadable(o.ca_file, "CA"));
    if (SSL_CTX_load_verify_locations(c, o.ca_file.c_str(), nullptr) != 1) {
      return Status::InvalidArgument(
          fmt::format("TLS CA file {}: {}", o.ca_file, OpenSslErrors()));
    }
  }
  if (!o.cert_file.empty() || !o.key_file.empty()) {
    RETURN_IF_ERROR(CheckReadable(o.cert_file, "certificate"));
    RETURN_IF_ERROR(CheckReadable(o.key_file, "key"));
    SSL_CTX_set_default_passwd_cb(c, NoPassphrase);
    if (SSL_CTX_use_certificate_chain_file(c, o.cert_file.c_str()) != 1) {
      return Status::InvalidArgument(
          fmt::format("TLS certificate file {}: {}", o.cert_file, OpenSslErrors()));
    }
    if (SSL_CTX_use_PrivateKey_file(c, o.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(c) != 1) {
      return Status::InvalidArgument(
          fmt::format("TLS key file {}: {}", o.key_file, OpenSslErrors()));
    }
  }
  return ctx;
}

Result<TlsOptions::ClientAuth> ParseClientAuth(std::string_view s) {
  if (s == "none") return TlsOptions::ClientAuth::kNone;
  if (s == "requested") return TlsOptions::ClientAuth::kRequested;
  if (s == "required") return TlsOptions::ClientAuth::kRequired;
  return Status::InvalidArgument(
      fmt::format("unknown client_auth '{}' (none, requested or required)", s));
}

}  // namespace kappa::security
