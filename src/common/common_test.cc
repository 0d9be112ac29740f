#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "common/byte_budget.h"
#include "common/fd_limit.h"
#include "common/coding.h"
#include "common/crc32c.h"
#include "common/data_dir_lock.h"
#include "common/env.h"
#include "common/fault_injection_env.h"
#include "common/file_modes.h"
#include "common/host_port.h"
#include "common/mutex.h"
#include "common/status.h"
#include "common/types.h"
#include "common/units.h"
#include "common/uuid.h"
#include "testutil/temp_dir.h"

namespace kappa {
namespace {

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::OK().ok());
  Status s = Status::Corruption("bad crc").WithContext("segment 0");
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_EQ(s.ToString(), "Corruption: segment 0: bad crc");
  Result<int> r = 5;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(*r, 5);
  Result<int> e = Status::NotFound("x");
  EXPECT_FALSE(e.ok());
  EXPECT_TRUE(e.status().IsNotFound());
}

TEST(StatusTest, ProtocolCodeIsKeptThroughContext) {
  EXPECT_FALSE(Status::OK().protocol_code());
  EXPECT_FALSE(Status::OK().WithProtocolCode(0x2200).protocol_code());  // OK stays OK
  Status s = Status::IOError("busy", /*retryable=*/true);
  EXPECT_FALSE(s.protocol_code());
  EXPECT_EQ(s.WithProtocolCode(0).protocol_code(), 0);  // a code 0 is a code, not "none"
  Status coded = s.WithProtocolCode(0x1001).WithContext("node 2");
  EXPECT_EQ(coded.protocol_code(), 0x1001);
  EXPECT_TRUE(coded.IsIOError());
  EXPECT_TRUE(coded.retryable());
  EXPECT_EQ(coded.ToString(), "IOError: node 2: busy");
  EXPECT_FALSE(s.protocol_code());  // the original is unchanged
}

// Bit-at-a-time CRC-32C: the definition, to check the fast paths against.
uint32_t ReferenceCrc32c(const uint8_t* p, size_t n) {
  uint32_t c = ~0u;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return ~c;
}

TEST(Crc32cTest, MatchesTheDefinitionAtEverySizeAndSplit) {
  std::mt19937 rng(7);
  std::vector<uint8_t> buf(20000);
  for (auto& b : buf) b = uint8_t(rng());
  // Sizes around the three-stream block boundaries (3 x 1024 bytes) and unaligned starts.
  for (size_t n : {0u, 1u, 7u, 8u, 9u, 3071u, 3072u, 3073u, 3080u, 6143u, 6144u, 6151u, 9216u,
                   10000u, 19990u}) {
    for (size_t off : {0u, 1u, 5u}) {
      uint32_t want = ReferenceCrc32c(buf.data() + off, n);
      EXPECT_EQ(crc32c::Value(buf.data() + off, n), want) << n << " at " << off;
      size_t half = n / 3;
      uint32_t part = crc32c::Value(buf.data() + off, half);
      EXPECT_EQ(crc32c::Extend(part, buf.data() + off + half, n - half), want) << n;
    }
  }
}

TEST(Crc32cTest, KnownVectors) {
  // RFC 3720 test vectors.
  std::string zeros(32, '\0');
  EXPECT_EQ(crc32c::Value(zeros), 0x8a9136aau);
  std::string ones(32, '\xff');
  EXPECT_EQ(crc32c::Value(ones), 0x62a8ab43u);
  EXPECT_EQ(crc32c::Value("123456789"), 0xe3069283u);
  // Extend composes.
  uint32_t a = crc32c::Value("12345", 5);
  EXPECT_EQ(crc32c::Extend(a, "6789", 4), 0xe3069283u);
}

