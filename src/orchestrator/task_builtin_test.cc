// The built-in task types: http against kappa's own HTTP server on a free port, command
// through /bin/sh, wait on a manual clock, noop.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "http/http.h"
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {
namespace {

nlohmann::json J(nlohmann::json j) { return j; }

struct Try {
  TaskContext ctx;
  std::vector<std::string> log;
  std::atomic<bool> cancelled{false};
  explicit Try(nlohmann::json args) {
    ctx.args = std::move(args);
    ctx.log = [this](std::string_view line) { log.emplace_back(line); };
    ctx.cancelled = &cancelled;
  }
};

Result<std::string> RunTask(const TaskTypes& types, std::string_view type, Try& t) {
  TaskType* tt = types.Find(type);
  EXPECT_NE(tt, nullptr) << type;
  return tt->Run(t.ctx);
}

TEST(BuiltinTaskTypes, Names) {
  EXPECT_EQ(BuiltinTaskTypes().Names(),
            (std::vector<std::string>{"command", "http", "noop", "wait"}));
}

class HttpTaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto router = std::make_shared<http::Router>();
    router->Get("/hello", [](http::Request& r) {
      return http::Response::Text("hello " + std::string(r.Query("day").value_or("?")));
    });
    router->Post("/echo", [](http::Request& r) {
      std::string ct(r.headers.Get("Content-Type").value_or(""));
      std::string x(r.headers.Get("X-Run").value_or(""));
      return http::Response::Json(
          {{"method", r.method}, {"body", r.body}, {"content_type", ct}, {"x_run", x}}, 201);
    });
    router->Get("/status/{code}", [](http::Request& r) {
      return http::Response::Text("code body", std::stoi(std::string(r.Param("code"))));
    });
    router->Get("/big",
                [](http::Request&) { return http::Response::Text(std::string(2 << 20, 'x')); });
    // Answers only when the test ends (so a cancelled or timed-out request cannot race it).
    router->Get("/slow", [this](http::Request&) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(20), [this] { return released_; });
      return http::Response::Text("late");
    });
    http::ListenerOptions l;
    l.port = 0;
    l.router = router;
    http::ServerOptions so;
    so.threads = 2;
    auto server = http::Server::Start(so, {l});
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  void TearDown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
    if (server_) server_->Stop();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  TaskTypes types_ = BuiltinTaskTypes();
  std::unique_ptr<http::Server> server_;
  std::string base_;
};

TEST_F(HttpTaskTest, GetKeepsTheBody) {
  Try t(J({{"url", base_ + "/hello?day=2023-09-03"}}));
  auto r = RunTask(types_, "http", t);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "hello 2023-09-03");
  ASSERT_EQ(t.log.size(), 2u);
  EXPECT_EQ(t.log[0], "GET " + base_ + "/hello?day=2023-09-03");
  EXPECT_EQ(t.log[1], "-> 200 (16 bytes)");
}

TEST_F(HttpTaskTest, PostJsonWithHeadersAndExpectedStatus) {
  Try t(J({{"url", base_ + "/echo"},
           {"method", "post"},
           {"headers", {{"X-Run", "manual__1"}}},
           {"body", {{"n", 1}}},
           {"expected_status", {200, 201}}}));
  auto r = RunTask(types_, "http", t);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto doc = nlohmann::json::parse(*r);
  EXPECT_EQ(doc["method"], "POST");
  EXPECT_EQ(doc["body"], "{\"n\":1}");
  EXPECT_EQ(doc["content_type"], "application/json");
  EXPECT_EQ(doc["x_run"], "manual__1");
}

TEST_F(HttpTaskTest, UnexpectedStatusFails) {
  Try t(J({{"url", base_ + "/status/503"}}));
  auto r = RunTask(types_, "http", t);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("answered 503, expected 2xx: code body"), std::string::npos);
  Try t2(J({{"url", base_ + "/status/404"}, {"expected_status", 404}}));
  EXPECT_TRUE(RunTask(types_, "http", t2).ok());
  Try t3(J({{"url", base_ + "/status/200"}, {"expected_status", 204}}));
  EXPECT_FALSE(RunTask(types_, "http", t3).ok());
}

