// avro_schema_tool: reads a JSON array of requests on stdin and writes a JSON array of
// answers, for tests/avro/test_avro_python.py (which compares them with python3-avro).
//   {"op": "parse", "schema": TEXT, "refs": [TEXT...]}
//     -> {"ok": true, "canonical": PCF, "identity": ...} | {"ok": false, "error": MESSAGE}
//   {"op": "compat", "reader": TEXT, "writer": TEXT}
//     -> {"ok": true, "incompatibilities": [{"type", "location", "message"}...]}
#include <iostream>
#include <iterator>

#include "avro/avro.h"

using nlohmann::json;

int main() {
  std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  json requests = json::parse(input, nullptr, false);
  if (!requests.is_array()) {
    std::cerr << "avro_schema_tool: stdin must be a JSON array of requests\n";
    return 2;
  }
  json answers = json::array();
  for (const json& req : requests) {
    const std::string op = req.value("op", "");
    if (op == "parse") {
      auto s = kappa::avro::Parse(req.value("schema", ""),
                                  req.value("refs", std::vector<std::string>{}));
      if (!s.ok()) {
        answers.push_back({{"ok", false}, {"error", s.status().message()}});
      } else {
        answers.push_back({{"ok", true},
                           {"canonical", (*s)->CanonicalForm()},
                           {"identity", (*s)->IdentityForm()}});
      }
    } else if (op == "compat") {
      auto r = kappa::avro::Parse(req.value("reader", ""));
      auto w = kappa::avro::Parse(req.value("writer", ""));
      if (!r.ok() || !w.ok()) {
        answers.push_back({{"ok", false}, {"error", (!r.ok() ? r : w).status().message()}});
        continue;
      }
      json list = json::array();
      for (const auto& i : kappa::avro::CheckCompatibility(**r, **w)) {
        list.push_back({{"type", kappa::avro::IncompatibilityName(i.type)},
                        {"location", i.location},
                        {"message", i.message}});
      }
      answers.push_back({{"ok", true}, {"incompatibilities", list}});
    } else {
      answers.push_back({{"ok", false}, {"error", "unknown op '" + op + "'"}});
    }
  }
  std::cout << answers.dump() << "\n";
  return 0;
}
