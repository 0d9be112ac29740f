// The replay state machine. Every decision here depends only on the state and the record,
// never on the clock or on which instance applies it: that is what lets every instance
// agree on who won a race (registry_state.h).
#include "registry/registry_state.h"

#include <fmt/format.h>

#include <algorithm>

#include "registry/registry_errors.h"

namespace kappa::registry {

bool SubjectState::HasLive() const {
  for (const auto& [v, s] : versions) {
    if (!s.deleted) return true;
  }
  return false;
}

int32_t SubjectState::LatestLive() const {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (!it->second.deleted) return it->first;
  }
  return 0;
}

namespace {
// Length-prefixed, so two different reference lists never give the same string.
void AppendRefs(const std::vector<SchemaReference>& refs, std::string* out) {
  for (const auto& r : refs) {
    *out += '\0';
    *out += std::to_string(r.name.size()) + ':' + r.name;
    *out += std::to_string(r.subject.size()) + ':' + r.subject;
    *out += std::to_string(r.version);
  }
}
}  // namespace

std::string RegistryState::IdentityOf(const ParsedSchema& parsed,
                                      const std::vector<SchemaReference>& refs) {
  std::string id(parsed.type());
  id += '\0';
  id += parsed.canonical();
  AppendRefs(refs, &id);
  return id;
}

std::string RegistryState::HintKey(std::string_view type, std::string_view text,
                                   const std::vector<SchemaReference>& refs) {
  std::string k(type);
  k += '\0';
  k += text;
  AppendRefs(refs, &k);
  return k;
}

void RegistryState::AddParseHint(std::string key, std::shared_ptr<const ParsedSchema> parsed) {
  // Bounded: a writer adds one hint per record it appends and Apply consumes it; hints of
  // records that never arrive (a failed append) are dropped here.
  if (hints_.size() > 64) hints_.clear();
  hints_[std::move(key)] = std::move(parsed);
}

Status RegistryState::ResolveInto(const std::vector<SchemaReference>& refs, int depth,
                                  std::vector<ResolvedReference>* out) const {
  if (depth > 32) return InvalidSchema("references nest more than 32 levels deep");
  for (const auto& r : refs) {
    const SubjectState* s = FindSubject(r.subject);
    if (s == nullptr || s->versions.empty()) return SubjectNotFound(r.subject);
    int32_t version = r.version == kLatestVersion ? s->LatestLive() : r.version;
    auto v = s->versions.find(version);
    if (v == s->versions.end()) return VersionNotFound(r.version);
    const StoredSchema* schema = FindSchema(v->second.id);
    if (schema == nullptr) return VersionNotFound(r.version);
    ResolvedReference rr;
    rr.name = r.name;
    rr.subject = r.subject;
    rr.version = version;
    rr.schema = schema->text;
    RETURN_IF_ERROR(ResolveInto(schema->references, depth + 1, &rr.references));
    out->push_back(std::move(rr));
  }
  return Status::OK();
}

Result<std::vector<SchemaReference>> RegistryState::PinReferences(
    const std::vector<SchemaReference>& refs) const {
  std::vector<SchemaReference> out = refs;
  for (auto& r : out) {
    if (r.version != kLatestVersion) continue;
    const SubjectState* s = FindSubject(r.subject);
    if (s == nullptr || s->LatestLive() == 0) return SubjectNotFound(r.subject);
    r.version = s->LatestLive();
  }
  return out;
}

Result<std::shared_ptr<const ParsedSchema>> RegistryState::Parse(
    std::string_view type, std::string_view text, const std::vector<SchemaReference>& refs) const {
  const SchemaType* t = types_(type);
  if (t == nullptr) {
    return RegistryError(kInvalidSchema, fmt::format("Invalid schema type {}", type));
  }
  std::vector<ResolvedReference> resolved;
  RETURN_IF_ERROR(ResolveInto(refs, 0, &resolved));
  auto parsed = t->Parse(text, resolved);
  if (!parsed.ok()) {
    if (parsed.status().protocol_code()) return parsed.status();
    return InvalidSchema(parsed.status().message());
  }
  return std::move(parsed).value();
}

const SubjectState* RegistryState::FindSubject(std::string_view subject) const {
  auto it = subjects_.find(subject);
  return it == subjects_.end() ? nullptr : &it->second;
}

const StoredSchema* RegistryState::FindSchema(int32_t id) const {
  auto it = schemas_.find(id);
  return it == schemas_.end() ? nullptr : &it->second;
}

std::optional<int32_t> RegistryState::IdOf(const std::string& identity) const {
  auto it = ids_by_identity_.find(identity);
  if (it == ids_by_identity_.end()) return std::nullopt;
  return it->second;
}

