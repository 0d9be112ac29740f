// The CQL client's view of the cluster: discovery from system.local and system.peers,
// one connection pool per host, token-aware routing over the Murmur3 ring, and a background
// thread that re-opens dead connections with backoff.
#include <set>

#include "common/logging.h"
#include "cql/client/client_impl.h"

namespace kappa::cql::client_internal {

std::shared_ptr<ClientConnection> HostPool::Alive(size_t hint) const {
  MutexLock l(mu);
  size_t n = conns.size();
  for (size_t k = 0; k < n; ++k) {
    const auto& c = conns[(hint + k) % n];
    if (c && c->alive()) return c;
  }
  return nullptr;
}

int HostPool::LiveCount() const {
  MutexLock l(mu);
  int live = 0;
  for (const auto& c : conns) live += (c && c->alive()) ? 1 : 0;
  return live;
}

std::vector<ClientHost> ClientImpl::hosts() const {
  std::vector<ClientHost> out;
  for (const auto& h : hosts_) {
    out.push_back(h->info);
    out.back().live_connections = h->LiveCount();
  }
  return out;
}

int ClientImpl::RouteOf(const PreparedStatement& p, const std::vector<store::Value>& values) const {
  auto key = RoutingKey(p.pk_indexes, values);
  if (!key || ring_.empty()) return -1;
  int64_t token = TokenOfRoutingKey(*key);
  int owner = ring_.OwnerOf(token);
  if (owner >= 0 && hosts_[size_t(owner)]->info.local) return owner;
  for (int h : ring_.HostsFor(token, hosts_.size())) {
    if (hosts_[size_t(h)]->info.local) return h;
  }
  return -1;
}

Status ClientImpl::ChooseLocalDatacenter() {
  std::string dc = options_.local_datacenter;
  if (dc.empty()) dc = hosts_[0]->info.datacenter;
  std::set<std::string> all;
  size_t local = 0;
  for (auto& h : hosts_) {
    all.insert(h->info.datacenter);
    // A host that did not say (no system.local) counts as local.
    h->info.local = h->info.datacenter.empty() || h->info.datacenter == dc;
    if (h->info.local) ++local;
  }
  if (local == 0) {
    std::string names;
    for (const auto& n : all) names += (names.empty() ? "" : ", ") + n;
    return Status::InvalidArgument("local data center '" + dc + "' has no hosts in this cluster (its data centers: " + names + ")");
  }
  for (auto& h : hosts_) {
    if (h->info.local) continue;
    // The contact point may be remote: its control connection is not kept.
    MutexLock l(h->mu);
    for (auto& c : h->conns) {
      if (c) c->Close();
      c = nullptr;
    }
  }
  if (local < hosts_.size()) {
    KLOG_INFO("CQL client: local data center {}: using {} of {} hosts", dc, local, hosts_.size());
  }
  return Status::OK();
}

// Reads system.local and system.peers over the control connection and builds the hosts
// and the ring. Host 0 is the contact point (reached at the address the user gave, which
// may differ from the rpc_address it reports). A server without these tables is treated
// as one host without a ring (routing then only keeps a partition on one connection).
Status ClientImpl::Discover(const std::shared_ptr<ClientConnection>& control,
                            const std::string& host, uint16_t port) {
  auto add_host = [&](ClientHost info) -> HostPool& {
    auto h = std::make_unique<HostPool>();
    h->info = std::move(info);
    h->conns_during_init().resize(size_t(options_.connections_per_host));
    hosts_.push_back(std::move(h));
    return *hosts_.back();
  };
  ClientHost local;
  local.address = host;
  local.port = port;
  auto lr = QueryOn(control, "SELECT data_center, host_id, tokens FROM system.local");
  if (!lr.ok() || lr->rows.empty()) {
    KLOG_DEBUG("CQL client: no system.local at {}:{} ({}); routing without a token ring", host,
               port, lr.ok() ? "no rows" : lr.status().ToString());
    add_host(local).conns_during_init()[0] = control;
    return Status::OK();
  }
  auto text = [](const store::Value& v) { return v.is_set() ? v.ToString() : std::string(); };
  auto add_tokens = [&](const store::Value& v, int index, size_t* count) {
    if (!v.is_set()) return;
    for (const auto& t : v.as_elements()) {
      Status s = ring_.AddText(t.as_bytes(), index);
      if (s.ok())
        ++*count;
      else
        KLOG_WARN("CQL client: host {}: {}", hosts_[size_t(index)]->info.address, s.ToString());
    }
  };
  const auto& row = lr->rows[0];
  local.datacenter = text(row[0]);
  local.host_id = text(row[1]);
  HostPool& first = add_host(local);
  first.conns_during_init()[0] = control;
  add_tokens(row[2], 0, &first.info.tokens);
  auto pr =
      QueryOn(control, "SELECT peer, rpc_address, data_center, host_id, tokens FROM system.peers");
  if (pr.ok()) {
    for (const auto& p : pr->rows) {
      ClientHost peer;
      std::string rpc = text(p[1]);
      peer.address = (rpc.empty() || rpc == "0.0.0.0" || rpc == "::") ? text(p[0]) : rpc;
      peer.port = port;
      peer.datacenter = text(p[2]);
      peer.host_id = text(p[3]);
      if (peer.address.empty() || peer.host_id == local.host_id) continue;
      HostPool& h = add_host(peer);
      add_tokens(p[4], int(hosts_.size() - 1), &h.info.tokens);
    }
  } else {
    KLOG_WARN("CQL client: reading system.peers at {}:{}: {}; using only that host", host, port,
              pr.status().ToString());
  }
  ring_.Finish();
  return Status::OK();
}

// Opens a connection with the negotiated version and USEs the current keyspace.
Result<std::shared_ptr<ClientConnection>> ClientImpl::OpenConnection(const std::string& host,
                                                                     uint16_t port) {
  auto c = std::make_shared<ClientConnection>(ioc_, options_.tls);
  RETURN_IF_ERROR(c->Open(host, port, version_, options_));
  c->StartReading();
  std::string ks;
  {
    MutexLock l(ks_mu_);
    ks = keyspace_;
  }
  if (!ks.empty()) {
    auto r = QueryOn(c, "USE \"" + ks + "\"");
    if (!r.ok()) {
      c->Close();
      return r.status();
    }
  }
  return c;
}

// Re-opens dead connections, per host with backoff (100 ms doubling to 5 s).
void ClientImpl::ReconnectLoop() {
  MutexLock l(rc_mu_);
  while (!closed_.load()) {
    rc_cv_.wait_for(l, std::chrono::milliseconds(100), [&] { return closed_.load(); });
    if (closed_.load()) break;
    l.unlock();
    auto now = std::chrono::steady_clock::now();
    for (auto& hp : hosts_) {
      HostPool& h = *hp;
      if (!h.info.local || now < h.next_attempt) continue;
      for (size_t j = 0; j < h.slots() && !closed_.load(); ++j) {
        {
          MutexLock hl(h.mu);
          if (h.conns[j] && h.conns[j]->alive()) continue;
        }
        auto c = OpenConnection(h.info.address, h.info.port);
        if (!c.ok()) {
          if (!h.reported_down) {
            KLOG_WARN("CQL client: host {}:{} is down ({}); reconnecting in the background",
                      h.info.address, h.info.port, c.status().ToString());
          }
          h.reported_down = true;
          h.next_attempt = std::chrono::steady_clock::now() + h.backoff;
          h.backoff = std::min(h.backoff * 2, std::chrono::milliseconds(5000));
          break;
        }
        if (h.reported_down)
          KLOG_INFO("CQL client: reconnected to {}:{}", h.info.address, h.info.port);
        h.reported_down = false;
        h.backoff = std::chrono::milliseconds(100);
        std::shared_ptr<ClientConnection> old;
        {
          MutexLock hl(h.mu);
          old = std::exchange(h.conns[j], *c);
        }
        if (old) old->Close();
      }
    }
    l.lock();
  }
}

Status ClientImpl::NoLiveHost() const {
  std::string names;
  for (const auto& h : hosts_) {
    if (!h->info.local) continue;
    names += (names.empty() ? "" : ", ") + h->info.address + ":" + std::to_string(h->info.port);
  }
  return Status::Unavailable("no live connection to any host of the local data center (" +
                             names + "); the client keeps reconnecting in the background");
}

// Token-aware choice: the partition key's token picks the owner host (then the next hosts
// clockwise on the ring when it is down) and, within the host, the connection, so the same
// partition always travels the same connection. Without a routing key: round robin.
std::shared_ptr<ClientConnection> ClientImpl::Pick(const PreparedStatement* p,
                                                   const std::vector<store::Value>* values) {
  std::optional<int64_t> token;
  if (p && values) {
    auto key = RoutingKey(p->pk_indexes, *values);
    if (key) token = TokenOfRoutingKey(*key);
  }
  if (token) {
    size_t hint = size_t(uint64_t(*token));
    int owner = ring_.OwnerOf(*token);
    if (owner < 0 && hosts_.size() == 1) owner = 0;
    if (owner >= 0) {
      if (hosts_[size_t(owner)]->info.local) {
        if (auto c = hosts_[size_t(owner)]->Alive(hint)) return c;
      }
      // The next hosts clockwise in the local data center: its replicas of the token.
      for (int h : ring_.HostsFor(*token, hosts_.size())) {
        if (!hosts_[size_t(h)]->info.local) continue;
        if (auto c = hosts_[size_t(h)]->Alive(hint)) return c;
      }
    }
  }
  size_t n = hosts_.size();
  size_t start = rr_++;
  for (size_t k = 0; k < n; ++k) {
    HostPool& h = *hosts_[(start + k) % n];
    if (!h.info.local) continue;
    if (auto c = h.Alive(h.rr++)) return c;
  }
  return nullptr;
}
}  // namespace kappa::cql::client_internal
