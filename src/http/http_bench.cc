// A tiny load generator for docs/benchmarks/http.md: starts the HTTP server in-process with
// one small JSON route and drives it over keep-alive from client threads with blocking
// sockets, one request at a time per connection (or `--pipeline N` requests per write).
//   build/src/http/http_bench [--seconds 5] [--connections 4] [--threads 1] [--pipeline 1]
// Prints requests/s. Not a test: figures depend on the machine and its load.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "http/http.h"

using namespace kappa::http;

namespace {

// Sends `depth` GETs at once and reads `depth` answers (each ends where its Content-Length
// says); returns false on any error.
bool RoundTrip(int fd, const std::string& batch, int depth, std::string* buf) {
  if (send(fd, batch.data(), batch.size(), MSG_NOSIGNAL) != ssize_t(batch.size())) return false;
  int answered = 0;
  size_t pos = 0;
  while (answered < depth) {
    size_t end = buf->find("\r\n\r\n", pos);
    if (end != std::string::npos) {
      size_t cl = buf->find("Content-Length: ", pos);
      if (cl == std::string::npos || cl > end) return false;
      size_t len = std::strtoul(buf->c_str() + cl + 16, nullptr, 10);
      if (buf->size() >= end + 4 + len) {
        pos = end + 4 + len;
        ++answered;
        continue;
      }
    }
    char tmp[65536];
    ssize_t n = recv(fd, tmp, sizeof(tmp), 0);
    if (n <= 0) return false;
    buf->append(tmp, size_t(n));
  }
  buf->erase(0, pos);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = 5, connections = 4, threads = 1, pipeline = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    int v = std::atoi(argv[i + 1]);
    if (a == "--seconds") seconds = v;
    else if (a == "--connections") connections = v;
    else if (a == "--threads") threads = v;
    else if (a == "--pipeline") pipeline = v;
  }
  auto router = std::make_shared<Router>();
  router->Get("/schemas/ids/{id}", [](Request& q) {
    return Response::Json({{"schema", "{\"type\":\"string\"}"}, {"id", q.Param("id")}}, 200,
                          "application/vnd.schemaregistry.v1+json");
  });
  ServerOptions so;
  so.threads = threads;
  ListenerOptions lo;
  lo.port = 0;
  lo.router = router;
  lo.max_pipelined = std::max(16, pipeline);
  auto started = Server::Start(so, {lo});
  if (!started.ok()) {
    std::fprintf(stderr, "%s\n", started.status().ToString().c_str());
    return 1;
  }
  auto server = std::move(started).value();
  uint16_t port = server->port();
  std::string one = "GET /schemas/ids/1 HTTP/1.1\r\nHost: bench\r\n\r\n";
  std::string batch;
  for (int i = 0; i < pipeline; ++i) batch += one;

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> done{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < connections; ++c) {
    clients.emplace_back([&] {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      int one_flag = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one_flag, sizeof(one_flag));
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(port);
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
        ++failed;
        return;
      }
      std::string buf;
      uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (!RoundTrip(fd, batch, pipeline, &buf)) {
          ++failed;
          break;
        }
        n += uint64_t(pipeline);
      }
      done += n;
      close(fd);
    });
  }
  auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : clients) t.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  server->Stop();
  std::printf("http_bench: %d connection(s), pipeline %d, %d server thread(s), %.1f s: "
              "%llu requests, %.0f requests/s, %llu failed connection(s)\n",
              connections, pipeline, threads, secs, (unsigned long long)done.load(),
              double(done.load()) / secs, (unsigned long long)failed.load());
  return failed.load() == 0 ? 0 : 1;
}
