// The server side of SCRAM-SHA-256/512 (RFC 5802 section 5, RFC 7677), as Kafka's
// ScramSaslServer runs it: no channel binding ("n,," or "y,," only), an optional authzid
// that must name the user, the nonce extension, extensions after r= ignored except
// tokenauth (kappa has no delegation tokens). Passwords are used as their UTF-8 bytes
// without SASLprep, as Kafka does.
//
// An unknown user gets a well-formed server-first message with a salt derived from the name
// and a per-process secret, so the exchange only fails at the proof: a client cannot tell
// an unknown user from a wrong password (RFC 5802 section 9 "user enumeration").
#include <fmt/format.h>

#include <openssl/crypto.h>

#include "security/scram.h"

namespace kappa::security::scram {

namespace {

std::string InvalidCredentials(ScramMechanism m) {
  // Kafka's text, which clients show as they are.
  return fmt::format(
      "Authentication failed during authentication due to invalid credentials with SASL "
      "mechanism {}",
      MechanismName(m));
}

// RFC 5802 saslname: ',' and '=' are sent as "=2C" and "=3D"; any other '=' is malformed.
Result<std::string> DecodeSaslName(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '=') {
      out += s[i];
      continue;
    }
    std::string_view esc = s.substr(i + 1, 2);
    if (esc == "2C") {
      out += ',';
    } else if (esc == "3D") {
      out += '=';
    } else {
      return Status::InvalidArgument("invalid SCRAM username encoding");
    }
    i += 2;
  }
  return out;
}

