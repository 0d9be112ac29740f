// `sources:` of kappa.yaml: connect's synthetic randomuser and HTTP sources.
#include <fmt/format.h>

#include <algorithm>

#include "app/config_section.h"

namespace kappa::app {
namespace {

Status RandomUser(const YamlReader& r_, const YAML::Node& n, const std::string& where, connect::RandomUserOptions* o) {
  RETURN_IF_ERROR(r_.CheckKeys(n, {"type", "seed", "results_per_page", "nationalities"}, where));
  if (n["seed"]) { ASSIGN_OR_RETURN(o->seed, r_.String(n["seed"], where + ".seed")); }
  if (n["results_per_page"]) {
    ASSIGN_OR_RETURN(int64_t v, r_.Int(n["results_per_page"], where + ".results_per_page", 1, 5000));
    o->results = static_cast<uint32_t>(v);
  }
  if (n["nationalities"]) {
    RETURN_IF_ERROR(r_.ExpectSeq(n["nationalities"], where + ".nationalities"));
    std::vector<std::string> known = connect::SupportedNationalities();
    for (const auto& e : n["nationalities"]) {
      ASSIGN_OR_RETURN(std::string nat, r_.String(e, where + ".nationalities"));
      std::transform(nat.begin(), nat.end(), nat.begin(), ::toupper);
      if (std::find(known.begin(), known.end(), nat) == known.end()) {
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        return r_.Error(e, fmt::format("unknown nationality '{}' (supported: {})", nat, list));
      }
      o->nationalities.push_back(nat);
    }
  }
  return Status::OK();
}

Status Http(const YamlReader& r_, const YAML::Node& n, const std::string& where, connect::HttpSourceOptions* o) {
  RETURN_IF_ERROR(r_.CheckKeys(n, {"type", "url", "rate", "concurrency", "timeout", "connect_timeout", "max_retries", "backoff_initial", "backoff_max"}, where));
  if (n["url"]) {
    ASSIGN_OR_RETURN(o->url, r_.String(n["url"], where + ".url"));
    if (!o->url.starts_with("http://") && !o->url.starts_with("https://")) {
      return r_.Error(n["url"], where + ".url must start with http:// or https://");
    }
  }
  if (n["rate"]) { ASSIGN_OR_RETURN(o->requests_per_sec, r_.Double(n["rate"], where + ".rate", 0)); }
  if (n["concurrency"]) {
    ASSIGN_OR_RETURN(int64_t v, r_.Int(n["concurrency"], where + ".concurrency", 1, 64));
    o->concurrency = static_cast<uint32_t>(v);
  }
  if (n["max_retries"]) {
    ASSIGN_OR_RETURN(int64_t v, r_.Int(n["max_retries"], where + ".max_retries", 0, 1000));
    o->max_retries = static_cast<uint32_t>(v);
  }
  for (auto [key, out] : {std::pair{"timeout", &o->timeout}, {"connect_timeout", &o->connect_timeout},
                          {"backoff_initial", &o->backoff_initial}, {"backoff_max", &o->backoff_max}}) {
    if (!n[key]) continue;
    ASSIGN_OR_RETURN(int64_t ms, r_.DurationMs(n[key], fmt::format("{}.{}", where, key)));
    if (ms <= 0) return r_.Error(n[key], fmt::format("{}.{} must be positive", where, key));
    *out = std::chrono::milliseconds(ms);
  }
  return Status::OK();
}

}  // namespace

Status LoadSources(const YamlReader& r_, const YAML::Node& map, PipelineConfig* c) {
  RETURN_IF_ERROR(r_.ExpectMap(map, "sources"));
  for (auto it = map.begin(); it != map.end(); ++it) {
    SourceConfig s;
    ASSIGN_OR_RETURN(s.name, r_.String(it->first, "a source name"));
    if (c->FindSource(s.name)) return r_.Error(it->first, fmt::format("source '{}' is defined twice", s.name));
    std::string where = "sources." + s.name;
    RETURN_IF_ERROR(r_.ExpectMap(it->second, where));
    if (!it->second["type"]) return r_.Error(it->second, where + " needs a type (randomuser or http)");
    ASSIGN_OR_RETURN(std::string type, r_.String(it->second["type"], where + ".type"));
    if (type == "randomuser") {
      s.type = SourceConfig::Type::kRandomUser;
      RETURN_IF_ERROR(RandomUser(r_, it->second, where, &s.randomuser));
    } else if (type == "http") {
      s.type = SourceConfig::Type::kHttp;
      RETURN_IF_ERROR(Http(r_, it->second, where, &s.http));
    } else {
      return r_.Error(it->second["type"], fmt::format("{}.type must be randomuser or http, not '{}'", where, type));
    }
    c->sources.push_back(std::move(s));
  }
  return Status::OK();
}

}  // namespace kappa::app
