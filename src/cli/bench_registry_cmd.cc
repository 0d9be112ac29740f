// `kappa bench registry`: the schema registry's two hot paths, by default against an
// in-process registry (a temporary data directory, 127.0.0.1:0), or --registry URL:
//   get_by_id  GET /schemas/ids/{id} over keep-alive from N connections, one request in
//              flight each (what every consumer's deserializer does on a cache miss):
//              requests/s and latency percentiles;
//   register   POST /subjects/{s}/versions of distinct schemas through the registry client
//              (each acknowledged only once fsynced): time and rate.
// The read load uses blocking sockets with a minimal HTTP/1.1 reader, as http_bench does, so
// the client's cost on the shared cores stays small; --curl drives it through the libcurl
// registry client instead. Live progress on stderr; --json prints one object per case.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "http/http.h"
#include "log/log.h"
#include "registry/client.h"
#include "registry/registry.h"

namespace kappa::cli {
namespace {

namespace rc = registry::client;
using Clk = std::chrono::steady_clock;

struct RegistryBenchArgs {
  std::string registry;  // empty: in-process
  int connections = 4;
  double seconds = 5;
  int64_t schemas = 10000;
  int register_connections = 1;
  int server_threads = 4;  // as `kappa registry` (registry_cmd.cc): registrations wait for fsyncs on them
  int ids = 100;  // distinct ids the reads cycle over
  bool curl = false;
  bool json = false;
  std::vector<std::string> only;
};

double RegistryPct(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, size_t(q * double(sorted.size())))];
}

struct RegistryCaseResult {
  std::string name;
  int connections = 0;
  int64_t ok = 0;
  int64_t errors = 0;
  std::string first_error;
  double seconds = 0;
  std::vector<double> latencies_ms;
};

void ReportRegistry(const RegistryBenchArgs& a, RegistryCaseResult r) {
  std::sort(r.latencies_ms.begin(), r.latencies_ms.end());
  const double rate = double(r.ok) / r.seconds;
  std::cerr << "\r" << std::string(60, ' ') << "\r";
  if (a.json) {
    std::cout << fmt::format(
        "{{\"case\": \"{}\", \"connections\": {}, \"requests\": {}, \"errors\": {}, \"seconds\": {:.3f}, "
        "\"per_s\": {:.0f}, \"p50_ms\": {:.3f}, \"p99_ms\": {:.3f}, \"p999_ms\": {:.3f}, \"max_ms\": {:.3f}}}\n",
        r.name, r.connections, r.ok, r.errors, r.seconds, rate, RegistryPct(r.latencies_ms, 0.5),
        RegistryPct(r.latencies_ms, 0.99), RegistryPct(r.latencies_ms, 0.999),
        r.latencies_ms.empty() ? 0.0 : r.latencies_ms.back());
  } else {
    std::cout << fmt::format(
        "{:<10} {:>2} conn  {:>9} requests in {:6.2f} s = {:>8.0f}/s   p50 {:.3f} ms  p99 {:.3f} ms  "
        "p99.9 {:.3f} ms  max {:.3f} ms{}\n",
        r.name, r.connections, r.ok, r.seconds, rate, RegistryPct(r.latencies_ms, 0.5), RegistryPct(r.latencies_ms, 0.99),
        RegistryPct(r.latencies_ms, 0.999), r.latencies_ms.empty() ? 0.0 : r.latencies_ms.back(),
        r.errors ? fmt::format("   errors {} (first: {})", r.errors, r.first_error) : "");
  }
  std::cout << std::flush;
}

// A distinct Avro record schema per i (names differ, so canonical forms differ).
std::string BenchSchema(int64_t i) {
  return fmt::format(
      "{{\"type\":\"record\",\"name\":\"BenchUser{}\",\"namespace\":\"bench.registry\",\"fields\":["
      "{{\"name\":\"id\",\"type\":\"string\"}},{{\"name\":\"first_name\",\"type\":\"string\"}},"
      "{{\"name\":\"email\",\"type\":\"string\"}},{{\"name\":\"age\",\"type\":\"int\",\"default\":0}}]}}",
      i);
}

