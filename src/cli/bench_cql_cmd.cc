// `kappa bench cql`: prepared INSERTs of created_users-shaped rows and point SELECTs by
// primary key through kappa's CQL client, over loopback, with many requests in flight; then
// read latency at a fixed request rate. By default against an in-process server on a
// temporary data directory; --port targets a running server instead.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "common/mutex.h"
#include "cql/client.h"
#include "cql/cql.h"
#include "security/security.h"

#include <boost/asio/ssl/context.hpp>

namespace kappa::cli {
namespace {

using Clock = std::chrono::steady_clock;
using store::Value;

struct BenchOptions {
  int64_t rows = 200000;
  int64_t reads = 1000000;
  // 512 per connection, under the DataStax drivers' own default limits per connection (1024
  // in the Java driver 4, 2048 in the Node.js and C# drivers). docs/benchmarks/cql.md has
  // figures at 256 and 1024.
  int concurrency = 1024;
  int connections = 2;
  int server_threads = 0;
  int64_t latency_rate = 20000;
  double latency_seconds = 5;
  uint16_t port = 0;  // 0: in-process server
  bool settle = false;
  bool tls = false;  // also over a TLS listener of the same in-process store, side by side
};

// Keeps at most `limit` requests in flight. A blocked issuer is woken only when the window
// has drained to its low-water mark (or to empty), not on every completion: one wake-up per
// `limit / 8` completions instead of a futex call and a context switch per request.
class Window {
 public:
  explicit Window(int limit) : limit_(limit), low_water_(std::max(0, limit - std::max(1, limit / 8))) {}
  void Acquire() {
    MutexLock lock(mu_);
    if (in_flight_ >= limit_) {
      waiting_ = true;
      cv_.wait(lock, [&]() REQUIRES(mu_) { return in_flight_ <= low_water_; });
      waiting_ = false;
    }
    ++in_flight_;
  }
  void Release() {
    bool wake;
    {
      MutexLock lock(mu_);
      --in_flight_;
      wake = (waiting_ && in_flight_ <= low_water_) || (draining_ && in_flight_ == 0);
    }
    if (wake) cv_.notify_all();
  }
  void Drain() {
    MutexLock lock(mu_);
    draining_ = true;
    cv_.wait(lock, [&]() REQUIRES(mu_) { return in_flight_ == 0; });
    draining_ = false;
  }