TEST_F(HttpTaskTest, BigBodiesTimeoutsAndUnreachable) {
  Try big(J({{"url", base_ + "/big"}}));
  auto r = RunTask(types_, "http", big);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("larger than"), std::string::npos);
  Try slow(J({{"url", base_ + "/slow"}, {"timeout", "300ms"}}));
  r = RunTask(types_, "http", slow);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsUnavailable()) << r.status().ToString();
  Try cancel(J({{"url", base_ + "/slow"}}));
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel.cancelled = true;
  });
  r = RunTask(types_, "http", cancel);
  canceller.join();
  EXPECT_EQ(r.status().code(), Status::Code::kAborted) << r.status().ToString();
  Try closed(J({{"url", "http://127.0.0.1:1/x"}}));
  EXPECT_TRUE(RunTask(types_, "http", closed).status().IsUnavailable());
}

TEST_F(HttpTaskTest, Validation) {
  const TaskType* http = types_.Find("http");
  EXPECT_TRUE(http->Validate({{"url", "{{ params.url }}"}}).ok());
  EXPECT_NE(http->Validate({{"url", "ftp://x"}}).message().find("http:// or https://"),
            std::string::npos);
  EXPECT_NE(http->Validate({}).message().find("argument 'url' is required"), std::string::npos);
  EXPECT_NE(http->Validate({{"url", "http://x"}, {"metod", "GET"}})
                .message()
                .find("unknown argument 'metod' (did you mean 'method'?)"),
            std::string::npos);
  EXPECT_FALSE(http->Validate({{"url", "http://x"}, {"method", "BREW"}}).ok());
  EXPECT_FALSE(http->Validate({{"url", "http://x"}, {"expected_status", "200"}}).ok());
  EXPECT_FALSE(http->Validate({{"url", "http://x"}, {"timeout", "soon"}}).ok());
  // A template that renders to something bad fails the try, not the load.
  Try t(J({{"url", "file:///etc/passwd"}}));
  EXPECT_TRUE(RunTask(types_, "http", t).status().IsInvalidArgument());
}

TEST(CommandTask, RefusedUnlessEnabled) {
  TaskTypes off = BuiltinTaskTypes();
  Status s = off.Find("command")->Validate({{"command", "echo hi"}});
  EXPECT_EQ(s.message(),
            "command tasks are disabled; set orchestrator.allow_commands: true to enable");
  Try t(J({{"command", "echo hi"}}));
  EXPECT_TRUE(RunTask(off, "command", t).status().IsInvalidArgument());
  EXPECT_TRUE(t.log.empty());
}

TEST(CommandTask, OutputLogAndResult) {
  TaskTypes on = BuiltinTaskTypes({.allow_commands = true});
  DagSpec dag;
  dag.dag_id = "d1";
  TaskSpec task;
  task.task_id = "t1";
  Try t(J({{"command", "echo one; echo two >&2; printf \"last $AIRFLOW_CTX_DAG_ID $A\""},
           {"env", {{"A", "x y"}}}}));
  t.ctx.dag = &dag;
  t.ctx.task = &task;
  auto r = RunTask(on, "command", t);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "last d1 x y");
  EXPECT_EQ(t.log, (std::vector<std::string>{
                       "$ echo one; echo two >&2; printf \"last $AIRFLOW_CTX_DAG_ID $A\"", "one",
                       "two", "last d1 x y"}));
  Try cwd(J({{"command", "pwd"}, {"cwd", "/tmp"}}));
  EXPECT_EQ(*RunTask(on, "command", cwd), "/tmp");
}

TEST(CommandTask, ExitCodesAndCancel) {
  TaskTypes on = BuiltinTaskTypes({.allow_commands = true});
  Try fail(J({{"command", "echo oops; exit 3"}}));
  auto r = RunTask(on, "command", fail);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "command exited with status 3");
  Try skip(J({{"command", "exit 99"}}));
  EXPECT_TRUE(IsSkip(RunTask(on, "command", skip).status()));
  Try skip7(J({{"command", "exit 7"}, {"skip_exit_code", 7}}));
  EXPECT_TRUE(IsSkip(RunTask(on, "command", skip7).status()));
  Try slow(J({{"command", "sleep 30; echo never"}}));
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    slow.cancelled = true;
  });
  auto start = std::chrono::steady_clock::now();
  r = RunTask(on, "command", slow);
  canceller.join();
  EXPECT_EQ(r.status().code(), Status::Code::kAborted) << r.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  Try missing(J({{"command", "/no/such/binary"}}));
  EXPECT_FALSE(RunTask(on, "command", missing).ok());
}

