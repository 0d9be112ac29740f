#include <gtest/gtest.h>

#include "security/scram.h"
#include "security/security.h"
#include "testutil/temp_dir.h"

namespace kappa::security {
namespace {

// A UserStore holding one fixed credential (RFC 7677's user), so the exchange is checked
// against the RFC's bytes.
class OneUser final : public UserStore {
 public:
  OneUser(std::string name, ScramCredential c) : name_(std::move(name)), c_(std::move(c)) {}
  Status Put(std::string_view, std::string_view) override { return Status::NotSupported("test"); }
  Status Delete(std::string_view) override { return Status::NotSupported("test"); }
  std::vector<std::string> List() const override { return {name_}; }
  bool Exists(std::string_view n) const override { return n == name_; }
  bool Empty() const override { return false; }
  Status CreateRole(std::string_view, const RoleOptions&) override {
    return Status::NotSupported("test");
  }
  Status AlterRole(std::string_view, const RoleOptions&) override {
    return Status::NotSupported("test");
  }
  std::optional<RoleInfo> Role(std::string_view) const override { return std::nullopt; }
  std::vector<RoleInfo> Roles() const override { return {}; }
  Status GrantRole(std::string_view, std::string_view) override {
    return Status::NotSupported("test");
  }
  Status RevokeRole(std::string_view, std::string_view) override {
    return Status::NotSupported("test");
  }
  std::shared_ptr<const RoleSet> HeldRoles(std::string_view) const override { return nullptr; }
  bool IsSuperUser(std::string_view) const override { return false; }
  bool CheckPassword(std::string_view, std::string_view) const override { return false; }
  std::optional<ScramCredential> Scram(std::string_view n, ScramMechanism) const override {
    if (n != name_) return std::nullopt;
    return c_;
  }

