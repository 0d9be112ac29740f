#include "registry/fake_schema_type.h"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <set>

namespace kappa::registry {

namespace {

class FakeParsed final : public ParsedSchema {
 public:
  FakeParsed(std::string type, nlohmann::json doc, std::string text)
      : type_(std::move(type)), doc_(std::move(doc)), text_(std::move(text)),
        canonical_(doc_.dump()) {}
  std::string_view type() const override { return type_; }
  const std::string& canonical() const override { return canonical_; }
  std::string Text(bool normalize) const override { return normalize ? canonical_ : text_; }
  // Confluent's JSON/PROTOBUF messages name paths, not which schema is new: the flag is unused.
  std::vector<std::string> ReadIncompatibilities(const ParsedSchema& writer,
                                                 bool /*reader_is_new*/) const override {
    const auto& w = static_cast<const FakeParsed&>(writer);
    std::set<std::string> written;
    for (const auto& f : w.doc_["fields"]) written.insert(f["name"].get<std::string>());
    std::vector<std::string> out;
    for (const auto& f : doc_["fields"]) {
      std::string name = f["name"].get<std::string>();
      if (!f.contains("default") && !written.count(name)) {
        out.push_back("READER_FIELD_MISSING_DEFAULT_VALUE: " + name);
      }
    }
    return out;
  }

 private:
  std::string type_;
  nlohmann::json doc_;
  std::string text_;
  std::string canonical_;
};

class Fake final : public SchemaType {
 public:
  explicit Fake(std::string name) : name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  Result<std::shared_ptr<const ParsedSchema>> Parse(
      std::string_view text, const std::vector<ResolvedReference>& refs) const override {
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("fields") ||
        !doc["fields"].is_array()) {
      return Status::InvalidArgument("not a fake schema: " + std::string(text));
    }
    for (const auto& f : doc["fields"]) {
      if (!f.is_object() || !f.contains("name") || !f["name"].is_string()) {
        return Status::InvalidArgument("a field needs a name");
      }
      if (f.contains("type") && f["type"].is_string()) {
        std::string t = f["type"].get<std::string>();
        if (t.rfind("ref:", 0) == 0) {
          bool found = false;
          for (const auto& r : refs) found = found || r.name == t.substr(4);
          if (!found) return Status::InvalidArgument("unknown reference " + t.substr(4));
        }
      }
    }
    return std::shared_ptr<const ParsedSchema>(
        std::make_shared<FakeParsed>(name_, std::move(doc), std::string(text)));
  }

 private:
  std::string name_;
};

}  // namespace

const SchemaType& FakeSchemaType(std::string_view name) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<Fake>, std::less<>> types;
  std::lock_guard l(mu);
  auto it = types.find(name);
  if (it == types.end()) {
    it = types.emplace(std::string(name), std::make_unique<Fake>(std::string(name))).first;
  }
  return *it->second;
}

}  // namespace kappa::registry
