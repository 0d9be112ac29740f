// Who writes: the writer election for `log: kafka` and the WRITER record
// (writer_election.h; src/registry/README.md "Who writes").
#include <fmt/format.h>

#include "common/logging.h"
#include "registry/registry_errors.h"
#include "registry/registry_impl.h"

namespace kappa::registry {

std::string DefaultAdvertisedUrl(std::string_view host, uint16_t port, bool tls) {
  std::string h(host);
  if (h.empty() || h == "0.0.0.0") h = "127.0.0.1";
  if (h == "::" || h == "[::]") h = "::1";
  if (h.find(':') != std::string::npos && h.front() != '[') h = "[" + h + "]";
  return fmt::format("{}://{}:{}", tls ? "https" : "http", h, port);
}

Status RegistryImpl::JoinWriterElection(std::string advertised_url) {
  if (options_.kafka_bootstrap.empty()) return Status::OK();  // the one process writes
  {
    WriterMutexLock l(mu_);
    if (!advertised_url_.empty()) {
      return Status::AlreadyExists("registry: already in the writer election");
    }
    advertised_url_ = std::move(advertised_url);
  }
  WriterElectionOptions o;
  o.bootstrap = options_.kafka_bootstrap;
  o.properties = options_.kafka_properties;
  o.topic = options_.topic;
  o.group = options_.writer_group;
  o.session_timeout_ms = options_.writer_session_timeout_ms;
  // The callback reads advertised_url_, set above (before the election's thread starts).
  ASSIGN_OR_RETURN(auto election,
                   WriterElection::Start(o, [this](bool w) { return OnWriterChange(w); }));
  WriterMutexLock l(mu_);
  election_ = std::move(election);
  return Status::OK();
}

bool RegistryImpl::OnWriterChange(bool is_writer) {
  if (!is_writer) return true;  // the next writer's announcement replaces ours
  // Announce where writes go. Followers forward there from the moment their replay applies
  // this record; until then they forward to the previous writer (which refuses, or is gone:
  // 50003) or, with none, answer 50004.
  WriterValue v;
  {
    ReaderMutexLock l(mu_);
    v = {advertised_url_, instance_id_};
  }
  MutexLock w(write_mu_);
  Status s = AppendAndApply({{EncodeKey({KeyType::kWriter, std::nullopt, 0}),
                              EncodeWriterValue(v)}});
  if (!s.ok()) {
    KLOG_WARN("registry: cannot announce this instance as the writer of {}: {}", options_.topic,
              s.ToString());
    return false;
  }
  KLOG_INFO("registry: announced this instance ({}) as the writer of {} at {}", instance_id_,
            options_.topic, v.url);
  return true;
}

WriterRoute RegistryImpl::Writer() const {
  if (options_.kafka_bootstrap.empty()) return {WriterRoute::Kind::kLocal, {}};
  ReaderMutexLock l(mu_);
  if (election_ && election_->is_writer()) return {WriterRoute::Kind::kLocal, {}};
  const auto& w = state_.writer();
  // Our own announcement while we are not (or no longer) elected is stale: the new writer
  // has not announced itself yet.
  if (!w || w->instance == instance_id_ || w->url.empty() ||
      (!advertised_url_.empty() && w->url == advertised_url_)) {
    return {WriterRoute::Kind::kUnknown, {}};
  }
  return {WriterRoute::Kind::kForward, w->url};
}

}  // namespace kappa::registry
