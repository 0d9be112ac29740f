// libFuzzer target: arbitrary bytes as the client's side of one SASL exchange with kappa's
// servers (security::SaslServer): PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 against a store
// holding one user. The first byte picks the mechanism and whether the SCRAM final message
// gets a correct channel binding and nonce (so the proof check and its base64 are reached);
// the rest is split at 0xFF bytes into the client's messages. Also checks that strict base64
// decoding round-trips. Must never crash, hang, leak or read out of bounds, and must never
// authenticate without the password. Run by fuzz/sasl_fuzz.sh (CTest: security.fuzz_sasl).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "security/scram.h"
#include "security/security.h"

using namespace kappa::security;

namespace {

constexpr char kUser[] = "alice";
constexpr char kPassword[] = "pencil";

class OneUser final : public UserStore {
 public:
  OneUser() {
    sha256_ = scram::DeriveCredential(ScramMechanism::kSha256, kPassword, "salt-salt-salt", 4096);
    sha512_ = scram::DeriveCredential(ScramMechanism::kSha512, kPassword, "salt-salt-salt", 4096);
  }
  kappa::Status Put(std::string_view, std::string_view) override { return kappa::Status::OK(); }
  kappa::Status Delete(std::string_view) override { return kappa::Status::OK(); }
  std::vector<std::string> List() const override { return {kUser}; }
  bool Exists(std::string_view n) const override { return n == kUser; }
  bool Empty() const override { return false; }
  kappa::Status CreateRole(std::string_view, const RoleOptions&) override {
    return kappa::Status::NotSupported("test");
  }
  kappa::Status AlterRole(std::string_view, const RoleOptions&) override {
    return kappa::Status::NotSupported("test");
  }
  std::optional<RoleInfo> Role(std::string_view) const override { return std::nullopt; }
  std::vector<RoleInfo> Roles() const override { return {}; }
  kappa::Status GrantRole(std::string_view, std::string_view) override {
    return kappa::Status::NotSupported("test");
  }
  kappa::Status RevokeRole(std::string_view, std::string_view) override {
    return kappa::Status::NotSupported("test");
  }
  std::shared_ptr<const RoleSet> HeldRoles(std::string_view) const override { return nullptr; }
  bool IsSuperUser(std::string_view) const override { return false; }
  bool CheckPassword(std::string_view n, std::string_view p) const override {
    return n == kUser && p == kPassword;  // PBKDF2 per input would make the fuzzer crawl
  }
  std::optional<ScramCredential> Scram(std::string_view n, ScramMechanism m) const override {
    if (n != kUser) return std::nullopt;
    return m == ScramMechanism::kSha256 ? sha256_ : sha512_;
  }

 private:
  ScramCredential sha256_, sha512_;
};

const std::shared_ptr<const UserStore>& Users() {
  static const auto* u = new std::shared_ptr<const UserStore>(std::make_shared<OneUser>());
  return *u;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);

  // Strict base64: whatever decodes re-encodes to the same text.
  if (auto raw = scram::Base64Decode(rest); raw.ok()) {
    if (scram::Base64Encode(*raw) != rest) std::abort();
  }

  std::vector<std::string> msgs;
  size_t pos = 0;
  for (;;) {
    size_t cut = rest.find('\xff', pos);
    msgs.push_back(rest.substr(pos, cut == std::string::npos ? std::string::npos : cut - pos));
    if (cut == std::string::npos || msgs.size() == 4) break;
    pos = cut + 1;
  }
  static const char* kMechs[] = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"};
  const char* mech = kMechs[mode % 3];
  std::unique_ptr<SaslServer> server;
  if (mech[0] == 'P') {
    server = scram::NewPlainServer(Users());
  } else {
    server = scram::NewScramServer(mech[11] == '2' ? ScramMechanism::kSha256 : ScramMechanism::kSha512,
                                   Users(), [] { return std::string("SRV"); });
  }
  std::string client_nonce;
  for (size_t i = 0; i < msgs.size(); ++i) {
    std::string msg = msgs[i];
    if (i == 1 && (mode & 0x80) && !client_nonce.empty()) {
      // A final message with the right binding and nonce: the fuzzer controls the proof.
      msg = "c=biws,r=" + client_nonce + "SRV,p=" + msg;
    }
    auto step = server->Next(msg);
    if (!step.ok()) break;
    if (i == 0 && mech[0] == 'S') {
      size_t r = msg.find(",r=");
      size_t end = r == std::string::npos ? r : msg.find(',', r + 3);
      if (r != std::string::npos) client_nonce = msg.substr(r + 3, end == std::string::npos ? end : end - r - 3);
    }
    if (step->done) {
      // Only the right password gets here: PLAIN with it; SCRAM needs a proof the fuzzer
      // cannot find without it.
      if (mech[0] == 'S') std::abort();
      if (server->user() != kUser) std::abort();
      break;
    }
  }
  return 0;
}
