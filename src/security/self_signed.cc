// WriteSelfSignedCertificate (security.h): a throwaway certificate for benchmarks and
// examples, made with OpenSSL's own API (no openssl CLI needed at run time).
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fmt/format.h>

#include <functional>
#include <memory>
#include <utility>

#include "common/file_modes.h"
#include "security/security.h"

namespace kappa::security {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

Status WritePem(const std::string& path, const std::function<int(BIO*)>& write) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_file(path.c_str(), "w"));
  if (!bio || write(bio.get()) != 1) {
    return Status::IOError(fmt::format("cannot write {}", path));
  }
  return Status::OK();
}

}  // namespace

Result<TlsOptions> WriteSelfSignedCertificate(const std::string& dir) {
  RETURN_IF_ERROR(CreateDirsOwnerOnly(dir));
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
  std::unique_ptr<X509, X509Free> cert(X509_new());
  if (!key || !cert) return Status::Internal("OpenSSL could not make a key");
  X509_set_version(cert.get(), 2);  // v3
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  // Its own CA (clients trust it as ssl.ca.location) and valid for 127.0.0.1 and localhost.
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair{NID_key_usage, "critical,digitalSignature,keyCertSign"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext) return Status::Internal("OpenSSL could not make a certificate extension");
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return Status::Internal("OpenSSL could not sign the certificate");
  }
  TlsOptions o;
  o.cert_file = dir + "/cert.pem";
  o.key_file = dir + "/key.pem";
  RETURN_IF_ERROR(WritePem(o.cert_file, [&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); }));
  RETURN_IF_ERROR(WritePem(o.key_file, [&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  }));
  return o;
}

}  // namespace kappa::security
