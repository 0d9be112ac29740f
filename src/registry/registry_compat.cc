// Compatibility levels over ParsedSchema::ReadIncompatibilities. BACKWARD: the new schema
// reads data written with the old one; FORWARD: the old one reads data written with the new
// one; FULL: both. Transitive levels check every live version, the others the latest live
// one (Confluent's rules; soft-deleted versions are not checked).
#include <fmt/format.h>

#include "registry/registry_errors.h"
#include "registry/registry_impl.h"

namespace kappa::registry {

namespace {

bool Transitive(Compatibility c) {
  return c == Compatibility::kBackwardTransitive || c == Compatibility::kForwardTransitive ||
         c == Compatibility::kFullTransitive;
}
bool Backward(Compatibility c) {
  return c == Compatibility::kBackward || c == Compatibility::kBackwardTransitive ||
         c == Compatibility::kFull || c == Compatibility::kFullTransitive;
}
bool Forward(Compatibility c) {
  return c == Compatibility::kForward || c == Compatibility::kForwardTransitive ||
         c == Compatibility::kFull || c == Compatibility::kFullTransitive;
}

}  // namespace

std::vector<std::string> RegistryImpl::Incompatibilities(const ParsedSchema& candidate,
                                                         std::string_view subject,
                                                         Compatibility level,
                                                         std::optional<int32_t> only) const {
  std::vector<std::string> out;
  if (level == Compatibility::kNone) return out;
  const SubjectState* s = state_.FindSubject(subject);
  if (s == nullptr) return out;
  std::vector<std::pair<int32_t, const StoredSchema*>> olds;
  if (only) {
    auto it = s->versions.find(*only);
    if (it != s->versions.end()) olds.emplace_back(it->first, state_.FindSchema(it->second.id));
  } else {
    // Newest first, so non-transitive levels stop after one.
    for (auto it = s->versions.rbegin(); it != s->versions.rend(); ++it) {
      if (it->second.deleted) continue;
      olds.emplace_back(it->first, state_.FindSchema(it->second.id));
      if (!Transitive(level)) break;
    }
  }
  for (const auto& [version, old] : olds) {
    if (old == nullptr || !old->parsed) continue;
    const ParsedSchema& o = *old->parsed;
    if (o.type() != candidate.type()) {
      out.push_back(fmt::format("Incompatible schema type: version {} is {}, the new schema {}",
                                version, o.type(), candidate.type()));
      continue;
    }
    // Confluent 7.x's verbose shape: the type's reasons, then which version, its text and
    // the level, once per incompatible version.
    std::vector<std::string> reasons;
    if (Backward(level)) reasons = candidate.ReadIncompatibilities(o, /*reader_is_new=*/true);
    if (Forward(level)) {
      auto more = o.ReadIncompatibilities(candidate, /*reader_is_new=*/false);
      reasons.insert(reasons.end(), more.begin(), more.end());
    }
    if (reasons.empty()) continue;
    out.insert(out.end(), reasons.begin(), reasons.end());
    out.push_back(fmt::format("{{oldSchemaVersion: {}}}", version));
    out.push_back(fmt::format("{{oldSchema: '{}'}}", old->text));
    out.push_back(fmt::format("{{compatibility: '{}'}}", CompatibilityName(level)));
  }
  return out;
}

Result<std::vector<std::string>> RegistryImpl::CheckCompatibility(
    const RegisterRequest& request, std::optional<int32_t> version) const {
  ReaderMutexLock l(mu_);
  const SubjectState* s = state_.FindSubject(request.subject);
  std::optional<int32_t> only;
  if (version) {
    if (s == nullptr || !s->HasLive()) return SubjectNotFound(request.subject);
    int32_t v = *version == kLatestVersion ? s->LatestLive() : *version;
    auto it = s->versions.find(v);
    if (it == s->versions.end() || it->second.deleted) return VersionNotFound(*version);
    only = v;
  }
  ASSIGN_OR_RETURN(Prepared p, Prepare(request));
  return Incompatibilities(*p.parsed, request.subject,
                           state_.EffectiveCompatibility(request.subject), only);
}

}  // namespace kappa::registry