std::unique_ptr<rc::Client> NewClient(const std::string& url) {
  rc::ClientOptions o;
  o.url = url;
  auto c = rc::Client::Create(o);
  if (!c.ok()) Fail(c.status(), 2);
  return std::move(c).value();
}

// One keep-alive connection with blocking sockets: send a GET, read one answer (headers,
// then Content-Length bytes). Returns the status, 0 on a broken connection.
class RawConnection {
 public:
  RawConnection(const std::string& host, uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return fd_ >= 0; }

  int Get(const std::string& request, std::string* body) {
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size())) return 0;
    for (;;) {
      size_t end = buf_.find("\r\n\r\n");
      if (end != std::string::npos) {
        int status = buf_.size() > 12 ? std::atoi(buf_.c_str() + 9) : 0;
        size_t len = 0;
        // Header names are case-insensitive; the server writes Content-Length.
        size_t cl = buf_.find("ontent-Length: ");
        if (cl == std::string::npos || cl > end) cl = buf_.find("ontent-length: ");
        if (cl != std::string::npos && cl < end) len = std::strtoul(buf_.c_str() + cl + 15, nullptr, 10);
        if (buf_.size() >= end + 4 + len) {
          if (body) body->assign(buf_, end + 4, len);
          buf_.erase(0, end + 4 + len);
          return status;
        }
      }
      char tmp[16384];
      ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
      if (n <= 0) return 0;
      buf_.append(tmp, size_t(n));
    }
  }

 private:
  int fd_ = -1;
  std::string buf_;
};

RegistryCaseResult BenchGetById(const RegistryBenchArgs& a, const std::string& url, const std::vector<int32_t>& ids) {
  RegistryCaseResult r;
  r.name = "get_by_id";
  r.connections = a.connections;
  // host and port of an http://HOST:PORT URL, for the raw connections.
  std::string hostport = url.substr(url.find("://") + 3);
  hostport = hostport.substr(0, hostport.find('/'));
  const size_t colon = hostport.rfind(':');
  const std::string host = hostport.substr(0, colon);
  int port = 80;
  if (colon != std::string::npos) port = std::atoi(hostport.c_str() + colon + 1);
  in_addr probe{};
  if (!a.curl && (url.rfind("http://", 0) != 0 || ::inet_pton(AF_INET, host.c_str(), &probe) != 1 ||
                  port <= 0 || port > 65535)) {
    Fail("--registry " + url + ": the raw-socket reader needs http://IPV4:PORT; use --curl for "
         "host names and https", 2);
  }
  std::vector<std::string> requests;
  for (int32_t id : ids) {
    requests.push_back(fmt::format("GET /schemas/ids/{} HTTP/1.1\r\nHost: {}\r\nAccept: "
                                   "application/vnd.schemaregistry.v1+json\r\n\r\n",
                                   id, hostport));
  }
  std::atomic<bool> stop{false};
  std::atomic<int64_t> done{0};
  std::mutex mu;
  std::vector<std::thread> threads;
  auto start = Clk::now();
  for (int c = 0; c < a.connections; ++c) {
    threads.emplace_back([&, c] {
      std::vector<double> lat;
      lat.reserve(1 << 20);
      int64_t ok = 0, errors = 0;
      std::string first_error;
      std::unique_ptr<RawConnection> raw;
      std::unique_ptr<rc::Client> client;
      if (a.curl) {
        client = NewClient(url);
      } else {
        raw = std::make_unique<RawConnection>(host, uint16_t(port));
        if (!raw->connected()) {
          errors = 1;
          first_error = "cannot connect to " + hostport;
          stop = true;
        }
      }
      std::string body;
      for (size_t i = size_t(c); !stop.load(std::memory_order_relaxed); ++i) {
        const size_t k = i % ids.size();
        auto t0 = Clk::now();
        bool good;
        if (client) {
          auto s = client->GetById(ids[k]);
          good = s.ok();
          if (!good && first_error.empty()) first_error = s.status().ToString();
        } else {
          int status = raw->Get(requests[k], &body);
          good = status == 200;
          if (!good && first_error.empty()) {
            first_error = status == 0 ? "connection closed" : fmt::format("HTTP {}: {}", status, body.substr(0, 200));
          }
          if (status == 0) stop = true;
        }
        lat.push_back(std::chrono::duration<double, std::milli>(Clk::now() - t0).count());
        good ? ++ok : ++errors;
        if (good && (ok & 1023) == 0) done.fetch_add(1024, std::memory_order_relaxed);
      }
      std::lock_guard lock(mu);
      r.ok += ok;
      r.errors += errors;
      if (r.first_error.empty()) r.first_error = first_error;
      r.latencies_ms.insert(r.latencies_ms.end(), lat.begin(), lat.end());
    });
  }
  while (Clk::now() - start < std::chrono::duration<double>(a.seconds) && !stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    std::cerr << fmt::format("\rget_by_id: {:.1f} s, ~{} requests", std::chrono::duration<double>(Clk::now() - start).count(),
                             done.load())
              << std::flush;
  }
  stop = true;
  for (auto& t : threads) t.join();
  r.seconds = std::chrono::duration<double>(Clk::now() - start).count();
  return r;
}