 private:
  Mutex mu_;
  CondVar cv_;
  const int limit_;
  const int low_water_;
  int in_flight_ GUARDED_BY(mu_) = 0;
  bool waiting_ GUARDED_BY(mu_) = false;  // Acquire is blocked
  bool draining_ GUARDED_BY(mu_) = false;  // Drain is blocked
};

std::vector<Value> UserRow(const Uuid& id, std::mt19937_64& rng) {
  static const char* kFirst[] = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Ken", "Radia"};
  static const char* kLast[] = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Thompson", "Perlman"};
  auto pick = [&](auto& arr) { return std::string(arr[rng() % 8]); };
  std::string first = pick(kFirst), last = pick(kLast);
  std::string user = first + "." + last + std::to_string(rng() % 100000);
  return {Value::UuidOf(store::TypeKind::kUuid, id), Value::Text(first), Value::Text(last),
          Value::Text(rng() % 2 ? "female" : "male"),
          Value::Text(std::to_string(rng() % 9999) + " Main Street, Springfield, Oregon, United States"),
          Value::Text(std::to_string(10000 + rng() % 89999)), Value::Text(user + "@example.com"),
          Value::Text(user), Value::Text("1984-03-0" + std::to_string(1 + rng() % 9) + "T10:00:00.000Z"),
          Value::Text("2015-07-1" + std::to_string(rng() % 9) + "T08:30:00.000Z"),
          Value::Text("(555) " + std::to_string(100 + rng() % 899) + "-" + std::to_string(1000 + rng() % 8999)),
          Value::Text("https://randomuser.me/api/portraits/med/women/" + std::to_string(rng() % 99) + ".jpg")};
}

struct Phase {
  double seconds = 0;
  int64_t ok = 0;
  int64_t errors = 0;
  std::string first_error;
};

// Runs n requests with a window of `concurrency`; make(i, done) issues request i.
Phase RunPhase(const char* name, int64_t n, int concurrency,
               const std::function<void(int64_t, std::function<void(Result<cql::ClientResult>)>)>& issue) {
  Window w(concurrency);
  std::atomic<int64_t> ok{0}, errors{0};
  std::mutex err_mu;
  std::string first_error;
  auto start = Clock::now();
  auto last_report = start;
  for (int64_t i = 0; i < n; ++i) {
    w.Acquire();
    issue(i, [&](Result<cql::ClientResult> r) {
      if (r.ok()) {
        ++ok;
      } else {
        if (errors++ == 0) {
          std::lock_guard lock(err_mu);
          first_error = r.status().ToString();
        }
      }
      w.Release();
    });
    if ((i & 4095) == 0 && Clock::now() - last_report > std::chrono::seconds(2)) {
      last_report = Clock::now();
      std::cerr << "  " << name << ": " << i << "/" << n << "\n";
    }
  }
  w.Drain();
  Phase p;
  p.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  p.ok = ok;
  p.errors = errors;
  p.first_error = first_error;
  return p;
}

struct Rates {
  double inserts = 0;  // rows/s
  double reads = 0;    // reads/s
};

// Waits (up to 60 s) until the in-process store has compacted its level-0 files: the next
// pass starts on a store that is not still compacting the previous one's burst.
void SettleStore(store::Store* st) {
  auto t0 = Clock::now();
  while (st->Level0Files() > 0 && Clock::now() - t0 < std::chrono::seconds(60)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// One pass of the workload against the server at 127.0.0.1:`at` (plaintext, or TLS with
// `tls`) into bench_cql.`table`: prepared inserts, point reads, then read latency at a
// fixed rate. `st`: the in-process store (for --settle), or null.
Rates RunCqlWorkload(const BenchOptions& o, const char* label, uint16_t at,
                     std::shared_ptr<boost::asio::ssl::context> tls, const std::string& table,
                     store::Store* st) {
  Rates rates;
  std::cout << "== " << label << " (127.0.0.1:" << at << ")\n";
  cql::ClientOptions co;
  co.port = at;
  co.connections_per_host = o.connections;
  co.tls = std::move(tls);
  auto c = cql::Client::Connect(co);
  if (!c.ok()) Fail(c.status());
  cql::Client& client = **c;
  for (const std::string& q :
       {std::string("CREATE KEYSPACE IF NOT EXISTS bench_cql WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"),
        "CREATE TABLE IF NOT EXISTS bench_cql." + table + " (id uuid PRIMARY KEY, first_name text, "
        "last_name text, gender text, address text, post_code text, email text, username text, "
        "dob text, registered_date text, phone text, picture text)"}) {
    auto r = client.Query(q, {}, 0, {});
    if (!r.ok()) Fail(r.status());
  }
  auto ins = client.Prepare(
      "INSERT INTO bench_cql." + table + " (id, first_name, last_name, gender, address, post_code, "
      "email, username, dob, registered_date, phone, picture) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  auto sel = client.Prepare("SELECT * FROM bench_cql." + table + " WHERE id = ?");
  if (!ins.ok()) Fail(ins.status());
  if (!sel.ok()) Fail(sel.status());

  std::vector<Uuid> ids(size_t(o.rows));
  for (auto& id : ids) id = Uuid::Random();
  std::vector<std::vector<Value>> rows;
  rows.reserve(ids.size());
  std::mt19937_64 rng(42);
  for (const auto& id : ids) rows.push_back(UserRow(id, rng));
  std::cerr << "bench cql: inserting " << o.rows << " rows (" << o.concurrency << " in flight, "
            << o.connections << " connections)\n";
  Phase w = RunPhase("insert", o.rows, o.concurrency, [&](int64_t i, auto done) {
    client.ExecuteAsync(*ins, std::move(rows[size_t(i)]), std::move(done));
  });
  rates.inserts = double(w.ok) / w.seconds;
  std::cout << "inserts: " << w.ok << " in " << w.seconds << " s = " << int64_t(double(w.ok) / w.seconds)
            << " rows/s" << (w.errors ? ", errors: " + std::to_string(w.errors) + " (" + w.first_error + ")" : "")
            << "\n";
  if (o.settle) {
    // The store compacts its level-0 files once writes stop (store.h, settle_after_ms):
    // wait for that, so the reads see the table as it stays, not just after the burst.
    auto t0 = Clock::now();
    uint64_t l0;
    while ((l0 = st->Level0Files()) > 0 && Clock::now() - t0 < std::chrono::seconds(60)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::cout << "settled: " << (l0 == 0 ? "level 0 compacted" : "level 0 still has files") << " after "
              << std::chrono::duration<double>(Clock::now() - t0).count() << " s\n";
  }
  std::cerr << "bench cql: " << o.reads << " point reads\n";
  // Row i of pass p is ids[i * 2654435761 mod rows]: every row once per pass, in an order
  // unrelated to the key order. The first pass also brings every data block into the block
  // cache (compaction output is not cached); later passes read a warm cache, as a server
  // that has been serving for a while does. Both are reported, and the total.
  std::atomic<int64_t> found{0};
  auto read = [&](int64_t i, auto done) {
    const Uuid& id = ids[size_t((uint64_t(i) * 2654435761u) % ids.size())];
    client.ExecuteAsync(*sel, {Value::UuidOf(store::TypeKind::kUuid, id)},
                        [&found, done = std::move(done)](Result<cql::ClientResult> res) {
                          if (res.ok() && res->rows.size() == 1) ++found;
                          done(std::move(res));
                        });
  };
  const int64_t first = std::min(o.reads, int64_t(ids.size()));
  Phase r1 = RunPhase("read", first, o.concurrency, read);
  Phase r2 = RunPhase("read", o.reads - first, o.concurrency, [&](int64_t i, auto done) { read(first + i, std::move(done)); });
  Phase r;
  r.seconds = r1.seconds + r2.seconds;
  r.ok = r1.ok + r2.ok;
  r.errors = r1.errors + r2.errors;
  r.first_error = r1.errors ? r1.first_error : r2.first_error;
  rates.reads = double(r.ok) / r.seconds;
  std::cout << "point reads: " << r.ok << " in " << r.seconds << " s = " << int64_t(double(r.ok) / r.seconds)
            << " reads/s, rows found: " << found.load()
            << (r.errors ? ", errors: " + std::to_string(r.errors) + " (" + r.first_error + ")" : "") << "\n";
  if (r2.ok > 0) {
    std::cout << "  first pass over the " << ids.size() << " rows: " << int64_t(double(r1.ok) / r1.seconds)
              << " reads/s; later passes (warm block cache): " << int64_t(double(r2.ok) / r2.seconds)
              << " reads/s\n";
  }

  if (o.latency_rate > 0) {
    // Open-loop: requests are issued on schedule whether or not earlier ones finished.
    int64_t n = int64_t(double(o.latency_rate) * o.latency_seconds);
    std::vector<double> lat(size_t(n), -1);
    std::atomic<int64_t> pending{n};
    std::mutex mu;
    std::condition_variable cv;
    std::string lat_error;
    std::cerr << "bench cql: latency at " << o.latency_rate << " reads/s for " << o.latency_seconds << " s\n";
    auto start = Clock::now();
    for (int64_t i = 0; i < n; ++i) {
      auto due = start + std::chrono::nanoseconds(int64_t(1e9 * double(i) / double(o.latency_rate)));
      // Sleep only when more than 1 ms ahead: per-request sleeps would be stretched by the
      // scheduler. Latency is measured from the due time, so bursts are not flattered.
      if (due - Clock::now() > std::chrono::milliseconds(1)) std::this_thread::sleep_until(due);
      const Uuid& id = ids[size_t((uint64_t(i) * 40503u) % ids.size())];
      // Measured from the scheduled time when late (no coordinated omission), else from now.
      auto from = std::min(due, Clock::now());
      client.ExecuteAsync(*sel, {Value::UuidOf(store::TypeKind::kUuid, id)},
                          [&, i, from](Result<cql::ClientResult> res) {
                            if (res.ok()) {
                              lat[size_t(i)] = std::chrono::duration<double, std::milli>(Clock::now() - from).count();
                            } else {
                              std::lock_guard lock(mu);
                              if (lat_error.empty()) lat_error = res.status().ToString();
                            }
                            if (--pending == 0) {
                              std::lock_guard lock(mu);
                              cv.notify_all();
                            }
                          });
    }
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return pending.load() == 0; });
    }
    std::vector<double> ok;
    for (double x : lat) if (x >= 0) ok.push_back(x);
    std::sort(ok.begin(), ok.end());
    auto pct = [&](double p) { return ok.empty() ? 0.0 : ok[std::min(ok.size() - 1, size_t(p * double(ok.size())))]; };
    std::cout << "read latency at " << o.latency_rate << "/s: p50 " << pct(0.50) << " ms, p99 " << pct(0.99)
              << " ms, p99.9 " << pct(0.999) << " ms, max " << (ok.empty() ? 0 : ok.back()) << " ms ("
              << ok.size() << "/" << n << " ok" << (lat_error.empty() ? "" : "; first error: " + lat_error)
              << ")\n";
  }
  client.Close();
  return rates;
}

}  // namespace

void RegisterBenchCqlCommand(CLI::App& app, const Groups& g) {
  auto* cmd = g.bench->add_subcommand(
      "cql", "CQL throughput and latency: prepared inserts and point reads through kappa's client");
  auto o = std::make_shared<BenchOptions>();
  cmd->add_option("--rows", o->rows, "Rows to insert")->capture_default_str();
  cmd->add_option("--reads", o->reads, "Point reads to run (in passes over the rows)")->capture_default_str();
  cmd->add_option("--concurrency", o->concurrency, "Requests in flight (over all connections)")->capture_default_str();
  cmd->add_option("--connections", o->connections, "Client connections")->capture_default_str();
  cmd->add_option("--server-threads", o->server_threads, "In-process server threads (0: CPUs)")->capture_default_str();
  cmd->add_option("--latency-rate", o->latency_rate, "Reads per second for the latency phase (0: skip)")->capture_default_str();
  cmd->add_option("--latency-seconds", o->latency_seconds, "Duration of the latency phase")->capture_default_str();
  auto* port = cmd->add_option("--port", o->port, "Use the CQL server on 127.0.0.1:PORT instead of an in-process one");
  cmd->add_flag("--settle", o->settle,
                "Before the reads, wait until the in-process store has compacted the insert burst's "
                "level-0 files (it does once writes stop)")
      ->excludes(port);
  cmd->add_flag("--tls", o->tls,
                "Also over a TLS listener of the same in-process server (a throwaway "
                "certificate): four passes, plaintext TLS TLS plaintext, each on a settled "
                "store, and TLS / plaintext of their means")
      ->excludes(port);
  cmd->footer("Creates keyspace bench_cql and table created_users (12 text/uuid columns, as the seed).");
  cmd->callback([o] {
    std::unique_ptr<store::Store> st;
    std::unique_ptr<cql::Server> srv;
    std::filesystem::path tmp;
    uint16_t port = o->port;
    std::unique_ptr<cql::Server> tls_srv;
    std::string ca_file;
    if (port == 0) {
      tmp = std::filesystem::temp_directory_path() / ("kappa-bench-cql-" + std::to_string(::getpid()));
      std::filesystem::remove_all(tmp);
      store::StoreOptions so;
      so.data_dir = tmp.string();
      auto s = store::Store::Open(so);
      if (!s.ok()) Fail(s.status());
      st = std::move(s).value();
      cql::ServerOptions opts;
      opts.port = 0;
      opts.threads = o->server_threads;
      auto r = cql::Server::Start(st.get(), opts);
      if (!r.ok()) Fail(r.status());
      srv = std::move(r).value();
      port = srv->port();
      if (o->tls) {
        // The same store behind a second listener with TLS (a throwaway certificate).
        auto cert = security::WriteSelfSignedCertificate((tmp / "tls").string());
        if (!cert.ok()) Fail(cert.status());
        auto ctx = security::MakeServerTlsContext(*cert);
        if (!ctx.ok()) Fail(ctx.status());
        ca_file = cert->cert_file;
        opts.tls = *ctx;
        auto t = cql::Server::Start(st.get(), opts);
        if (!t.ok()) Fail(t.status());
        tls_srv = std::move(t).value();
      }
    }
    if (!tls_srv) {
      RunCqlWorkload(*o, "plaintext", port, nullptr, "created_users", st.get());
    } else {
      // Side by side in the same minutes, each pass into its own table of the same store, in
      // the order plaintext, TLS, TLS, plaintext, each after the store settled: a later pass
      // meets a larger store (deeper memtable, more compaction), and this order gives both
      // transports the same share of that, so the ratio measures TLS, not the order.
      auto ctx = security::MakeClientTlsContext({ca_file, "", ""});
      if (!ctx.ok()) Fail(ctx.status());
      Rates plain, tls;
      auto add = [](Rates& to, const Rates& r) {
        to.inserts += r.inserts / 2;
        to.reads += r.reads / 2;
      };
      add(plain, RunCqlWorkload(*o, "plaintext 1", port, nullptr, "created_users", st.get()));
      SettleStore(st.get());
      add(tls, RunCqlWorkload(*o, "TLS 1", tls_srv->port(), *ctx, "created_users_tls", st.get()));
      SettleStore(st.get());
      add(tls, RunCqlWorkload(*o, "TLS 2", tls_srv->port(), *ctx, "created_users_tls2", st.get()));
      SettleStore(st.get());
      add(plain, RunCqlWorkload(*o, "plaintext 2", port, nullptr, "created_users2", st.get()));
      std::cout << fmt::format(
          "== TLS / plaintext (means of two passes each, order plaintext TLS TLS plaintext): "
          "inserts {:.0f} / {:.0f} rows/s = {:.2f}x, point reads {:.0f} / {:.0f} reads/s = {:.2f}x\n",
          tls.inserts, plain.inserts, tls.inserts / plain.inserts, tls.reads, plain.reads,
          tls.reads / plain.reads);
      tls_srv->Stop();
    }
    if (srv) srv->Stop();
    st.reset();
    if (!tmp.empty()) std::filesystem::remove_all(tmp);
  });
}

}  // namespace kappa::cli