TEST(WaitTask, OnTheSchedulersClock) {
  TaskTypes types = BuiltinTaskTypes();
  ManualClock clock(1'700'000'000'000);
  auto virtual_sleep = [&](Try& t) {
    t.ctx.clock = &clock;
    t.ctx.sleep_or_cancelled = [&](int64_t ms) {
      if (t.cancelled) return true;
      clock.AdvanceMs(ms);
      return false;
    };
  };
  Try secs(J({{"seconds", 90}}));
  virtual_sleep(secs);
  auto r = RunTask(types, "wait", secs);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(clock.NowMs(), 1'700'000'090'000);
  EXPECT_EQ(*r, FormatIso(1'700'000'090'000));

  Try until(J({{"until", FormatIso(1'700'000'200'000)}}));
  virtual_sleep(until);
  ASSERT_TRUE(RunTask(types, "wait", until).ok());
  EXPECT_EQ(clock.NowMs(), 1'700'000'200'000);
  Try past(J({{"until", "2000-01-01"}}));
  virtual_sleep(past);
  ASSERT_TRUE(RunTask(types, "wait", past).ok());
  EXPECT_EQ(clock.NowMs(), 1'700'000'200'000);

  Try timeout(J({{"seconds", 3600}, {"timeout", "10m"}}));
  virtual_sleep(timeout);
  r = RunTask(types, "wait", timeout);
  EXPECT_EQ(r.status().code(), Status::Code::kTimedOut);
  EXPECT_EQ(clock.NowMs(), 1'700'000'800'000);
  Try soft(J({{"seconds", 3600}, {"timeout", "1m"}, {"soft_fail", true}}));
  virtual_sleep(soft);
  EXPECT_TRUE(IsSkip(RunTask(types, "wait", soft).status()));
  Try poke(J({{"seconds", 300}, {"poke_interval", "1m"}}));
  int naps = 0;
  poke.ctx.clock = &clock;
  poke.ctx.sleep_or_cancelled = [&](int64_t ms) {
    EXPECT_LE(ms, 60'000);
    ++naps;
    clock.AdvanceMs(ms);
    return false;
  };
  ASSERT_TRUE(RunTask(types, "wait", poke).ok());
  EXPECT_EQ(naps, 5);
  Try cancelled(J({{"seconds", 5}}));
  virtual_sleep(cancelled);
  cancelled.cancelled = true;
  EXPECT_EQ(RunTask(types, "wait", cancelled).status().code(), Status::Code::kAborted);
}

TEST(WaitTask, RealTimeAndValidation) {
  TaskTypes types = BuiltinTaskTypes();
  Try t(J({{"seconds", 0.05}}));
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(RunTask(types, "wait", t).ok());
  // Times are whole milliseconds of the wall clock: up to 1 ms less on a steady clock.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(48));
  const TaskType* wait = types.Find("wait");
  EXPECT_FALSE(wait->Validate({}).ok());
  EXPECT_FALSE(wait->Validate({{"seconds", 1}, {"until", "2024-01-01"}}).ok());
  EXPECT_FALSE(wait->Validate({{"until", "tomorrow"}}).ok());
  EXPECT_FALSE(wait->Validate({{"seconds", -1}}).ok());
  EXPECT_TRUE(wait->Validate({{"until", "{{ data_interval_end }}"}}).ok());
}

TEST(NoopTask, ReturnsItsResult) {
  TaskTypes types = BuiltinTaskTypes();
  Try t(J({{"result", "42"}}));
  EXPECT_EQ(*RunTask(types, "noop", t), "42");
  Try empty(J(nlohmann::json::object()));
  EXPECT_EQ(*RunTask(types, "noop", empty), "");
  EXPECT_FALSE(types.Find("noop")->Validate({{"x", 1}}).ok());
}

}  // namespace
}  // namespace kappa::orchestrator