TEST(CodingTest, VarintRoundTrip) {
  for (int64_t v : std::initializer_list<int64_t>{0, 1, -1, 63, -64, 64, 300, -300, INT32_MAX,
                    INT32_MIN, INT64_MAX, INT64_MIN}) {
    std::string s;
    coding::AppendVarint(&s, v);
    EXPECT_EQ(static_cast<int>(s.size()), coding::VarintSize(v));
    const char* p = s.data();
    int64_t out;
    ASSERT_TRUE(coding::DecodeVarint(&p, s.data() + s.size(), &out));
    EXPECT_EQ(out, v);
    EXPECT_EQ(p, s.data() + s.size());
  }
  // Truncated input fails instead of reading past the end.
  std::string s;
  coding::AppendVarint(&s, 1 << 20);
  const char* p = s.data();
  int64_t out;
  EXPECT_FALSE(coding::DecodeVarint(&p, s.data() + s.size() - 1, &out));
}

TEST(CodingTest, BigEndian) {
  std::string s;
  coding::AppendBE32(&s, 0x01020304);
  EXPECT_EQ(s, std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(coding::GetBE32(s.data()), 0x01020304u);
  coding::AppendBE64(&s, 0x0102030405060708ull);
  EXPECT_EQ(coding::GetBE64(s.data() + 4), 0x0102030405060708ull);
}

TEST(UuidTest, RandomAndParse) {
  Uuid u = Uuid::Random();
  EXPECT_EQ(u.version(), 4);
  auto p = Uuid::Parse(u.ToString());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(*p, u);
  EXPECT_NE(Uuid::Random(), u);
  EXPECT_FALSE(Uuid::Parse("not-a-uuid").has_value());
  // Every position: a non-hex digit or a misplaced dash is rejected.
  const std::string good = "123e4567-e89b-12d3-a456-426614174000";
  ASSERT_TRUE(Uuid::Parse(good).has_value());
  for (size_t i = 0; i < good.size(); ++i) {
    for (char c : {'g', 'G', '-', ' ', '/', ':', '@', '`', '\x80', '\0'}) {
      if (c == good[i]) continue;
      std::string bad = good;
      bad[i] = c;
      EXPECT_FALSE(Uuid::Parse(bad).has_value()) << bad;
    }
  }
  EXPECT_FALSE(Uuid::Parse(good + "0").has_value());
  EXPECT_EQ(Uuid::Parse("123E4567-E89B-12D3-A456-426614174000")->ToString(),
            "123e4567-e89b-12d3-a456-426614174000");
}

TEST(EnvTest, AppendReadTruncate) {
  testutil::TempDir tmp("kappa-common-env");
  std::string dir = tmp.path();
  Env* env = Env::Default();
  std::string path = JoinPath(dir, "f");
  {
    auto f = env->NewAppendableFile(path);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append("hello ").ok());
    ASSERT_TRUE((*f)->Append("world").ok());
    ASSERT_TRUE((*f)->Sync().ok());
    EXPECT_EQ((*f)->Size(), 11u);
  }
  auto content = env->ReadFile(path);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "hello world");
  ASSERT_TRUE(env->TruncateFile(path, 5).ok());
  EXPECT_EQ(*env->ReadFile(path), "hello");
  ASSERT_TRUE(env->WriteFileAtomic(path, "replaced").ok());
  EXPECT_EQ(*env->ReadFile(path), "replaced");
  EXPECT_TRUE(env->ReadFile(JoinPath(dir, "missing")).status().IsNotFound());
}

// An Env that overrides one call: renames fail. Everything else goes through EnvWrapper.
class NoRenameEnv final : public EnvWrapper {
 public:
  using EnvWrapper::EnvWrapper;
  Status RenameFile(const std::string& from, const std::string&) override {
    ++renames;
    return Status::IOError("rename " + from + ": Read-only file system");
  }
  int renames = 0;
};

