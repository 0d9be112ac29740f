#include "http/request_reader.h"

#include <boost/beast/http.hpp>

#include "http/url.h"

namespace kappa::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct RequestReader::Impl {
  bhttp::request_parser<bhttp::string_body> parser;
  ParseLimits limits;
};

RequestReader::RequestReader(const ParseLimits& limits) : impl_(std::make_unique<Impl>()) {
  impl_->limits = limits;
  impl_->parser.header_limit(limits.max_header_bytes);
  impl_->parser.body_limit(limits.max_body_bytes);
  impl_->parser.eager(true);  // parse the body as far as the bytes go, in the same call
}

RequestReader::~RequestReader() = default;

void RequestReader::Fail(int status, std::string message) {
  error_status_ = status;
  error_message_ = std::move(message);
}

size_t RequestReader::Feed(std::string_view bytes) {
  if (failed() || done()) return 0;
  auto& p = impl_->parser;
  size_t used = 0;
  while (used < bytes.size() && !p.is_done()) {
    // The leading empty lines RFC 9112 tells servers to ignore between requests.
    if (!p.got_some() && (bytes[used] == '\r' || bytes[used] == '\n')) {
      ++used;
      continue;
    }
    started_ = true;
    bool had_header = p.is_header_done();
    // Beast 1.81 asserts (wrongly, boostorg/beast#2861, fixed in 1.86) when a chunked body's
    // parse resumes with fewer than 5 bytes; the rest of a chunked body is never shorter
    // than that ("0\r\n\r\n", which Beast does not consume in part), so waiting for 5
    // costs nothing.
    if (had_header && p.chunked() && bytes.size() - used < 5) break;
    if (!had_header) {
      // The limit counts the request line, the fields and the blank line that ends them
      // (Beast's own limit applies to the request line and to the fields separately). Beast
      // takes a header only whole, so the bytes offered start at this request's first byte.
      std::string_view rest = bytes.substr(used);
      size_t eom = rest.find("\r\n\r\n");
      size_t header_len = eom == std::string_view::npos ? rest.size() : eom + 4;
      if (header_len > impl_->limits.max_header_bytes) {
        Fail(431, "the request line and header fields exceed the server's limit of " +
                      std::to_string(impl_->limits.max_header_bytes) + " bytes");
        return used;
      }
    }
    beast::error_code ec;
    size_t n = p.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == bhttp::error::need_more) break;
    if (ec == bhttp::error::header_limit) {
      Fail(431, "the request line and header fields exceed the server's limit of " +
                    std::to_string(impl_->limits.max_header_bytes) + " bytes");
      return used;
    }
    if (ec == bhttp::error::body_limit) {
      Fail(413, "the request body exceeds the server's limit of " +
                    std::to_string(impl_->limits.max_body_bytes) + " bytes");
      return used;
    }
    if (ec) {
      Fail(400, "malformed HTTP request: " + ec.message());
      return used;
    }
    if (!had_header && p.is_header_done()) {
      unsigned v = p.get().version();
      if (v != 10 && v != 11) {
        Fail(505, "HTTP version not supported (HTTP/1.0 and HTTP/1.1 are)");
        return used;
      }
    }
    if (n == 0) break;
  }
  return used;
}

bool RequestReader::header_done() const { return impl_->parser.is_header_done(); }
bool RequestReader::done() const { return !failed() && impl_->parser.is_done(); }

bool RequestReader::expects_continue() const {
  const auto& p = impl_->parser;
  if (!p.is_header_done() || p.is_done() || p.get().version() < 11) return false;
  auto it = p.get().find(bhttp::field::expect);
  return it != p.get().end() && beast::iequals(it->value(), "100-continue");
}

uint64_t RequestReader::body_bytes() const { return impl_->parser.get().body().size(); }
unsigned RequestReader::version() const { return impl_->parser.get().version(); }
bool RequestReader::keep_alive() const { return impl_->parser.get().keep_alive(); }
bool RequestReader::is_head() const { return impl_->parser.get().method() == bhttp::verb::head; }

bool RequestReader::accepts_gzip() const {
  const auto& msg = impl_->parser.get();
  for (auto it = msg.find(bhttp::field::accept_encoding);
       it != msg.end() && it->name() == bhttp::field::accept_encoding; ++it) {
    // "gzip", "gzip;q=0.5", "*"; "gzip;q=0" refuses it.
    for (auto const& item : bhttp::ext_list(it->value())) {
      if (!beast::iequals(item.first, "gzip") && !beast::iequals(item.first, "x-gzip") &&
          item.first != "*") {
        continue;
      }
      bool refused = false;
      for (auto const& param : item.second) {
        if (beast::iequals(param.first, "q")) {
          std::string_view q(param.second.data(), param.second.size());
          refused = q.find_first_not_of("0.") == std::string_view::npos;
        }
      }
      if (!refused) return true;
    }
  }
  return false;
}

Request RequestReader::TakeRequest(std::string peer) {
  auto msg = impl_->parser.release();
  Request req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  req.peer = std::move(peer);
  for (const auto& f : msg) {
    req.headers.Add(std::string(f.name_string()), std::string(f.value()));
  }
  req.body = std::move(msg.body());
  std::string_view target = req.target;
  // The absolute form ("http://host/path") that proxies send: keep the path.
  if (target.starts_with("http://") || target.starts_with("https://")) {
    size_t slash = target.find('/', target.find("//") + 2);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  std::string_view path, query;
  SplitTarget(target, &path, &query);
  req.path = std::string(path);
  if (path.empty() || path.front() != '/') {
    Fail(400, "the request target must be an absolute path");
  } else if (!ParseQuery(query, &req.query)) {
    Fail(400, "malformed percent-escape in the query string");
  }
  return req;
}

}  // namespace kappa::http
