#include "http/response_writer.h"

#include <boost/beast/http/status.hpp>

#include "http/gzip.h"

namespace kappa::http {

namespace {

bool IEqualsAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? char(a[i] + 32) : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? char(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

// Fields the server writes itself; a handler's copy of them is dropped.
bool ServerOwned(std::string_view name) {
  return IEqualsAscii(name, "Content-Length") || IEqualsAscii(name, "Transfer-Encoding") ||
         IEqualsAscii(name, "Connection") || IEqualsAscii(name, "Content-Type");
}

// A value with CR or LF would split the header (response splitting): such fields are dropped.
bool SafeField(std::string_view name, std::string_view value) {
  return name.find_first_of("\r\n:") == std::string_view::npos &&
         value.find_first_of("\r\n") == std::string_view::npos && !name.empty();
}

void AppendStatusLine(int status, unsigned version, std::string* out) {
  auto reason = boost::beast::http::obsolete_reason(boost::beast::http::int_to_status(unsigned(status)));
  *out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  *out += std::to_string(status);
  *out += ' ';
  out->append(reason.data(), reason.size());
  *out += "\r\n";
}

void AppendField(std::string_view name, std::string_view value, std::string* out) {
  out->append(name);
  *out += ": ";
  out->append(value);
  *out += "\r\n";
}

void AppendCommonFields(const Response& r, const AnswerContext& c, std::string* out) {
  if (!r.content_type.empty() && SafeField("Content-Type", r.content_type)) {
    AppendField("Content-Type", r.content_type, out);
  }
  for (const auto& [name, value] : r.headers.all()) {
    if (!ServerOwned(name) && SafeField(name, value)) AppendField(name, value, out);
  }
  if (!c.keep_alive) {
    AppendField("Connection", "close", out);
  } else if (c.version == 10) {
    AppendField("Connection", "keep-alive", out);
  }
}

}  // namespace

uint64_t AppendResponse(Response& r, const AnswerContext& c, std::string* out) {
  if (r.status < 200 || r.status > 999) r.status = 500;  // 1xx is the server's own business
  // No body for 204 and 304 (RFC 9110).
  bool bodiless = r.status == 204 || r.status == 304;
  if (bodiless) r.body.clear();
  if (c.gzip_ok && r.body.size() >= c.gzip_min_bytes && !r.headers.Has("Content-Encoding")) {
    std::string z;
    if (Gzip(r.body, c.gzip_level, &z)) {
      r.body.swap(z);
      r.headers.Set("Content-Encoding", "gzip");
    }
  }
  if (c.gzip_ok || r.headers.Has("Content-Encoding")) {
    if (!r.headers.Has("Vary")) r.headers.Set("Vary", "Accept-Encoding");
  }
  AppendStatusLine(r.status, c.version, out);
  AppendCommonFields(r, c, out);
  if (!bodiless) AppendField("Content-Length", std::to_string(r.body.size()), out);
  *out += "\r\n";
  if (c.head) return 0;
  out->append(r.body);
  return r.body.size();
}

void AppendStreamHead(const Response& r, const AnswerContext& c, std::string* out) {
  AnswerContext closing = c;
  closing.keep_alive = false;
  AppendStatusLine(r.status < 200 || r.status > 999 ? 500 : r.status, c.version, out);
  AppendCommonFields(r, closing, out);
  if (c.version != 10) AppendField("Transfer-Encoding", "chunked", out);
  *out += "\r\n";
}

void AppendChunk(std::string_view data, unsigned version, std::string* out) {
  if (data.empty()) return;  // an empty chunk would end the body
  if (version == 10) {
    out->append(data);
    return;
  }
  char size[20];
  int n = snprintf(size, sizeof(size), "%zx\r\n", data.size());
  out->append(size, size_t(n));
  out->append(data);
  *out += "\r\n";
}

void AppendLastChunk(unsigned version, std::string* out) {
  if (version != 10) *out += "0\r\n\r\n";
}

}  // namespace kappa::http