TEST(EnvWrapperTest, ForwardsEveryCallAndOverridesReachTheWholeFileHelpers) {
  testutil::TempDir tmp("kappa-common-wrapper");
  std::string dir = tmp.path();
  NoRenameEnv env(Env::Default());
  EXPECT_EQ(env.target(), Env::Default());
  ASSERT_TRUE(env.CreateDirs(JoinPath(dir, "a/b")).ok());
  std::string path = JoinPath(dir, "a/b/f");
  {
    auto f = env.NewWritableFile(path);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append("hello").ok());
    ASSERT_TRUE((*f)->Sync().ok());
    ASSERT_TRUE((*f)->Close().ok());
  }
  {
    auto f = env.NewAppendableFile(path);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ((*f)->Size(), 5u);
    ASSERT_TRUE((*f)->Append(" world").ok());
  }
  EXPECT_TRUE(env.FileExists(path));
  EXPECT_EQ(*env.GetFileSize(path), 11u);
  EXPECT_EQ(*env.GetChildren(JoinPath(dir, "a/b")), std::vector<std::string>{"f"});
  EXPECT_EQ(*env.ReadFile(path), "hello world");
  auto r = env.NewRandomAccessFile(path);
  ASSERT_TRUE(r.ok());
  char buf[5];
  EXPECT_EQ(*(*r)->Read(6, 5, buf), 5u);
  EXPECT_EQ(std::string(buf, 5), "world");
  ASSERT_TRUE(env.TruncateFile(path, 5).ok());
  EXPECT_EQ(*env.ReadFile(path), "hello");
  ASSERT_TRUE(env.SyncDir(dir).ok());

  // WriteFileAtomic is composed of the primitives, so the overridden rename is the one used:
  // the write fails and the old contents stay.
  Status s = env.WriteFileAtomic(path, "replaced");
  EXPECT_TRUE(s.IsIOError());
  EXPECT_NE(s.message().find("Read-only"), std::string::npos);
  EXPECT_EQ(env.renames, 1);
  EXPECT_EQ(*env.ReadFile(path), "hello");

  ASSERT_TRUE(env.DeleteFile(path).ok());
  EXPECT_FALSE(env.FileExists(path));
  ASSERT_TRUE(env.DeleteDirRecursive(dir).ok());
  EXPECT_FALSE(env.FileExists(dir));
}

TEST(FaultInjectionEnvTest, DiskFullAndPowerLoss) {
  testutil::TempDir tmp("kappa-common-fault");
  std::string dir = tmp.path();
  FaultInjectionEnv env;
  std::string path = JoinPath(dir, "f");
  auto f = env.NewAppendableFile(path);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("durable").ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Append("volatile").ok());
  ASSERT_TRUE(env.DropUnsyncedData().ok());
  EXPECT_EQ(*env.ReadFile(path), "durable");

  env.SetWriteBudget(3);
  Status s = (*f)->Append("abcdef");
  EXPECT_TRUE(s.IsIOError());
  EXPECT_NE(s.message().find("No space left"), std::string::npos);
  EXPECT_EQ(*env.ReadFile(path), "durableabc");
  env.SetSyncFails(true);
  EXPECT_FALSE((*f)->Sync().ok());
}

// The annotated mutex types behave as the std types they wrap: a MutexLock can drop and
// retake its mutex, CondVar waits release it (another thread gets in) and take it back, a
// timed wait whose predicate stays false reports the timeout, and readers share.
class Counter {
 public:
  void Add(int n) {
    MutexLock l(mu_);
    n_ += n;
    cv_.notify_all();
  }
  // Waits until the count reaches `n`; false after `timeout`.
  bool WaitFor(int n, std::chrono::milliseconds timeout) {
    MutexLock l(mu_);
    return cv_.wait_for(l, timeout, [&]() REQUIRES(mu_) { return n_ >= n; });
  }
  int DropAndRetake() {
    MutexLock l(mu_);
    int before = n_;
    l.unlock();
    if (mu_.try_lock()) {  // free while dropped
      mu_.unlock();
    } else {
      ADD_FAILURE() << "the mutex is still held after MutexLock::unlock";
    }
    l.lock();
    return n_ - before;
  }

 private:
  Mutex mu_;
  CondVar cv_;
  int n_ GUARDED_BY(mu_) = 0;
};

