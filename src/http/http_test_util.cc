#include "http/http_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include <cerrno>

#include "http/url.h"

namespace kappa::http::testing {

namespace bhttp = boost::beast::http;

std::unique_ptr<Server> StartOn(std::shared_ptr<Router> router, ListenerOptions lo,
                                ServerOptions so) {
  lo.host = "127.0.0.1";
  lo.port = 0;
  lo.router = std::move(router);
  auto s = Server::Start(std::move(so), {std::move(lo)});
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return nullptr;
  return std::move(s).value();
}

RawClient::RawClient(uint16_t port, int timeout_ms) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

void RawClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    bytes.remove_prefix(size_t(n));
  }
}

bool RawClient::Read(Answer* a, bool head) {
  bhttp::response_parser<bhttp::string_body> p;
  p.body_limit(1ull << 30);
  p.skip(head);
  for (;;) {
    if (!buf_.empty()) {
      boost::beast::error_code ec;
      size_t used = p.put(boost::asio::buffer(buf_), ec);
      buf_.erase(0, used);
      if (ec && ec != bhttp::error::need_more) return false;
      if (p.is_done()) break;
      if (!ec && used > 0) continue;
    }
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) {
      if (n == 0 && p.is_header_done() && !p.is_done()) {
        boost::beast::error_code ec;
        p.put_eof(ec);
        if (!ec && p.is_done()) break;
      }
      return false;
    }
    buf_.append(tmp, size_t(n));
  }
  auto msg = p.release();
  a->status = int(msg.result_int());
  a->headers.clear();
  for (const auto& f : msg) {
    std::string name(f.name_string());
    for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
    a->headers[name] = std::string(f.value());
  }
  a->body = std::move(msg.body());
  return true;
}

std::string RawClient::ReadBytes(size_t n) {
  while (buf_.size() < n) {
    char tmp[65536];
    ssize_t got = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (got <= 0) break;
    buf_.append(tmp, size_t(got));
  }
  std::string out = buf_.substr(0, std::min(n, buf_.size()));
  buf_.erase(0, out.size());
  return out;
}

bool RawClient::ClosedByServer() {
  for (;;) {
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
  }
}

Response Dispatch(Router& router, std::string_view method, std::string_view target,
                  std::string_view body, std::string_view content_type,
                  const std::vector<std::pair<std::string, std::string>>& headers) {
  Request req;
  req.method = std::string(method);
  req.target = std::string(target);
  std::string_view path, query;
  SplitTarget(target, &path, &query);
  req.path = std::string(path);
  EXPECT_TRUE(ParseQuery(query, &req.query)) << "malformed query in " << target;
  req.body = std::string(body);
  if (!body.empty()) req.headers.Add("Content-Type", std::string(content_type));
  for (const auto& [name, value] : headers) req.headers.Add(name, value);
  return router.Dispatch(req);
}

std::string Get(std::string_view target, std::string_view extra) {
  std::string s = "GET ";
  s += target;
  s += " HTTP/1.1\r\nHost: t\r\n";
  s += extra;
  s += "\r\n";
  return s;
}

}  // namespace kappa::http::testing
