// kappa schemas list|get|register|check|delete|config: a Confluent Schema Registry's REST API
// from the command line, through registry/client.h, against kappa's registry (`kappa up`,
// `kappa registry`) or any Confluent-compatible one (--registry URL).
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "registry/client.h"

namespace kappa::cli {
namespace {

namespace rc = registry::client;

struct SchemasArgs {
  std::string registry = "http://127.0.0.1:8081";
  std::string subject;
  std::string version;
  int32_t id = 0;
  std::string file;
  std::string type = "AVRO";
  std::vector<std::string> references;  // name=subject:version
  bool deleted = false;
  bool permanent = false;
  bool normalize = false;
  bool schema_only = false;
  bool json = false;
  std::string set_compatibility;
  std::string set_mode;
  bool delete_compatibility = false;
};

// The registry's error with what to do about it: the registry's message and code first (what
// a user searches for), then a hint for the codes a user can act on.
[[noreturn]] void FailRegistry(const Status& s, const SchemasArgs& a) {
  if (!s.protocol_code()) {
    // No answer from a registry at all.
    Fail(s.message() + (s.IsUnavailable() || s.code() == Status::Code::kTimedOut
                            ? "\n  start one with `kappa up` or `kappa registry`, or point --registry at one"
                            : ""));
  }
  const int code = *s.protocol_code();
  std::string hint;
  switch (code) {
    case 40401: hint = "`kappa schemas list` shows the subjects"; break;
    case 40402: hint = fmt::format("`kappa schemas list --subject {}` shows its versions", a.subject); break;
    case 40403: hint = "no schema has that id"; break;
    case 40404: hint = "it is soft-deleted: add --permanent to delete it for good"; break;
    case 40405: case 40407: hint = "delete it without --permanent first (a soft delete)"; break;
    case 40406: hint = "that version is soft-deleted: add --permanent to delete it for good"; break;
    case 40408: hint = "this subject uses the global level (`kappa schemas config`)"; break;
    case 409:
      hint = fmt::format("`kappa schemas check --subject {} --file {}` lists the reasons; "
                         "`kappa schemas config --subject {} --compatibility NONE` lifts the check",
                         a.subject, a.file.empty() ? "FILE" : a.file, a.subject);
      break;
    case 42201: hint = fmt::format("the file is not a valid {} schema (pass --type if it is another kind)", a.type); break;
    case 42202: hint = "a version is a number from 1 or `latest`"; break;
    case 42203: hint = "levels: BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE"; break;
    case 42204: hint = "modes: READWRITE, READONLY, IMPORT"; break;
    case 42205: hint = "the registry or subject is not in READWRITE mode (`kappa schemas config` shows it)"; break;
    case 42206: hint = "other schemas reference it: delete those first"; break;
    default: break;
  }
  Fail(fmt::format("{} (error {}){}", s.message(), code, hint.empty() ? "" : "\n  " + hint));
}

template <typename T>
T SchemaOrFail(Result<T> r, const SchemasArgs& a) {
  if (!r.ok()) FailRegistry(r.status(), a);
  return std::move(r).value();
}

std::unique_ptr<rc::Client> Connect(const SchemasArgs& a) {
  rc::ClientOptions o;
  o.url = a.registry;
  auto c = rc::Client::Create(o);
  if (!c.ok()) Fail(c.status().message(), 2);
  return std::move(c).value();
}

rc::SchemaDefinition ReadDefinition(const SchemasArgs& a) {
  rc::SchemaDefinition d;
  if (a.file == "-") {
    d.schema.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(a.file, std::ios::binary);
    if (!in) Fail(fmt::format("cannot read schema file {}", a.file));
    d.schema.assign(std::istreambuf_iterator<char>(in), {});
  }
  if (d.schema.find_first_not_of(" \t\r\n") == std::string::npos) {
    Fail(fmt::format("schema file {} is empty", a.file));
  }
  d.schema_type = a.type;
  for (const auto& r : a.references) {
    // name=subject:version
    size_t eq = r.find('='), colon = r.rfind(':');
    int version = 0;
    if (eq == std::string::npos || colon == std::string::npos || colon < eq ||
        !(std::istringstream(r.substr(colon + 1)) >> version) || version <= 0) {
      Fail(fmt::format("--reference '{}': expected NAME=SUBJECT:VERSION, e.g. com.acme.Address=address-value:1", r), 2);
    }
    d.references.push_back({r.substr(0, eq), r.substr(eq + 1, colon - eq - 1), version});
  }
  return d;
}

// The schema text for a reader: JSON documents (Avro, JSON Schema) indented, .proto as is.
std::string Pretty(const std::string& schema) {
  auto j = nlohmann::json::parse(schema, nullptr, false);
  return j.is_discarded() ? schema : j.dump(2);
}

nlohmann::json ToJson(const rc::RegisteredSchema& s) {
  nlohmann::json j = {{"id", s.id}, {"schemaType", s.definition.schema_type}, {"schema", s.definition.schema}};
  if (!s.subject.empty()) {
    j["subject"] = s.subject;
    j["version"] = s.version;
  }
  if (!s.definition.references.empty()) {
    j["references"] = nlohmann::json::array();
    for (const auto& r : s.definition.references) {
      j["references"].push_back({{"name", r.name}, {"subject", r.subject}, {"version", r.version}});
    }
  }
  return j;
}

void PrintSchema(const rc::RegisteredSchema& s, const SchemasArgs& a) {
  if (a.schema_only) {
    std::cout << s.definition.schema << "\n";
  } else if (a.json) {
    std::cout << ToJson(s).dump() << "\n";
  } else {
    if (!s.subject.empty()) std::cout << fmt::format("subject {} version {}\n", s.subject, s.version);
    std::cout << fmt::format("id {}, type {}\n", s.id, s.definition.schema_type);
    for (const auto& r : s.definition.references) {
      std::cout << fmt::format("reference {} = {} version {}\n", r.name, r.subject, r.version);
    }
    std::cout << Pretty(s.definition.schema) << "\n";
  }
}

void ListSubjects(const SchemasArgs& a) {
  auto c = Connect(a);
  if (a.subject.empty()) {
    for (const auto& s : SchemaOrFail(c->Subjects(a.deleted), a)) std::cout << s << "\n";
  } else {
    for (int32_t v : SchemaOrFail(c->Versions(a.subject, a.deleted), a)) std::cout << v << "\n";
  }
}

void GetSchema(const SchemasArgs& a) {
  auto c = Connect(a);
  if (a.id > 0) {
    PrintSchema(SchemaOrFail(c->GetById(a.id), a), a);
  } else {
    PrintSchema(SchemaOrFail(c->GetVersion(a.subject, a.version.empty() ? "latest" : a.version, a.deleted), a), a);
  }
}

void Register(const SchemasArgs& a) {
  auto c = Connect(a);
  rc::SchemaDefinition d = ReadDefinition(a);
  int32_t id = SchemaOrFail(c->Register(a.subject, d, a.normalize), a);
  // The version is not in the register answer: look it up (same schema, so same version).
  auto found = c->Lookup(a.subject, d);
  if (a.json) {
    nlohmann::json j = {{"subject", a.subject}, {"id", id}};
    if (found.ok()) j["version"] = found->version;
    std::cout << j.dump() << "\n";
  } else {
    std::cout << fmt::format("registered {}: id {}{}\n", a.subject, id,
                             found.ok() ? fmt::format(", version {}", found->version) : "");
  }
}

void CheckSchema(const SchemasArgs& a) {
  auto c = Connect(a);
  rc::SchemaDefinition d = ReadDefinition(a);
  rc::CompatibilityResult r =
      SchemaOrFail(c->CheckCompatibility(a.subject, a.version.empty() ? "latest" : a.version, d), a);
  if (a.json) {
    std::cout << nlohmann::json{{"is_compatible", r.compatible}, {"messages", r.messages}}.dump() << "\n";
  } else if (r.compatible) {
    std::cout << "compatible\n";
  } else {
    std::cout << "incompatible:\n";
    for (const auto& m : r.messages) std::cout << "  " << m << "\n";
  }
  if (!r.compatible) throw CLI::RuntimeError(1);
}

void Delete(const SchemasArgs& a) {
  auto c = Connect(a);
  const char* how = a.permanent ? "permanently deleted" : "soft-deleted";
  if (a.version.empty()) {
    auto versions = SchemaOrFail(c->DeleteSubject(a.subject, a.permanent), a);
    std::cout << fmt::format("{} {}: versions {}\n", how, a.subject, fmt::join(versions, ", "));
  } else {
    int32_t v = SchemaOrFail(c->DeleteVersion(a.subject, a.version, a.permanent), a);
    std::cout << fmt::format("{} {} version {}\n", how, a.subject, v);
  }
}

void Config(const SchemasArgs& a) {
  auto c = Connect(a);
  const std::string where = a.subject.empty() ? "global" : a.subject;
  if (a.delete_compatibility) {
    if (a.subject.empty()) Fail("--delete needs --subject (the global level is set with --compatibility)", 2);
    std::string old = SchemaOrFail(c->DeleteCompatibility(a.subject), a);
    std::cout << fmt::format("{}: compatibility {} removed, the global level applies\n", where, old);
  }
  if (!a.set_compatibility.empty()) SchemaOrFail(c->SetCompatibility(a.subject, a.set_compatibility), a);
  if (!a.set_mode.empty()) SchemaOrFail(c->SetMode(a.subject, a.set_mode), a);
  std::string level = SchemaOrFail(c->GetCompatibility(a.subject, /*default_to_global=*/true), a);
  auto mode = c->GetMode(a.subject);
  if (a.json) {
    nlohmann::json j = {{"compatibilityLevel", level}};
    if (mode.ok()) j["mode"] = *mode;
    std::cout << j.dump() << "\n";
  } else {
    std::cout << fmt::format("{}: compatibility {}{}\n", where, level,
                             mode.ok() ? ", mode " + *mode : "");
  }
}

}  // namespace

void RegisterSchemasCommands(CLI::App& app, const Groups& g) {
  auto* group = app.add_subcommand(
      "schemas", "Schema registry: list, get, register, check, delete subjects and schemas, config");
  group->require_subcommand(1);
  group->footer(
      "Talks to kappa's registry (`kappa up`, `kappa registry`) or any Confluent Schema Registry "
      "over its REST API.");
  auto a = std::make_shared<SchemasArgs>();
  auto common = [&](CLI::App* cmd) {
    cmd->add_option("--registry", a->registry, "Registry base URL")->capture_default_str();
  };
  auto subject = [&](CLI::App* cmd, bool required) {
    auto* o = cmd->add_option("--subject,-s", a->subject, "Subject, e.g. users_created-value");
    if (required) o->required();
    return o;
  };
  auto schema_file = [&](CLI::App* cmd) {
    cmd->add_option("--file,-f", a->file, "Schema file (- for stdin)")->required();
    cmd->add_option("--type,-t", a->type, "Schema type")
        ->check(CLI::IsMember({"AVRO", "JSON", "PROTOBUF"}))
        ->capture_default_str();
    cmd->add_option("--reference", a->references,
                    "A schema this one references: NAME=SUBJECT:VERSION (repeatable)");
  };
  auto json = [&](CLI::App* cmd) { cmd->add_flag("--json", a->json, "JSON output"); };

  auto* list = group->add_subcommand("list", "List subjects, or a subject's versions with --subject");
  common(list);
  subject(list, false);
  list->add_flag("--deleted", a->deleted, "Include soft-deleted subjects or versions");
  list->callback([a] { ListSubjects(*a); });

  auto* get = group->add_subcommand("get", "Show a schema: --id N, or --subject S [--version V|latest]");
  common(get);
  auto* id = get->add_option("--id", a->id, "Global schema id")->check(CLI::PositiveNumber);
  auto* subj = subject(get, false);
  get->add_option("--version,-v", a->version, "Version number or latest (default latest)")->needs(subj);
  id->excludes(subj);
  get->add_flag("--deleted", a->deleted, "Also find a soft-deleted version");
  get->add_flag("--schema-only", a->schema_only, "Print only the schema text, as registered");
  json(get);
  get->callback([a] {
    if (a->id == 0 && a->subject.empty()) Fail("give --id N or --subject S (see --help)", 2);
    GetSchema(*a);
  });

  auto* reg = group->add_subcommand("register", "Register a schema under a subject; prints its id");
  common(reg);
  subject(reg, true);
  schema_file(reg);
  reg->add_flag("--normalize", a->normalize, "Store the registry's normalized form");
  json(reg);
  reg->callback([a] { Register(*a); });

  auto* check = group->add_subcommand(
      "check", "Is a schema compatible with a subject's versions? Prints compatible or the reasons "
               "(exit code 1 when incompatible)");
  common(check);
  subject(check, true);
  schema_file(check);
  check->add_option("--version,-v", a->version, "Version to check against (default latest)");
  json(check);
  check->callback([a] { CheckSchema(*a); });

  auto* del = group->add_subcommand(
      "delete", "Delete a subject, or one version with --version (soft; --permanent after a soft delete)");
  common(del);
  subject(del, true);
  del->add_option("--version,-v", a->version, "Version number or latest");
  del->add_flag("--permanent", a->permanent, "Remove for good (the subject or version must be soft-deleted first)");
  del->callback([a] { Delete(*a); });

  auto* config = group->add_subcommand(
      "config", "Show or set the compatibility level and mode, global or of --subject");
  common(config);
  subject(config, false);
  config->add_option("--compatibility", a->set_compatibility,
                     "Set: BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, "
                     "FULL_TRANSITIVE or NONE");
  config->add_option("--mode", a->set_mode, "Set: READWRITE, READONLY or IMPORT");
  config->add_flag("--delete", a->delete_compatibility,
                   "Remove the subject's own level (it then follows the global one)");
  json(config);
  config->callback([a] { Config(*a); });
  (void)g;
}

}  // namespace kappa::cli