RegistryCaseResult BenchRegister(const RegistryBenchArgs& a, const std::string& url, int64_t first) {
  RegistryCaseResult r;
  r.name = "register";
  r.connections = a.register_connections;
  std::atomic<int64_t> next{0};
  std::mutex mu;
  std::vector<std::thread> threads;
  auto start = Clk::now();
  for (int c = 0; c < a.register_connections; ++c) {
    threads.emplace_back([&] {
      auto client = NewClient(url);
      std::vector<double> lat;
      int64_t ok = 0, errors = 0;
      std::string first_error;
      for (int64_t i; (i = next.fetch_add(1)) < a.schemas;) {
        rc::SchemaDefinition d;
        d.schema = BenchSchema(first + i);
        auto t0 = Clk::now();
        auto id = client->Register(fmt::format("bench-registry-{}-value", first + i), d);
        lat.push_back(std::chrono::duration<double, std::milli>(Clk::now() - t0).count());
        if (id.ok()) {
          ++ok;
        } else {
          ++errors;
          if (first_error.empty()) first_error = id.status().ToString();
        }
      }
      std::lock_guard lock(mu);
      r.ok += ok;
      r.errors += errors;
      if (r.first_error.empty()) r.first_error = first_error;
      r.latencies_ms.insert(r.latencies_ms.end(), lat.begin(), lat.end());
    });
  }
  while (next.load() < a.schemas) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    std::cerr << fmt::format("\rregister: {}/{}", std::min(next.load(), a.schemas), a.schemas) << std::flush;
  }
  for (auto& t : threads) t.join();
  r.seconds = std::chrono::duration<double>(Clk::now() - start).count();
  return r;
}

bool Wanted(const RegistryBenchArgs& a, const std::string& name) {
  return a.only.empty() || std::find(a.only.begin(), a.only.end(), name) != a.only.end();
}