TEST(MutexTest, LocksWaitsAndShares) {
  Counter c;
  EXPECT_EQ(c.DropAndRetake(), 0);
  EXPECT_FALSE(c.WaitFor(1, std::chrono::milliseconds(10)));
  std::thread t([&] { c.Add(2); });
  EXPECT_TRUE(c.WaitFor(2, std::chrono::seconds(30)));
  t.join();

  // Another thread tries the shared mutex (a thread that holds it may not try it again).
  SharedMutex smu;
  auto reader_gets_in = [&] {
    bool got = false;
    std::thread([&] {
      if (smu.try_lock_shared()) {
        got = true;
        smu.unlock_shared();
      }
    }).join();
    return got;
  };
  auto writer_gets_in = [&] {
    bool got = false;
    std::thread([&] {
      if (smu.try_lock()) {
        got = true;
        smu.unlock();
      }
    }).join();
    return got;
  };
  {
    ReaderMutexLock r(smu);
    EXPECT_TRUE(reader_gets_in());
    EXPECT_FALSE(writer_gets_in());
  }
  {
    WriterMutexLock w(smu);
    EXPECT_FALSE(reader_gets_in());
  }
  EXPECT_TRUE(writer_gets_in());
}

TEST(DataDirLockTest, SecondOwnerGetsClearError) {
  testutil::TempDir tmp("kappa-common-lock");
  std::string dir = tmp.path();
  auto first = DataDirLock::Acquire(dir, "kappa test");
  ASSERT_TRUE(first.ok());
  // flock locks belong to the open file description, so a second Acquire in the same
  // process conflicts just as another process would.
  auto second = DataDirLock::Acquire(dir, "kappa other");
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsUnavailable());
  EXPECT_NE(second.status().message().find("pid " + std::to_string(::getpid())),
            std::string::npos);
  EXPECT_NE(second.status().message().find("kappa test"), std::string::npos);
  EXPECT_NE(DataDirLock::Owner(dir), "");
  first->reset();
  EXPECT_EQ(DataDirLock::Owner(dir), "");
  EXPECT_TRUE(DataDirLock::Acquire(dir, "kappa again").ok());
}

TEST(NamedTypeTest, Arithmetic) {
  Offset o(5);
  EXPECT_EQ((o + 3).value(), 8);
  EXPECT_LT(Offset(1), Offset(2));
  EXPECT_EQ(Offset(9) - Offset(4), 5);
}


// ---- the one duration / size / host:port parser -------------------------------------------