 private:
  std::string name_;
  ScramCredential c_;
};

// RFC 7677 section 3: user "user", password "pencil".
TEST(ScramTest, Rfc7677TestVector) {
  auto salt = scram::Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ==");
  ASSERT_TRUE(salt.ok());
  auto cred = scram::DeriveCredential(ScramMechanism::kSha256, "pencil", *salt, 4096);
  auto users = std::make_shared<OneUser>("user", cred);
  auto server = scram::NewScramServer(ScramMechanism::kSha256, users,
                                      [] { return std::string("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"); });
  auto first = server->Next("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->challenge,
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  EXPECT_FALSE(first->done);
  auto final_ = server->Next(
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  ASSERT_TRUE(final_.ok()) << final_.status().ToString();
  EXPECT_EQ(final_->challenge, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  EXPECT_TRUE(final_->done);
  EXPECT_EQ(server->user(), "user");
}

TEST(ScramTest, WrongProofFailsWithKafkasMessage) {
  auto salt = scram::Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ==");
  auto cred = scram::DeriveCredential(ScramMechanism::kSha256, "not-pencil", *salt, 4096);
  auto server = scram::NewScramServer(ScramMechanism::kSha256, std::make_shared<OneUser>("user", cred),
                                      [] { return std::string("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"); });
  ASSERT_TRUE(server->Next("n,,n=user,r=rOprNGfwEbeRWgbNEkqO").ok());
  auto r = server->Next(
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("invalid credentials with SASL mechanism SCRAM-SHA-256"),
            std::string::npos);
  EXPECT_FALSE(server->Next("anything").ok());  // finished
}

TEST(ScramTest, UnknownUserLooksLikeAKnownOneUntilTheProof) {
  auto server = scram::NewScramServer(ScramMechanism::kSha512, nullptr);
  auto first = server->Next("n,,n=ghost,r=abc");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->challenge.starts_with("r=abc"));
  EXPECT_NE(first->challenge.find(",i=4096"), std::string::npos);
}

TEST(ScramTest, MalformedMessagesAreRejected) {
  for (std::string bad : {"", "n", "p=tls-unique,,n=u,r=x", "n,,r=x,n=u", "n,,n=,r=x", "n,,n=u",
                          "n,,n=a=zz,r=x", "n,a=other,n=u,r=x", "x,,n=u,r=a", "n,,n=u,r=a,m=ext"}) {
    auto server = scram::NewScramServer(ScramMechanism::kSha256, nullptr);
    EXPECT_FALSE(server->Next(bad).ok()) << bad;
  }
  // A final message with another nonce or binding, or bad base64.
  for (std::string bad : {"c=biws,r=other,p=AAAA", "c=biws,r=abcSx,p=AAAA", "c=biws,r=bcS,p=AAAA", "c=eSws,r=abcS,p=AAAA", "c=biws,r=abcS,p=!!",
                          "c=biws,r=abcS", "r=abcS,c=biws,p=AAAA"}) {
    auto server = scram::NewScramServer(ScramMechanism::kSha256, nullptr, [] { return std::string("S"); });
    ASSERT_TRUE(server->Next("n,,n=u,r=abc").ok());
    EXPECT_FALSE(server->Next(bad).ok()) << bad;
  }
}

// librdkafka repeats its nonce in front of the server's; Kafka accepts that, so kappa does.
TEST(ScramTest, FinalNonceMayRepeatTheClientNonceAsLibrdkafkaSends) {
  auto salt = scram::Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ==");
  auto cred = scram::DeriveCredential(ScramMechanism::kSha256, "pencil", *salt, 4096);
  auto server = scram::NewScramServer(ScramMechanism::kSha256, std::make_shared<OneUser>("user", cred),
                                      [] { return std::string("SRV"); });
  auto first = server->Next("n,,n=user,r=cn");
  ASSERT_TRUE(first.ok());
  auto m = ScramMechanism::kSha256;
  std::string salted = scram::SaltedPassword(m, "pencil", *salt, 4096);
  std::string client_key = scram::Hmac(m, salted, "Client Key");
  std::string without_proof = "c=biws,r=cncnSRV";
  std::string auth = "n=user,r=cn," + first->challenge + "," + without_proof;
  std::string sig = scram::Hmac(m, scram::Hash(m, client_key), auth);
  std::string proof(sig.size(), '\0');
  for (size_t i = 0; i < sig.size(); ++i) proof[i] = char(client_key[i] ^ sig[i]);
  auto fin = server->Next(without_proof + ",p=" + scram::Base64Encode(proof));
  ASSERT_TRUE(fin.ok()) << fin.status().ToString();
  EXPECT_TRUE(fin->done);
}

TEST(ScramTest, Base64IsStrict) {
  EXPECT_EQ(*scram::Base64Decode(""), "");
  EXPECT_EQ(*scram::Base64Decode("YQ=="), "a");
  EXPECT_EQ(*scram::Base64Decode("YWI="), "ab");
  EXPECT_EQ(*scram::Base64Decode("YWJj"), "abc");
  for (std::string bad : {"YQ", "Y===", "YR==", "YW=j", "YW J", "=YWJ"}) {
    EXPECT_FALSE(scram::Base64Decode(bad).ok()) << bad;
  }
  EXPECT_EQ(scram::Base64Encode("abc"), "YWJj");
}

TEST(SaslServerTest, FactoryAndPlain) {
  EXPECT_FALSE(SaslServer::Create("GSSAPI", nullptr).ok());
  testutil::TempDir dir;
  auto users = UserStore::Open(dir.path() + "/security");
  ASSERT_TRUE(users.ok());
  ASSERT_TRUE((*users)->Put("alice", "s3cret").ok());
  auto plain = [&](std::string_view msg) {
    auto s = SaslServer::Create("PLAIN", *users);
    return (*s)->Next(msg);
  };
  auto ok = plain(std::string_view("\0alice\0s3cret", 13));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->done);
  EXPECT_TRUE(plain(std::string_view("alice\0alice\0s3cret", 18)).ok());
  EXPECT_FALSE(plain(std::string_view("bob\0alice\0s3cret", 16)).ok());
  EXPECT_FALSE(plain(std::string_view("\0alice\0wrong", 12)).ok());
  EXPECT_FALSE(plain(std::string_view("\0bob\0s3cret", 11)).ok());
  EXPECT_FALSE(plain(std::string_view("\0alice", 6)).ok());
  EXPECT_FALSE(plain(std::string_view("\0alice\0s3cret\0", 14)).ok());
  EXPECT_FALSE(plain("").ok());
}

// A full SCRAM-SHA-512 exchange against a stored user, the client side computed here.
TEST(SaslServerTest, ScramSha512AgainstTheStore) {
  testutil::TempDir dir;
  auto users = UserStore::Open(dir.path() + "/security");
  ASSERT_TRUE((*users)->Put("bob", "pw,=x").ok());
  for (auto [password, want] : {std::pair{"pw,=x", true}, std::pair{"nope", false}}) {
    auto s = SaslServer::Create("SCRAM-SHA-512", *users);
    auto first = (*s)->Next("n,,n=bob,r=cn");
    ASSERT_TRUE(first.ok());
    // r=...,s=...,i=...
    std::string sf = first->challenge;
    std::string nonce = sf.substr(2, sf.find(",s=") - 2);
    std::string salt = *scram::Base64Decode(sf.substr(sf.find(",s=") + 3, sf.find(",i=") - sf.find(",s=") - 3));
    int iters = std::stoi(sf.substr(sf.find(",i=") + 3));
    auto m = ScramMechanism::kSha512;
    std::string salted = scram::SaltedPassword(m, password, salt, iters);
    std::string client_key = scram::Hmac(m, salted, "Client Key");
    std::string without_proof = "c=biws,r=" + nonce;
    std::string auth = "n=bob,r=cn," + sf + "," + without_proof;
    std::string sig = scram::Hmac(m, scram::Hash(m, client_key), auth);
    std::string proof(sig.size(), '\0');
    for (size_t i = 0; i < sig.size(); ++i) proof[i] = char(client_key[i] ^ sig[i]);
    auto fin = (*s)->Next(without_proof + ",p=" + scram::Base64Encode(proof));
    EXPECT_EQ(fin.ok(), want) << password;
    if (want) {
      std::string server_sig = scram::Hmac(m, scram::Hmac(m, salted, "Server Key"), auth);
      EXPECT_EQ(fin->challenge, "v=" + scram::Base64Encode(server_sig));
      EXPECT_EQ((*s)->user(), "bob");
    }
  }
}

}  // namespace
}  // namespace kappa::security
