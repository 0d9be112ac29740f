// libFuzzer target: arbitrary bytes as a Kafka request body for every handler and version.
// Input layout: [api index % number of APIs][version byte][body...]. The handlers run over a
// real Log in a temp directory with auto-creation off and one topic "t"; answers that come
// later (Fetch long-poll, JoinGroup) are driven by a manual scheduler. Any crash, sanitizer
// report or leak is a bug: bad input must only ever produce an error or a closed connection.
#include <unistd.h>

#include <cstdint>
#include <filesystem>

#include "kafka/handlers/handlers.h"

namespace kappa::kafka {
namespace {

class ManualScheduler final : public Scheduler {
 public:
  void RunAfter(int64_t, std::function<void()> fn) override { q.push_back(std::move(fn)); }
  void Post(std::function<void()> fn) override { q.push_back(std::move(fn)); }
  void Drain() {
    for (int round = 0; round < 4 && !q.empty(); ++round) {
      auto now = std::move(q);
      q.clear();
      for (auto& f : now) f();
    }
    q.clear();
  }
  std::vector<std::function<void()>> q;
};

struct Env {
  Env() {
    dir = std::filesystem::temp_directory_path() /
          ("kappa-kafka-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    log::LogOptions o;
    o.dir = dir.string();
    o.flush = log::FlushPolicy::kOs;
    o.retention_check_ms = 0;
    log = std::move(log::Log::Open(o).value());
    (void)log->CreateTopic("t", 2);
    BrokerConfig c;
    c.auto_create_topics = false;
    broker = std::make_unique<Broker>(log.get(), c, Clock::Real());
    sched = std::make_shared<ManualScheduler>();
  }
  std::filesystem::path dir;
  std::unique_ptr<log::Log> log;
  std::unique_ptr<Broker> broker;
  std::shared_ptr<ManualScheduler> sched;
};

}  // namespace
}  // namespace kappa::kafka

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kappa::kafka;
  static Env* env = new Env();
  if (size < 2) return 0;
  const auto& apis = AllApis();
  const ApiSpec& api = *apis[data[0] % apis.size()];
  // Admin mutations would fill the disk with fuzzed topics; they are covered by unit tests.
  if (api.key == 19 || api.key == 20 || api.key == 37) return 0;
  int16_t span = int16_t(api.max_version - api.min_version + 1);
  RequestContext ctx;
  ctx.api_key = api.key;
  ctx.api_version = int16_t(api.min_version + data[1] % span);
  ctx.flexible = ctx.api_version >= api.first_flexible_version;
  ctx.broker = env->broker.get();
  ctx.scheduler = env->sched;
  std::string body(reinterpret_cast<const char*>(data + 2), size - 2);
  Reader in(body, ctx.flexible);
  api.handler(ctx, in, Responder([](Response) {}));
  env->sched->Drain();
  env->broker->groups().Tick();
  return 0;
}
