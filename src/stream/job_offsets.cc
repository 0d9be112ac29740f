#include "stream/job_offsets.h"

#include <fmt/format.h>

#include <charconv>
#include <vector>

namespace kappa::stream {
namespace {

constexpr std::string_view kJobPrefix = "stream/job/";
constexpr std::string_view kOffsetsPrefix = "stream/offsets/";

// Splits "k=v\nk=v" into pairs; false on a line without '='.
bool ParseFields(std::string_view text, std::map<std::string, std::string>* out) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty()) continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return false;
    (*out)[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  return true;
}

template <typename T>
bool ParseInt(const std::map<std::string, std::string>& f, const char* key, T* out) {
  auto it = f.find(key);
  if (it == f.end()) return false;
  const std::string& s = it->second;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

std::string JobMetaKey(std::string_view job) { return fmt::format("{}{}", kJobPrefix, job); }
std::string OffsetsMetaPrefix(std::string_view job) {
  return fmt::format("{}{}/", kOffsetsPrefix, job);
}
std::string OffsetMetaKey(std::string_view job, PartitionId p) {
  return fmt::format("{}{}/{:010d}", kOffsetsPrefix, job, p.value());
}

std::string EncodeRegistration(const JobRegistration& r) {
  std::string out = fmt::format("topic={}\ntable={}\ngroup={}\ndead_letter_topic={}\n", r.topic,
                                r.table, r.group, r.dead_letter_topic);
  if (!r.bootstrap.empty()) out += fmt::format("bootstrap={}\n", r.bootstrap);
  return out;
}

Result<JobRegistration> DecodeRegistration(std::string_view text) {
  std::map<std::string, std::string> f;
  if (!ParseFields(text, &f) || !f.count("topic") || !f.count("table")) {
    return Status::Corruption("job registration is malformed: '" + std::string(text) + "'");
  }
  return JobRegistration{f["topic"], f["table"], f["group"], f["dead_letter_topic"],
                         f["bootstrap"]};
}

std::string EncodeProgress(const PartitionProgress& p) {
  return fmt::format("next={}\nstored={}\ndead_letters={}\ndlq_end={}\n", p.next.value(),
                     p.stored, p.dead_letters, p.dlq_end);
}

Result<PartitionProgress> DecodeProgress(std::string_view text) {
  std::map<std::string, std::string> f;
  PartitionProgress p;
  int64_t next = 0;
  if (!ParseFields(text, &f) || !ParseInt(f, "next", &next) || next < 0 ||
      !ParseInt(f, "stored", &p.stored) || !ParseInt(f, "dead_letters", &p.dead_letters) ||
      !ParseInt(f, "dlq_end", &p.dlq_end)) {
    return Status::Corruption("job offset record is malformed: '" + std::string(text) + "'");
  }
  p.next = Offset(next);
  return p;
}

Result<std::optional<JobRegistration>> ReadRegistration(const store::Store& store,
                                                        std::string_view job) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, store.GetMeta(JobMetaKey(job)));
  if (!v) return std::optional<JobRegistration>();
  ASSIGN_OR_RETURN(JobRegistration r, DecodeRegistration(*v));
  return std::optional<JobRegistration>(std::move(r));
}

Result<std::map<int32_t, PartitionProgress>> ReadProgress(const store::Store& store,
                                                          std::string_view job) {
  std::string prefix = OffsetsMetaPrefix(job);
  ASSIGN_OR_RETURN(auto entries, store.ListMeta(prefix));
  std::map<int32_t, PartitionProgress> out;
  for (const auto& [key, value] : entries) {
    std::string_view num = std::string_view(key).substr(prefix.size());
    int32_t p = 0;
    auto r = std::from_chars(num.data(), num.data() + num.size(), p);
    if (r.ec != std::errc() || r.ptr != num.data() + num.size()) {
      return Status::Corruption("unexpected job offset key '" + key + "'");
    }
    ASSIGN_OR_RETURN(out[p], DecodeProgress(value));
  }
  return out;
}

}  // namespace kappa::stream