TEST(UnitsTest, DurationsNeedAUnit) {
  EXPECT_EQ(*ParseDurationMs("10s"), 10000);
  EXPECT_EQ(*ParseDurationMs("250ms"), 250);
  EXPECT_EQ(*ParseDurationMs("2m"), 120000);
  EXPECT_EQ(*ParseDurationMs("2min"), 120000);
  EXPECT_EQ(*ParseDurationMs("1.5h"), 5400000);
  EXPECT_EQ(*ParseDurationMs("7d"), 604800000);
  EXPECT_EQ(*ParseDurationMs(" 3 s "), 3000);
  EXPECT_EQ(*ParseDurationMs("0"), 0);  // zero is zero in every unit
  EXPECT_EQ(*ParseDurationMs("0s"), 0);
  // A bare number meant 10 ms to one command and 10 s to another: refused, saying what to add.
  auto bare = ParseDurationMs("10");
  ASSERT_FALSE(bare.ok());
  EXPECT_TRUE(bare.status().IsInvalidArgument());
  EXPECT_NE(bare.status().message().find("no unit"), std::string::npos) << bare.status().message();
  EXPECT_NE(bare.status().message().find("10s"), std::string::npos);
  EXPECT_NE(bare.status().message().find("10ms"), std::string::npos);
  for (const char* bad : {"", "s", "-5s", "10 weeks", "1e3s", "ten seconds", "10sec", "1..5s"}) {
    EXPECT_FALSE(ParseDurationMs(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseDurationMs("999999999999999d").ok());  // overflow
}

TEST(UnitsTest, SizesDefaultToBytes) {
  EXPECT_EQ(*ParseByteSize("4096"), 4096);
  EXPECT_EQ(*ParseByteSize("4096B"), 4096);
  EXPECT_EQ(*ParseByteSize("64MiB"), int64_t{64} << 20);
  EXPECT_EQ(*ParseByteSize("512 MiB"), int64_t{512} << 20);
  EXPECT_EQ(*ParseByteSize("1GiB"), int64_t{1} << 30);
  EXPECT_EQ(*ParseByteSize("1.5KiB"), 1536);
  EXPECT_EQ(*ParseByteSize("2TB"), int64_t{2000000000000});
  EXPECT_EQ(*ParseByteSize("1KB"), 1000);
  for (const char* bad : {"", "-1", "1 XB", "MiB", "1mib", "10000000TiB"}) {
    EXPECT_FALSE(ParseByteSize(bad).ok()) << bad;
  }
}

TEST(UnitsTest, FormatsParseBack) {
  EXPECT_EQ(FormatDurationMs(0), "0");
  EXPECT_EQ(FormatDurationMs(30000), "30s");
  EXPECT_EQ(FormatDurationMs(600000), "10m");
  EXPECT_EQ(FormatDurationMs(1500), "1500ms");
  EXPECT_EQ(FormatDurationMs(7200000), "2h");
  EXPECT_EQ(FormatDurationMs(604800000), "7d");
  EXPECT_EQ(FormatByteSize(0), "0");
  EXPECT_EQ(FormatByteSize(16 << 20), "16MiB");
  EXPECT_EQ(FormatByteSize(1000), "1000");
  EXPECT_EQ(FormatByteSize(1536), "1536");
  EXPECT_EQ(FormatByteSize(int64_t{3} << 40), "3TiB");
  for (int64_t ms : {int64_t{0}, int64_t{1}, int64_t{999}, int64_t{61000}, int64_t{86400000} * 3}) {
    EXPECT_EQ(*ParseDurationMs(FormatDurationMs(ms)), ms) << ms;
  }
  for (int64_t b : {int64_t{0}, int64_t{1}, int64_t{4096}, int64_t{5} << 30, int64_t{123456789}}) {
    EXPECT_EQ(*ParseByteSize(FormatByteSize(b)), b) << b;
  }
}

TEST(HostPortTest, ParsesWhatListenersAccept) {
  auto a = ParseHostPort("127.0.0.1:9092");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9092);
  EXPECT_EQ(a->ToString(), "127.0.0.1:9092");
  auto b = ParseHostPort("[::1]:0");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 0);
  EXPECT_EQ(b->ToString(), "[::1]:0");
  EXPECT_EQ(ParseHostPort("kafka-1.example.com:65535")->port, 65535);
  EXPECT_EQ(ParseHostPort("localhost:1")->host, "localhost");
  EXPECT_EQ(ParseHostPort("0.0.0.0:9042")->host, "0.0.0.0");
  // A default port makes it optional.
  EXPECT_EQ(ParseHostPort("db1", 9042)->port, 9042);
  EXPECT_EQ(ParseHostPort("db1:19042", 9042)->port, 19042);
  EXPECT_EQ(ParseHostPort("[fe80::1]", 9042)->host, "fe80::1");
}

TEST(HostPortTest, RefusesWhatCannotBeBound) {
  auto big = ParseHostPort("127.0.0.1:70000");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("0..65535"), std::string::npos) << big.status().message();
  EXPECT_NE(big.status().message().find("127.0.0.1:70000"), std::string::npos);
  for (const char* bad : {"", ":9092", "127.0.0.1", "127.0.0.1:", "127.0.0.1:-1", "127.0.0.1:9x",
                          "127.0.0.1:99999999999", "256.1.1.1:9092", "1.2.3:9092", "::1:9092",
                          "[::1", "[::1]9092", "[nothost]:1", "bad/host:9092", "-a.com:1",
                          "a..b:1", "host name:1"}) {
    EXPECT_FALSE(ParseHostPort(bad).ok()) << bad;
  }
  auto v6 = ParseHostPort("::1:9092");
  EXPECT_NE(v6.status().message().find("brackets"), std::string::npos);
}

