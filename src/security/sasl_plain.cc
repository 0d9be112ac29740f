// SASL PLAIN (RFC 4616) as Kafka's PlainSaslServer reads it: "authzid NUL authcid NUL
// passwd", the authzid empty or equal to the user; and the SaslServer factory.
#include <openssl/crypto.h>

#include "security/scram.h"

namespace kappa::security {

namespace scram {
namespace {

class PlainServer final : public SaslServer {
 public:
  explicit PlainServer(std::shared_ptr<const UserStore> users) : users_(std::move(users)) {}

  Result<Step> Next(std::string_view msg) override {
    if (used_) return Status::InvalidArgument("SASL PLAIN exchange already finished");
    used_ = true;
    size_t a = msg.find('\0');
    size_t b = a == msg.npos ? msg.npos : msg.find('\0', a + 1);
    if (b == msg.npos || msg.find('\0', b + 1) != msg.npos) {
      return Status::InvalidArgument("Invalid SASL/PLAIN response: expected 3 tokens");
    }
    std::string_view authzid = msg.substr(0, a);
    std::string_view user = msg.substr(a + 1, b - a - 1);
    std::string_view password = msg.substr(b + 1);
    if (user.empty()) return Status::InvalidArgument("Authentication failed: username not specified");
    if (password.empty()) return Status::InvalidArgument("Authentication failed: password not specified");
    if (!authzid.empty() && authzid != user) {
      return Status::InvalidArgument(
          "Authentication failed: Client requested an authorization id that is different from "
          "username");
    }
    if (!users_ || !users_->CheckPassword(user, password)) {
      return Status::InvalidArgument("Authentication failed: Invalid username or password");
    }
    user_ = std::string(user);
    return Step{"", true};
  }
  const std::string& mechanism() const override { return name_; }
  const std::string& user() const override { return user_; }

 private:
  std::shared_ptr<const UserStore> users_;
  const std::string name_ = "PLAIN";
  std::string user_;
  bool used_ = false;
};

}  // namespace

std::unique_ptr<SaslServer> NewPlainServer(std::shared_ptr<const UserStore> users) {
  return std::make_unique<PlainServer>(std::move(users));
}

}  // namespace scram

const std::vector<std::string>& SaslServer::Mechanisms() {
  static const std::vector<std::string> kAll = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"};
  return kAll;
}

Result<std::unique_ptr<SaslServer>> SaslServer::Create(std::string_view mechanism,
                                                       std::shared_ptr<const UserStore> users) {
  if (mechanism == "PLAIN") return scram::NewPlainServer(std::move(users));
  if (mechanism == "SCRAM-SHA-256") return scram::NewScramServer(ScramMechanism::kSha256, std::move(users));
  if (mechanism == "SCRAM-SHA-512") return scram::NewScramServer(ScramMechanism::kSha512, std::move(users));
  return Status::NotSupported("Unsupported SASL mechanism " + std::string(mechanism));
}

}  // namespace kappa::security
