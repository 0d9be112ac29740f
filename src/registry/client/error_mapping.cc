#include "registry/client/error_mapping.h"

#include <nlohmann/json.hpp>

#include <string>

namespace kappa::registry::client {

Status ErrorFromAnswer(std::string_view method, std::string_view path, int status,
                       std::string_view body) {
  int code = status;
  std::string message;
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("error_code") && j["error_code"].is_number_integer()) {
    code = j["error_code"].get<int>();
    if (auto it = j.find("message"); it != j.end() && it->is_string()) {
      message = it->get<std::string>();
    }
  }
  if (message.empty()) {
    // Not a Confluent error body (a proxy's HTML page, an empty 502): say what came.
    message.append("HTTP ").append(std::to_string(status)).append(" from ");
    message.append(method).append(" ").append(path);
    if (!body.empty()) message.append(": ").append(body.substr(0, 200));
  }
  Status s;
  if (status == 404) {
    s = Status::NotFound(message);
  } else if (status >= 400 && status < 500) {
    s = Status::InvalidArgument(message);
  } else if (code == 50002 || status == 504) {
    s = Status::TimedOut(message);
  } else {
    s = Status::Unavailable(message);
  }
  return s.WithProtocolCode(code);
}

}  // namespace kappa::registry::client