std::vector<int32_t> RegistryState::ReferencedBy(std::string_view subject, int32_t version) const {
  std::vector<int32_t> ids;
  for (const auto& [name, s] : subjects_) {
    for (const auto& [v, vs] : s.versions) {
      if (vs.deleted) continue;
      const StoredSchema* schema = FindSchema(vs.id);
      if (schema == nullptr) continue;
      for (const auto& r : schema->references) {
        if (r.subject == subject && r.version == version) {
          ids.push_back(vs.id);
          break;
        }
      }
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Compatibility RegistryState::EffectiveCompatibility(std::string_view subject) const {
  const SubjectState* s = FindSubject(subject);
  if (s != nullptr && s->compatibility) return *s->compatibility;
  return global_compat_.value_or(Compatibility::kBackward);
}

Mode RegistryState::EffectiveMode(std::string_view subject) const {
  const SubjectState* s = FindSubject(subject);
  if (s != nullptr && s->mode) return *s->mode;
  return global_mode_.value_or(Mode::kReadWrite);
}

bool RegistryState::Empty() const {
  for (const auto& [name, s] : subjects_) {
    if (!s.versions.empty()) return false;
  }
  return true;
}

void RegistryState::Unuse(int32_t id) {
  auto it = schemas_.find(id);
  if (it == schemas_.end()) return;
  if (--it->second.uses == 0) --live_schemas_;
}

bool RegistryState::Apply(std::string_view key_text, std::optional<std::string_view> value,
                          std::string* why) {
  auto key = DecodeKey(key_text);
  if (!key.ok()) {
    *why = key.status().message();
    return false;
  }
  switch (key->type) {
    case KeyType::kNoop:
      return true;
    case KeyType::kSchema:
      return ApplySchema(*key, value, why);
    case KeyType::kConfig: {
      std::optional<Compatibility> c;
      if (value) {
        auto d = DecodeConfigValue(*value);
        if (!d.ok()) {
          *why = d.status().message();
          return false;
        }
        c = *d;
      }
      if (key->subject) {
        subjects_[*key->subject].compatibility = c;
      } else {
        global_compat_ = c;
      }
      return true;
    }
    case KeyType::kMode: {
      std::optional<Mode> m;
      if (value) {
        auto d = DecodeModeValue(*value);
        if (!d.ok()) {
          *why = d.status().message();
          return false;
        }
        m = *d;
      }
      if (key->subject) {
        subjects_[*key->subject].mode = m;
      } else {
        global_mode_ = m;
      }
      return true;
    }
    case KeyType::kWriter: {
      // The latest announcement names the writer (an election result, not a race: the
      // group protocol decided it; a tombstone forgets it).
      if (!value) {
        writer_.reset();
        return true;
      }
      auto w = DecodeWriterValue(*value);
      if (!w.ok()) {
        *why = w.status().message();
        return false;
      }
      writer_ = *w;
      return true;
    }
    case KeyType::kDeleteSubject: {
      if (!value) return true;
      auto upto = DecodeDeleteSubjectValue(*value);
      if (!upto.ok()) {
        *why = upto.status().message();
        return false;
      }
      auto it = subjects_.find(*key->subject);
      if (it == subjects_.end()) return true;
      for (auto& [v, vs] : it->second.versions) {
        if (v <= *upto) vs.deleted = true;
      }
      return true;
    }
  }
  return false;
}

bool RegistryState::ApplySchema(const RecordKey& key, std::optional<std::string_view> value,
                                std::string* why) {
  const std::string& subject = *key.subject;
  if (!value) {  // permanent delete of subject/version
    auto it = subjects_.find(subject);
    if (it == subjects_.end()) return true;
    auto v = it->second.versions.find(key.version);
    if (v == it->second.versions.end()) return true;
    Unuse(v->second.id);
    it->second.versions.erase(v);
    if (it->second.versions.empty() && !it->second.compatibility && !it->second.mode) {
      subjects_.erase(it);
    }
    return true;
  }
  auto sv = DecodeSchemaValue(*value);
  if (!sv.ok()) {
    *why = sv.status().message();
    return false;
  }
  if (sv->subject != subject || sv->version != key.version) {
    *why = "the value's subject/version differ from the key's";
    return false;
  }
  // The identity of the record's schema: the stored one when the id already names the same
  // text (a soft delete rewrites the record), else a parse (the writer's hint if it left one).
  std::string identity;
  const StoredSchema* known = FindSchema(sv->id);
  std::shared_ptr<const ParsedSchema> parsed;
  if (known != nullptr && known->text == sv->schema && known->type == sv->type &&
      known->references == sv->references) {
    identity = known->identity;
  } else {
    auto hint = hints_.find(HintKey(sv->type, sv->schema, sv->references));
    if (hint != hints_.end()) {
      parsed = hint->second;
      hints_.erase(hint);
    } else {
      auto p = Parse(sv->type, sv->schema, sv->references);
      if (!p.ok()) {
        *why = "unparsable schema: " + p.status().message();
        return false;
      }
      parsed = *p;
    }
    identity = IdentityOf(*parsed, sv->references);
    if (known != nullptr && known->identity != identity) {
      *why = fmt::format("id {} already names another schema", sv->id);
      return false;
    }
  }
  auto other = ids_by_identity_.find(identity);
  if (other != ids_by_identity_.end() && other->second != sv->id) {
    *why = fmt::format("the schema already has id {}", other->second);
    return false;
  }
  SubjectState& s = subjects_[subject];
  auto slot = s.versions.find(sv->version);
  if (slot != s.versions.end() && slot->second.id != sv->id) {
    *why = fmt::format("{} version {} already holds id {}", subject, sv->version,
                       slot->second.id);
    if (s.versions.empty() && !s.compatibility && !s.mode) subjects_.erase(subject);
    return false;
  }
  if (known == nullptr) {
    StoredSchema st;
    st.type = sv->type;
    st.text = sv->schema;
    st.references = sv->references;
    st.parsed = parsed;
    st.identity = identity;
    schemas_.emplace(sv->id, std::move(st));
    ids_by_identity_.emplace(identity, sv->id);
    max_id_ = std::max(max_id_, sv->id);
  }
  if (slot == s.versions.end()) {
    StoredSchema& st = schemas_[sv->id];
    if (st.uses++ == 0) ++live_schemas_;
    s.versions.emplace(sv->version, VersionState{sv->id, sv->deleted});
  } else {
    slot->second.deleted = sv->deleted;
  }
  return true;
}

}  // namespace kappa::registry
