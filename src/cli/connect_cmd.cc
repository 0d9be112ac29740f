// kappa connect ...: the sources and the mapping language from the command line.
//   kappa connect sample randomuser   print synthetic randomuser.me pages
//   kappa connect fetch               fetch pages from an HTTP source (randomuser.me by default)
//   kappa connect map                 map users read on stdin to records (the built-in mapping
//                                     or --mapping FILE)
//   kappa connect mapping             print the built-in (seed) mapping
//   kappa connect produce             run a producer task into the embedded log
//   kappa connect bench               measure generation and mapping
#include <fmt/format.h>
#include <simdjson.h>

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <thread>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/stop_signals.h"
#include "connect/connect.h"

namespace kappa::cli {
namespace {

namespace kc = kappa::connect;

std::vector<std::string> SplitCsv(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

kc::Mapping LoadMappingOrFail(const std::string& file, const std::string& name) {
  if (file.empty()) {
    auto m = kc::Mapping::FromYaml(kc::kSeedMappingYaml, kc::kSeedMappingName, "<built-in>");
    Check(m.status());
    return *m;
  }
  std::ifstream in(file);
  if (!in) Fail("cannot read mapping file '" + file + "'");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto m = kc::Mapping::FromYaml(text, name, file);
  Check(m.status());
  return *m;
}

void RegisterSample(CLI::App* connect) {
  CLI::App* sample = connect->add_subcommand("sample", "Print pages of a synthetic source");
  sample->require_subcommand(1);
  struct Opts {
    uint32_t results = 3;
    std::string seed = "kappa";
    uint64_t page = 1;
    uint64_t pages = 1;
    std::string nat;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* ru = sample->add_subcommand(
      "randomuser",
      "Print randomuser.me-shaped pages (v1.4), one JSON document per line. Deterministic: the "
      "same --seed and --page give the same bytes.");
  ru->add_option("--results", o->results, "Users per page (1..5000)")->capture_default_str();
  ru->add_option("--seed", o->seed, "Seed string, like the real API's ?seed=")->capture_default_str();
  ru->add_option("--page", o->page, "First page number")->capture_default_str();
  ru->add_option("--pages", o->pages, "Number of pages to print")->capture_default_str();
  ru->add_option("--nat", o->nat, "Nationalities, comma-separated (e.g. US,GB); default all");
  ru->callback([o] {
    kc::RandomUserOptions ro;
    ro.results = o->results;
    ro.seed = o->seed;
    ro.nationalities = SplitCsv(o->nat);
    std::string page;
    for (uint64_t p = o->page; p < o->page + o->pages; ++p) {
      Check(kc::GenerateRandomUserPage(ro, p, &page).status());
      std::cout << page << '\n';
    }
    std::cout.flush();
  });
}

void RegisterFetch(CLI::App* connect) {
  struct Opts {
    kc::HttpSourceOptions http;
    uint64_t pages = 1;
    int64_t timeout_ms = 10'000;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = connect->add_subcommand(
      "fetch",
      "Fetch pages from an HTTP source and print them, one JSON document per line. Retries "
      "errors, 429 and 5xx with exponential backoff and jitter, honouring Retry-After.");
  cmd->add_option("--url", o->http.url, "URL of a randomuser-compatible API")->capture_default_str();
  cmd->add_option("--pages", o->pages, "Pages to fetch")->capture_default_str();
  cmd->add_option("--rate", o->http.requests_per_sec, "Requests per second (0 = unlimited)")
      ->capture_default_str();
  cmd->add_option("--concurrency", o->http.concurrency, "Parallel requests")->capture_default_str();
  AddDurationOption(cmd, "--timeout", &o->timeout_ms, "Timeout per request");
  cmd->add_option("--retries", o->http.max_retries, "Retries per page")->capture_default_str();
  cmd->callback([o] {
    o->http.timeout = std::chrono::milliseconds(o->timeout_ms);
    o->http.max_queued_pages = std::max<size_t>(1, std::min<uint64_t>(o->pages, 16));
    auto src = kc::NewHttpSource(o->http);
    Check(src.status());
    std::string page;
    int failed = 0;
    for (uint64_t i = 0; i < o->pages; ++i) {
      Status s = (*src)->NextPage(&page);
      if (!s.ok()) {
        std::cerr << "error: " << s.ToString() << "\n";
        ++failed;
        continue;
      }
      std::cout << page << '\n';
    }
    std::cout.flush();
    (*src)->Stop();
    if (failed) Fail(std::to_string(failed) + " of " + std::to_string(o->pages) + " pages failed");
  });
}

void RegisterMap(CLI::App* connect) {
  struct Opts {
    std::string file;
    std::string name;
    bool keys = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = connect->add_subcommand(
      "map",
      "Map users read on stdin to records, one JSON record per line on stdout. stdin holds JSON "
      "documents (randomuser pages, single users, or arrays of users), concatenated or one per "
      "line. Users that fail the mapping are reported on stderr; the exit code is 1 if any did.");
  cmd->add_option("--mapping", o->file,
                  "YAML file with a top-level 'mappings:' key (default: the built-in seed mapping; "
                  "see docs/formats/mapping.md)");
  cmd->add_option("--name", o->name, "Which mapping of the file (needed if it has several)");
  cmd->add_flag("--keys", o->keys, "Print 'key<TAB>record' instead of the record only");
  cmd->callback([o] {
    kc::Mapper mapper(LoadMappingOrFail(o->file, o->name));
    const simdjson::padded_string input(std::string(
        (std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>()));
    simdjson::dom::parser splitter;
    simdjson::dom::document_stream docs;
    const size_t batch = std::max<size_t>(1 << 20, input.size() + 64);
    if (auto err = splitter.parse_many(input, batch).get(docs); err) {
      Fail(std::string("stdin: ") + simdjson::error_message(err));
    }
    uint64_t users = 0, records = 0, errors = 0, doc_no = 0;
    kc::MappedPage out;
    std::string line;
    for (auto it = docs.begin(); it != docs.end(); ++it) {
      ++doc_no;
      if ((*it).error()) {
        std::cerr << "error: stdin document " << doc_no << ": " << simdjson::error_message((*it).error()) << "\n";
        ++errors;
        break;  // the stream cannot resynchronise after a syntax error
      }
      out.Clear();
      Status s = mapper.MapUser(it.source(), &out);
      if (!s.ok()) {
        std::cerr << "error: stdin document " << doc_no << ": " << s.message() << "\n";
        ++errors;
        continue;
      }
      users += out.users;
      for (const kc::MappingError& e : out.errors) {
        std::cerr << "error: stdin document " << doc_no << ", user " << e.index << ": " << e.message << "\n";
        ++errors;
      }
      line.clear();
      for (const kc::MappedRecord& r : out.records) {
        if (o->keys) line.append(r.key).push_back('\t');
        line.append(r.value).push_back('\n');
        ++records;
      }
      std::cout << line;
    }
    std::cout.flush();
    std::cerr << "mapped " << users << " users: " << records << " records, " << errors << " errors\n";
    if (errors) throw CLI::RuntimeError(1);
  });
}

// A sink that only counts: measures the connect side of the pipeline alone.
class CountingSink : public kc::RecordSink {
 public:
  Status AppendBatch(std::string_view, std::span<const kc::SinkRecord> records) override {
    for (const auto& r : records) bytes += r.value.size() + r.key.size();
    return Status::OK();
  }
  uint64_t bytes = 0;
};

void RegisterBench(CLI::App* connect) {
  struct Opts {
    uint64_t users = 500'000;
    uint32_t page = 500;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = connect->add_subcommand(
      "bench",
      "Measure the connect side alone, on one thread: synthetic generation, mapping (the "
      "built-in mapping), and the producer task into a sink that discards (users/s, MB/s).");
  cmd->add_option("--users", o->users, "Users per case")->capture_default_str();
  cmd->add_option("--page", o->page, "Users per page")->capture_default_str();
  cmd->add_flag("--json", o->json, "One JSON object per case on stdout");
  cmd->callback([o] {
    using Clk = std::chrono::steady_clock;
    // Wall time and this thread's CPU time: on a shared machine users per CPU-second is the
    // figure that compares across runs.
    auto cpu_now = [] {
      timespec ts;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
    };
    double cpu0 = 0;
    auto report = [&](const char* name, uint64_t users, uint64_t bytes, Clk::duration d) {
      const double s = std::chrono::duration<double>(d).count();
      const double cpu = cpu_now() - cpu0;
      if (o->json) {
        std::cout << fmt::format(R"({{"case":"{}","users":{},"seconds":{:.3f},"cpu_seconds":{:.3f},"users_per_s":{:.0f},"users_per_cpu_s":{:.0f},"mb_per_s":{:.1f}}})",
                                 name, users, s, cpu, users / s, users / cpu, bytes / s / 1e6)
                  << std::endl;
      } else {
        std::cout << fmt::format("{:<20} {:>9} users  wall {:6.3f} s {:>9.0f} users/s  cpu {:6.3f} s {:>9.0f} users/cpu-s  {:>6.1f} MB/s",
                                 name, users, s, users / s, cpu, users / cpu, bytes / s / 1e6)
                  << std::endl;
      }
    };
    kc::RandomUserOptions ro;
    ro.results = o->page;
    const uint64_t pages = std::max<uint64_t>(1, o->users / o->page);
    const uint64_t users = pages * o->page;
    // 1. generation
    {
      auto src = kc::NewRandomUserSource(ro);
      Check(src.status());
      std::string page;
      uint64_t bytes = 0;
      auto t0 = Clk::now();
      cpu0 = cpu_now();
      for (uint64_t p = 0; p < pages; ++p) {
        Check((*src)->NextPage(&page));
        bytes += page.size();
      }
      report("generate", users, bytes, Clk::now() - t0);
    }
    // 2. mapping pre-generated pages (a bounded set, reused)
    {
      std::vector<std::string> pre(std::min<uint64_t>(pages, 16));
      for (size_t i = 0; i < pre.size(); ++i) Check(kc::GenerateRandomUserPage(ro, i + 1, &pre[i]).status());
      kc::Mapper mapper(LoadMappingOrFail("", ""));
      kc::MappedPage out;
      uint64_t bytes = 0;
      auto t0 = Clk::now();
      cpu0 = cpu_now();
      for (uint64_t p = 0; p < pages; ++p) {
        out.Clear();
        Check(mapper.MapPage(pre[p % pre.size()], &out));
        bytes += out.buf.size();
      }
      report("map", users, bytes, Clk::now() - t0);
    }
    // 3. the producer task: generate + map + batch into a discarding sink
    {
      auto src = kc::NewRandomUserSource(ro);
      Check(src.status());
      CountingSink sink;
      kc::ProducerOptions po;
      po.max_records = users;
      kc::ProducerTask task(std::move(src).value(), LoadMappingOrFail("", ""), &sink, po);
      auto t0 = Clk::now();
      cpu0 = cpu_now();
      Check(task.Run());
      report("produce(null sink)", task.stats().produced, sink.bytes, Clk::now() - t0);
    }
  });
}


void RegisterProduce(CLI::App* connect) {
  struct Opts {
    std::string dir;
    std::string topic = "users_created";
    int32_t partitions = 1;
    std::string source = "randomuser";
    kc::RandomUserOptions ru;
    std::string nat;
    kc::HttpSourceOptions http;
    std::string file, name;
    uint64_t records = 0;
    int64_t duration_ms = 0;
    double rate = 0;
    std::string dlq;
    bool quiet = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = connect->add_subcommand(
      "produce",
      "Run a producer task into the embedded log: source -> mapping -> topic, keyed by the "
      "mapping's key (Kafka murmur2 partitioning). Stops after --records, after --duration, "
      "or on Ctrl-C (cleanly: every counted record is stored). Creates the topic if missing.");
  AddDataDirOption(cmd, &o->dir);
  cmd->add_option("--topic", o->topic, "Target topic")->capture_default_str();
  cmd->add_option("--partitions", o->partitions, "Partitions if the topic is created")->capture_default_str();
  cmd->add_option("--source", o->source, "randomuser (synthetic, offline) or http")
      ->check(CLI::IsMember({"randomuser", "http"}))->capture_default_str();
  cmd->add_option("--seed", o->ru.seed, "randomuser: seed")->capture_default_str();
  cmd->add_option("--results", o->ru.results, "randomuser: users per page")->capture_default_str();
  cmd->add_option("--nat", o->nat, "randomuser: nationalities, comma-separated");
  cmd->add_option("--url", o->http.url, "http: URL of a randomuser-compatible API")->capture_default_str();
  cmd->add_option("--http-rate", o->http.requests_per_sec, "http: requests per second")->capture_default_str();
  cmd->add_option("--concurrency", o->http.concurrency, "http: parallel requests")->capture_default_str();
  cmd->add_option("--mapping", o->file, "Mapping YAML file (default: the built-in seed mapping)");
  cmd->add_option("--name", o->name, "Which mapping of the file");
  cmd->add_option("--records", o->records, "Stop after this many records (0 = no limit)")->capture_default_str();
  AddDurationOption(cmd, "--duration", &o->duration_ms, "Stop after this long, e.g. 10s (0 = no limit)");
  cmd->add_option("--rate", o->rate, "Records per second (0 = as fast as possible)")->capture_default_str();
  cmd->add_option("--dlq", o->dlq, "Dead-letter topic for users that fail the mapping (created if missing)");
  cmd->add_flag("--quiet", o->quiet, "No progress or summary on stderr");
  cmd->callback([o] {
    const StopSignals signals;  // blocked in the producer's threads; polled below
    kc::ProducerOptions po;
    po.topic = o->topic;
    po.max_records = o->records;
    po.duration = std::chrono::milliseconds(o->duration_ms);
    po.records_per_sec = o->rate;
    po.dead_letter_topic = o->dlq;
    kc::Mapping mapping = LoadMappingOrFail(o->file, o->name);
    std::unique_ptr<kc::Source> source;
    if (o->source == "randomuser") {
      o->ru.nationalities = SplitCsv(o->nat);
      auto s = kc::NewRandomUserSource(o->ru);
      Check(s.status());
      source = std::move(s).value();
    } else {
      auto s = kc::NewHttpSource(o->http);
      Check(s.status());
      source = std::move(s).value();
    }
    auto dl = OpenDataDir(o->dir, "kappa connect produce", Access::kOwner, /*log=*/true,
                          /*store=*/false);
    Check(dl.status());
    log::Log& lg = (*dl)->log();
    for (const std::string& t : {o->topic, o->dlq}) {
      if (t.empty() || lg.TopicExists(t)) continue;
      Check(lg.CreateTopic(t, o->partitions));
    }
    auto sink = kc::NewLogSink(&lg);
    kc::ProducerTask task(std::move(source), mapping, sink.get(), po);
    const auto start = std::chrono::steady_clock::now();
    task.Start();
    const bool tty = ::isatty(2);
    auto last = start;
    uint64_t last_produced = 0;
    while (task.stats().running) {
      if (signals.Poll(std::chrono::milliseconds(50))) task.Stop();
      const auto now = std::chrono::steady_clock::now();
      if (!o->quiet && now - last >= std::chrono::seconds(tty ? 1 : 5)) {
        const kc::ProducerStats st = task.stats();
        const double dt = std::chrono::duration<double>(now - last).count();
        std::cerr << fmt::format("{}produced {} records ({:.0f}/s), {} mapping errors{}",
                                 tty ? "\r" : "", st.produced, (st.produced - last_produced) / dt,
                                 st.mapping_errors, tty ? "   " : "\n")
                  << std::flush;
        last = now;
        last_produced = st.produced;
      }
    }
    Status result = task.Wait();
    Status closed = lg.Close();
    const kc::ProducerStats st = task.stats();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!o->quiet) {
      std::cerr << fmt::format("{}produced {} records ({}) to {} in {:.2f} s ({:.0f} records/s); "
                               "{} mapping errors, {} dead letters, {} source errors\n",
                               tty ? "\r" : "", st.produced, HumanBytes(st.bytes), o->topic, secs,
                               st.produced / std::max(secs, 1e-9), st.mapping_errors,
                               st.dead_letters, st.source_errors);
    }
    Check(result);
    Check(closed);
  });
}

}  // namespace

void RegisterConnectCommands(CLI::App& app, const Groups& g) {
  CLI::App* connect = app.add_subcommand(
      "connect", "Sources (randomuser synthetic, HTTP) and the mapping language");
  connect->require_subcommand(1);
  RegisterSample(connect);
  RegisterFetch(connect);
  RegisterMap(connect);
  RegisterBench(connect);
  RegisterProduce(connect);
  connect->add_subcommand("mapping", "Print the built-in mapping (the seed's format_data)")
      ->callback([] { std::cout << kc::kSeedMappingYaml; });
}

}  // namespace kappa::cli