// Every form a caller accepts, each caller's way of calling: listeners (`listeners.*`,
// --listen, --advertised, --kafka-listen, --cql-listen: port required, 0 allowed), Cassandra
// contact points (default port 9042), and Kafka bootstrap lists (log.bootstrap, --bootstrap).
TEST(HostPortTest, EveryFormTheCallersAccept) {
  struct Case {
    const char* text;
    const char* host;
    uint16_t port;
    const char* round_trip;
  };
  for (const Case& c : {Case{"127.0.0.1:9092", "127.0.0.1", 9092, "127.0.0.1:9092"},
                        Case{"0.0.0.0:0", "0.0.0.0", 0, "0.0.0.0:0"},
                        Case{"[::1]:9092", "::1", 9092, "[::1]:9092"},
                        Case{"[::]:9042", "::", 9042, "[::]:9042"},
                        Case{"[fe80::1:2]:1", "fe80::1:2", 1, "[fe80::1:2]:1"},
                        Case{"[::ffff:127.0.0.1]:9092", "::ffff:127.0.0.1", 9092,
                             "[::ffff:127.0.0.1]:9092"},
                        Case{"localhost:9092", "localhost", 9092, "localhost:9092"},
                        Case{"kafka_1:9092", "kafka_1", 9092, "kafka_1:9092"},
                        Case{"broker.example.com.:9093", "broker.example.com.", 9093,
                             "broker.example.com.:9093"}}) {
    auto hp = ParseHostPort(c.text);
    ASSERT_TRUE(hp.ok()) << c.text << ": " << hp.status().ToString();
    EXPECT_EQ(hp->host, c.host) << c.text;
    EXPECT_EQ(hp->port, c.port) << c.text;
    EXPECT_EQ(hp->ToString(), c.round_trip);
    EXPECT_EQ(ParseHostPort(hp->ToString())->host, c.host);  // ToString parses back
  }
  // Contact points: the port is optional, for every host form.
  for (const char* cp : {"db1", "10.0.0.5", "[::1]", "[2001:db8::7]", "cassandra.local"}) {
    auto hp = ParseHostPort(cp, uint16_t{9042});
    ASSERT_TRUE(hp.ok()) << cp << ": " << hp.status().ToString();
    EXPECT_EQ(hp->port, 9042) << cp;
  }
  EXPECT_EQ(ParseHostPort("[2001:db8::7]:19042", uint16_t{9042})->port, 19042);
  EXPECT_FALSE(ParseHostPort("2001:db8::7", uint16_t{9042}).ok());  // brackets needed
}

TEST(HostPortTest, BootstrapLists) {
  auto one = ParseHostPortList("127.0.0.1:9092");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].ToString(), "127.0.0.1:9092");
  auto many = ParseHostPortList("h1:9092, PLAINTEXT://h2:9093,[::1]:9094 ,SSL://[fe80::1]:9095");
  ASSERT_TRUE(many.ok()) << many.status().ToString();
  ASSERT_EQ(many->size(), 4u);
  EXPECT_EQ((*many)[0].ToString(), "h1:9092");
  EXPECT_EQ((*many)[1].ToString(), "h2:9093");
  EXPECT_EQ((*many)[2].ToString(), "[::1]:9094");
  EXPECT_EQ((*many)[3].ToString(), "[fe80::1]:9095");
  // Each bad entry is named in the message.
  struct Bad {
    const char* text;
    const char* says;
  };
  for (const Bad& b : {Bad{"a:1,b", "'b': expected HOST:PORT"},
                       Bad{"a:1,,b:2", "an empty entry"},
                       Bad{"", "an empty entry"},
                       Bad{"a:1,b:0", "'b:0': the port must be 1..65535"},
                       Bad{"a:70000", "0..65535"},
                       Bad{"::1:9092", "brackets"},
                       Bad{"a:1;b:2", "'a:1;b:2'"}}) {
    auto r = ParseHostPortList(b.text);
    ASSERT_FALSE(r.ok()) << b.text;
    EXPECT_NE(r.status().message().find(b.says), std::string::npos)
        << b.text << ": " << r.status().message();
  }
}

