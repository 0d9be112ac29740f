// Templates in task arguments: Jinja's `{{ name }}` with Airflow's variable names, limited
// on purpose to dotted names (no filters, no expressions, no `{% %}` statements), so that
// every name can be checked when the config loads instead of failing a run at 3 am.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "common/strings.h"
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {

namespace {

// The variables every run provides (TaskContext::variables).
const std::set<std::string, std::less<>>& FixedNames() {
  static const auto* names = new std::set<std::string, std::less<>>{
      "ds",
      "ds_nodash",
      "ts",
      "ts_nodash",
      "logical_date",
      "data_interval_start",
      "data_interval_end",
      "run_id",
      "dag_id",
      "dag.dag_id",
      "task_id",
      "task.task_id",
      "try_number",
  };
  return *names;
}

bool NameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

// Splits `text` into literal pieces and `{{ name }}` references; calls `on_text` and
// `on_name` in order. InvalidArgument for what this template language does not have.
template <typename OnText, typename OnName>
Status Scan(std::string_view text, OnText on_text, OnName on_name) {
  size_t pos = 0;
  while (pos < text.size()) {
    // A stray "}}" is text, as in Jinja (a JSON body such as {"a": {"b": 1}} has one).
    size_t open = std::min({text.find("{{", pos), text.find("{%", pos), text.find("{#", pos)});
    if (open == text.npos) {
      on_text(text.substr(pos));
      break;
    }
    on_text(text.substr(pos, open - pos));
    if (text[open + 1] != '{') {
      return Status::InvalidArgument(fmt::format(
          "template '{}': Jinja statements and comments ('{{{}') are not supported, only "
          "{{{{ name }}}}",
          text, text[open + 1]));
    }
    size_t end = text.find("}}", open + 2);
    if (end == text.npos) {
      return Status::InvalidArgument(
          fmt::format("template '{}': '{{{{' at offset {} is never closed", text, open));
    }
    std::string_view name = TrimSpace(text.substr(open + 2, end - open - 2));
    if (name.empty() || !std::all_of(name.begin(), name.end(), NameChar) || name.front() == '.' ||
        name.back() == '.' || name.find("..") != name.npos) {
      return Status::InvalidArgument(
          fmt::format("template '{}': '{{{{{}}}}}' is not a variable name (only names such as "
                      "{{{{ ds }}}} or {{{{ params.name }}}}; no filters or expressions)",
                      text, text.substr(open + 2, end - open - 2)));
    }
    RETURN_IF_ERROR(on_name(name));
    pos = end + 2;
  }
  return Status::OK();
}

// Looks `path` up in `v`, where object keys may themselves contain dots (task ids may):
// at each level the shortest key that leads to a full match wins.
const nlohmann::json* Lookup(const nlohmann::json& v, std::string_view path) {
  if (!v.is_object()) return nullptr;
  for (size_t dot = path.find('.');; dot = path.find('.', dot + 1)) {
    std::string key(path.substr(0, dot));
    auto it = v.find(key);
    if (it != v.end()) {
      if (dot == path.npos) return &*it;
      if (const auto* found = Lookup(*it, path.substr(dot + 1))) return found;
    }
    if (dot == path.npos) return nullptr;
  }
}

// How Jinja prints a value: strings as they are, Python's spelling for booleans and None,
// JSON for numbers, lists and objects.
std::string Show(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_null()) return "None";
  return v.dump();
}

}  // namespace

Result<std::string> RenderTemplate(std::string_view text, const nlohmann::json& variables) {
  std::string out;
  Status missing;
  RETURN_IF_ERROR(Scan(
      text, [&](std::string_view lit) { out += lit; },
      [&](std::string_view name) -> Status {
        const nlohmann::json* v = Lookup(variables, name);
        if (v == nullptr) {
          return Status::NotFound(fmt::format("unknown template variable '{}'", name));
        }
        out += Show(*v);
        return Status::OK();
      }));
  return out;
}

Result<nlohmann::json> RenderArgs(const nlohmann::json& args, const nlohmann::json& variables) {
  if (args.is_string()) {
    ASSIGN_OR_RETURN(std::string s, RenderTemplate(args.get<std::string>(), variables));
    return nlohmann::json(std::move(s));
  }
  if (args.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : args.items()) {
      ASSIGN_OR_RETURN(out[k], RenderArgs(v, variables));
    }
    return out;
  }
  if (args.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : args) {
      ASSIGN_OR_RETURN(nlohmann::json r, RenderArgs(v, variables));
      out.push_back(std::move(r));
    }
    return out;
  }
  return args;
}

Status CheckTemplate(std::string_view text, const nlohmann::json& params,
                     const std::vector<std::string>& task_ids) {
  return Scan(
      text, [](std::string_view) {},
      [&](std::string_view name) -> Status {
        if (FixedNames().count(name)) return Status::OK();
        if (name.starts_with("conf.")) return Status::OK();  // a trigger's conf: anything
        if (name.starts_with("params.") && Lookup(params, name.substr(7)) != nullptr) {
          return Status::OK();
        }
        if (name.starts_with("tasks.") && name.ends_with(".result") && name.size() > 13) {
          std::string_view id = name.substr(6, name.size() - 13);
          if (std::find(task_ids.begin(), task_ids.end(), id) != task_ids.end()) {
            return Status::OK();
          }
          return Status::InvalidArgument(fmt::format(
              "unknown template variable '{}': '{}' is not a task upstream of this one", name, id));
        }
        return Status::InvalidArgument(fmt::format("unknown template variable '{}'", name));
      });
}

Status CheckArgsTemplates(const nlohmann::json& args, const nlohmann::json& params,
                          const std::vector<std::string>& task_ids) {
  if (args.is_string()) return CheckTemplate(args.get<std::string>(), params, task_ids);
  if (args.is_object() || args.is_array()) {
    for (const auto& v : args) RETURN_IF_ERROR(CheckArgsTemplates(v, params, task_ids));
  }
  return Status::OK();
}

}  // namespace kappa::orchestrator