void RunRegistryBench(const RegistryBenchArgs& a) {
  // The in-process registry: as `kappa registry` serves it (registry_cmd.cc).
  std::filesystem::path tmp;
  std::unique_ptr<app::Runtime> rt;
  std::shared_ptr<registry::Registry> reg;
  std::unique_ptr<http::Server> server;
  std::string url = a.registry;
  if (url.empty()) {
    tmp = std::filesystem::temp_directory_path() / fmt::format("kappa-bench-registry-{}", ::getpid());
    std::filesystem::remove_all(tmp);
    auto r = OpenDataDir(tmp.string(), "kappa bench registry", Access::kOwner, /*log=*/true,
                         /*store=*/false, log::LogOptions{});
    if (!r.ok()) Fail(r.status());
    rt = std::move(r).value();
    registry::RegistryOptions ro;
    ro.log = &rt->log();
    auto opened = registry::Registry::Open(ro);
    if (!opened.ok()) Fail(opened.status());
    reg = std::move(opened).value();
    auto router = std::make_shared<http::Router>();
    registry::AddRegistryRoutes(reg, router.get());
    http::ListenerOptions lo;
    lo.port = 0;
    lo.router = router;
    http::ServerOptions so;
    so.threads = a.server_threads;
    auto s = http::Server::Start(so, {lo});
    if (!s.ok()) Fail(s.status());
    server = std::move(s).value();
    url = fmt::format("http://127.0.0.1:{}", server->port());
    std::cerr << "bench registry: in-process registry on " << url << " (" << a.server_threads
              << " server threads)\n";
  }
  // Distinct run numbers keep schemas distinct when --registry points at a kept registry.
  const int64_t run = int64_t(std::chrono::system_clock::now().time_since_epoch().count() / 1000) % 1000000000;

  if (Wanted(a, "get_by_id")) {
    auto client = NewClient(url);
    std::vector<int32_t> ids;
    for (int i = 0; i < a.ids; ++i) {
      rc::SchemaDefinition d;
      d.schema = BenchSchema(run * 100000 + 90000 + i);
      auto id = client->Register(fmt::format("bench-registry-reads-{}-{}-value", run, i), d);
      if (!id.ok()) Fail(id.status().WithContext("registering the schemas to read"));
      ids.push_back(*id);
    }
    ReportRegistry(a, BenchGetById(a, url, ids));
  }
  if (Wanted(a, "register")) ReportRegistry(a, BenchRegister(a, url, run * 100000));

  if (server) server->Stop();
  server.reset();
  reg.reset();
  if (rt) {
    Status s = rt->log().Close();
    rt.reset();
    if (!s.ok()) Fail(s);
  }
  if (!tmp.empty()) std::filesystem::remove_all(tmp);
}

}  // namespace

void RegisterBenchRegistryCommand(CLI::App& app, const Groups& g) {
  auto a = std::make_shared<RegistryBenchArgs>();
  auto* cmd = g.bench->add_subcommand(
      "registry", "Schema registry: GET /schemas/ids/{id} over keep-alive (req/s, latency) and "
                  "registration of distinct schemas");
  cmd->add_option("--registry", a->registry,
                  "Measure the registry at this URL instead of an in-process one (writes schemas "
                  "under bench-registry-* subjects)");
  cmd->add_option("--connections", a->connections, "Keep-alive connections for the reads")
      ->capture_default_str()->check(CLI::Range(1, 1024));
  cmd->add_option("--seconds", a->seconds, "Duration of the read phase")->capture_default_str();
  cmd->add_option("--schemas", a->schemas, "Distinct schemas to register")->capture_default_str();
  cmd->add_option("--register-connections", a->register_connections,
                  "Clients registering at once")->capture_default_str()->check(CLI::Range(1, 256));
  cmd->add_option("--ids", a->ids, "Distinct schema ids the reads cycle over")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  cmd->add_option("--server-threads", a->server_threads, "In-process server threads")
      ->capture_default_str()->check(CLI::Range(1, 64));
  cmd->add_flag("--curl", a->curl, "Read through the libcurl registry client instead of raw sockets");
  cmd->add_option("--only", a->only, "Cases to run: get_by_id, register")
      ->check(CLI::IsMember({"get_by_id", "register"}));
  cmd->add_flag("--json", a->json, "One JSON object per case");
  cmd->callback([a] { RunRegistryBench(*a); });
}

}  // namespace kappa::cli