TEST(HostPortTest, Loopback) {
  for (const char* h : {"127.0.0.1", "127.1.2.3", "::1", "localhost", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackHost(h)) << h;
  }
  for (const char* h : {"0.0.0.0", "::", "10.0.0.1", "192.168.1.1", "example.com", "128.0.0.1",
                        "::ffff:10.0.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(h)) << h;
  }
}

// The one temp-dir helper of the tests (testutil/temp_dir.h).
TEST(TempDirTest, UniqueOwnerOnlyAndRemovedUnlessKept) {
  ::unsetenv("KAPPA_KEEP_TEST_DIRS");
  std::string kept_path;
  {
    testutil::TempDir a("kappa-tempdir-test"), b("kappa-tempdir-test");
    EXPECT_NE(a.path(), b.path());
    EXPECT_EQ(std::filesystem::path(a.path()).parent_path(), std::filesystem::temp_directory_path());
    EXPECT_EQ(std::filesystem::path(a.path()).filename().string().rfind("kappa-tempdir-test-", 0), 0u);
    struct stat st{};
    ASSERT_EQ(::stat(a.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    ASSERT_TRUE(Env::Default()->CreateDirs(a.Sub("x/y")).ok());
    kept_path = a.path();
  }
  EXPECT_FALSE(std::filesystem::exists(kept_path));  // removed with its contents
  ::setenv("KAPPA_KEEP_TEST_DIRS", "1", 1);
  {
    testutil::TempDir kept("kappa-tempdir-test");
    kept_path = kept.path();
  }
  ::unsetenv("KAPPA_KEEP_TEST_DIRS");
  EXPECT_TRUE(std::filesystem::exists(kept_path));
  std::filesystem::remove_all(kept_path);
}

TEST(FileModesTest, DataDirectoriesAndFilesAreOwnerOnly) {
  mode_t old = ::umask(022);  // a typical login umask: would give 0755 / 0644
  testutil::TempDir tmp("kappa-common-modes");
  std::string root = tmp.path();
  std::string dir = root + "/a/b/c";
  ASSERT_TRUE(Env::Default()->CreateDirs(dir).ok());
  struct stat st{};
  for (const std::string& d : {root + "/a", root + "/a/b", dir}) {
    ASSERT_EQ(::stat(d.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u) << d;
  }
  auto f = Env::Default()->NewWritableFile(dir + "/f");
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Close().ok());
  ASSERT_EQ(::stat((dir + "/f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto lock = DataDirLock::Acquire(root + "/data", "test");
  ASSERT_TRUE(lock.ok());
  ASSERT_EQ(::stat((root + "/data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((root + "/data/LOCK").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A file in the way is an error, not a silent success.
  EXPECT_FALSE(CreateDirsOwnerOnly(dir + "/f/g").ok());
  ::umask(old);
}

// ByteBudget: takes wait in order while the budget is spent and time out at their deadline.
TEST(ByteBudgetTest, WaitersAreServedInOrderAndTimeOut) {
  namespace asio = boost::asio;
  ByteBudget budget(100);
  EXPECT_TRUE(budget.TryTake(80));
  EXPECT_FALSE(budget.TryTake(30));
  asio::io_context io;
  std::vector<std::string> events;
  auto now = std::chrono::steady_clock::now();
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    bool ok = co_await budget.Take(50, now + std::chrono::seconds(5));
    events.push_back(ok ? "big" : "big timed out");
  }, asio::detached);
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    bool ok = co_await budget.Take(10, now + std::chrono::milliseconds(20));
    events.push_back(ok ? "small" : "small timed out");  // behind "big": waits, times out
  }, asio::detached);
  asio::steady_timer t(io, std::chrono::milliseconds(60));
  t.async_wait([&](auto) { budget.Give(80); });
  io.run();
  EXPECT_EQ(events, (std::vector<std::string>{"small timed out", "big"}));
  EXPECT_EQ(budget.used(), 50u);
  EXPECT_TRUE(budget.TryTake(50));
  // One take larger than the whole budget passes when nothing else is taken.
  budget.Give(100);
  EXPECT_TRUE(budget.TryTake(1000));
}

TEST(FdLimitTest, RaisedToTheHardLimit) {
  FdLimit l = RaiseFdLimit();
  EXPECT_EQ(CurrentFdLimit().soft, l.hard);
  EXPECT_GT(CountOpenFds(), 2u);
  EXPECT_TRUE(CheckFdsAvailable(1, "a test").ok());
  Status s = CheckFdsAvailable(l.hard + 1, "a huge create");
  EXPECT_TRUE(s.IsUnavailable());
  EXPECT_NE(s.message().find("a huge create"), std::string::npos);
}

}  // namespace
}  // namespace kappa