// Splits "k=v,k=v" attributes; each must be one letter, '=', value.
Result<std::vector<std::pair<char, std::string_view>>> Attributes(std::string_view msg) {
  std::vector<std::pair<char, std::string_view>> out;
  size_t pos = 0;
  for (;;) {
    size_t comma = msg.find(',', pos);
    std::string_view part = msg.substr(pos, comma == std::string_view::npos ? msg.npos : comma - pos);
    if (part.size() < 2 || part[1] != '=') {
      return Status::InvalidArgument("malformed SCRAM message");
    }
    out.emplace_back(part[0], part.substr(2));
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

const std::string& ProcessSecret() {
  static const std::string s = RandomBytes(32);
  return s;
}

class ScramServer final : public SaslServer {
 public:
  ScramServer(ScramMechanism m, std::shared_ptr<const UserStore> users,
              std::function<std::string()> nonce)
      : m_(m), name_(MechanismName(m)), users_(std::move(users)), nonce_(std::move(nonce)) {}

  Result<Step> Next(std::string_view msg) override {
    switch (state_) {
      case State::kFirst: {
        auto r = First(msg);
        state_ = r.ok() ? State::kFinal : State::kFailed;
        return r;
      }
      case State::kFinal: {
        auto r = Final(msg);
        state_ = r.ok() ? State::kDone : State::kFailed;
        return r;
      }
      default:
        return Status::InvalidArgument("SCRAM exchange already finished");
    }
  }
  const std::string& mechanism() const override { return name_; }
  const std::string& user() const override { return user_; }

 private:
  enum class State { kFirst, kFinal, kDone, kFailed };

  Result<Step> First(std::string_view msg) {
    // gs2-header: cbind-flag "," [authzid] ","
    if (msg.starts_with("p=")) {
      return Status::InvalidArgument("SCRAM channel binding is not supported");
    }
    if (!msg.starts_with("n,") && !msg.starts_with("y,")) {
      return Status::InvalidArgument("malformed SCRAM client-first message");
    }
    size_t second = msg.find(',', 2);
    if (second == msg.npos) return Status::InvalidArgument("malformed SCRAM client-first message");
    gs2_header_ = std::string(msg.substr(0, second + 1));
    std::string_view authzid = msg.substr(2, second - 2);
    client_first_bare_ = std::string(msg.substr(second + 1));
    ASSIGN_OR_RETURN(auto attrs, Attributes(client_first_bare_));
    if (attrs.size() < 2 || attrs[0].first != 'n' || attrs[1].first != 'r' ||
        attrs[1].second.empty()) {
      return Status::InvalidArgument("malformed SCRAM client-first message");
    }
    if (attrs[0].second.empty()) return Status::InvalidArgument("empty SCRAM username");
    ASSIGN_OR_RETURN(user_, DecodeSaslName(attrs[0].second));
    for (size_t i = 2; i < attrs.size(); ++i) {
      if (attrs[i].first == 'm') return Status::InvalidArgument("unsupported SCRAM extension");
    }
    if (client_first_bare_.find(",tokenauth=true") != std::string::npos) {
      return Status::InvalidArgument("delegation tokens are not supported");
    }
    if (!authzid.empty()) {
      if (!authzid.starts_with("a=")) {
        return Status::InvalidArgument("malformed SCRAM authorization id");
      }
      ASSIGN_OR_RETURN(std::string az, DecodeSaslName(authzid.substr(2)));
      if (az != user_) {
        return Status::InvalidArgument(
            "Authentication failed: Client requested an authorization id that is different "
            "from username");
      }
    }
    auto cred = users_ ? users_->Scram(user_, m_) : std::nullopt;
    if (cred) {
      cred_ = std::move(*cred);
    } else {
      known_ = false;
      cred_.salt = Hmac(m_, ProcessSecret(), "salt:" + user_).substr(0, kSaltBytes);
      cred_.iterations = kDefaultIterations;
    }
    std::string server_nonce = nonce_ ? nonce_() : Base64Encode(RandomBytes(24));
    nonce_full_ = std::string(attrs[1].second) + server_nonce;
    server_first_ = fmt::format("r={},s={},i={}", nonce_full_, Base64Encode(cred_.salt),
                                cred_.iterations);
    return Step{server_first_, false};
  }

  Result<Step> Final(std::string_view msg) {
    size_t p = msg.rfind(",p=");
    if (p == msg.npos) return Status::InvalidArgument("malformed SCRAM client-final message");
    std::string_view without_proof = msg.substr(0, p);
    ASSIGN_OR_RETURN(auto attrs, Attributes(without_proof));
    if (attrs.size() < 2 || attrs[0].first != 'c' || attrs[1].first != 'r') {
      return Status::InvalidArgument("malformed SCRAM client-final message");
    }
    if (attrs[0].second != Base64Encode(gs2_header_)) {
      return Status::InvalidArgument("SCRAM channel binding does not match");
    }
    if (attrs[1].second != nonce_full_) return Status::InvalidArgument("SCRAM nonce does not match");
    auto proof = Base64Decode(msg.substr(p + 3));
    if (!proof.ok()) return Status::InvalidArgument("malformed SCRAM client proof");
    std::string auth_message = client_first_bare_ + "," + server_first_ + "," +
                               std::string(without_proof);
    std::string client_signature = Hmac(m_, cred_.stored_key, auth_message);
    bool ok = known_ && proof->size() == client_signature.size();
    if (ok) {
      std::string client_key(client_signature.size(), '\0');
      for (size_t i = 0; i < client_key.size(); ++i) client_key[i] = char((*proof)[i] ^ client_signature[i]);
      ok = ConstantTimeEquals(Hash(m_, client_key), cred_.stored_key);
      OPENSSL_cleanse(client_key.data(), client_key.size());
    }
    if (!ok) return Status::InvalidArgument(InvalidCredentials(m_));
    return Step{"v=" + Base64Encode(Hmac(m_, cred_.server_key, auth_message)), true};
  }

  const ScramMechanism m_;
  const std::string name_;
  std::shared_ptr<const UserStore> users_;
  std::function<std::string()> nonce_;
  State state_ = State::kFirst;
  std::string user_;
  bool known_ = true;
  ScramCredential cred_;
  std::string gs2_header_, client_first_bare_, server_first_, nonce_full_;
};

}  // namespace

std::unique_ptr<SaslServer> NewScramServer(ScramMechanism m, std::shared_ptr<const UserStore> users,
                                           std::function<std::string()> nonce) {
  return std::make_unique<ScramServer>(m, std::move(users), std::move(nonce));
}

}  // namespace kappa::security::scram
