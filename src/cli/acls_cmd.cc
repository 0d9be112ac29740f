// kappa acls list | add | remove: the ACLs of a data directory (DATA_DIR/security/acls,
// security::Authorizer), as Kafka's kafka-acls.sh manages them: one command for topics,
// consumer groups, the cluster, transactional ids and CQL keyspaces/tables. The same ACLs
// are what Kafka's CreateAcls/DescribeAcls/DeleteAcls and CQL's GRANT/REVOKE/LIST PERMISSIONS
// change and show. Works beside a running kappa up (which re-reads the file within a
// second); never takes the data directory's lock.
#include <fmt/format.h>

#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "common/strings.h"
#include "security/security.h"

namespace kappa::cli {
namespace {

struct AclsArgs {
  SecurityDirArgs where;
  std::vector<std::string> allow_principals, deny_principals;
  std::string principal;  // list/remove filter
  std::vector<std::string> operations;
  std::vector<std::string> hosts;
  std::string topic, group, transactional_id, keyspace, table;
  bool cluster = false;
  std::string pattern = "literal";
  bool json = false;
};

void AddLocation(CLI::App* cmd, AclsArgs* a) { AddSecurityDirOptions(cmd, &a->where, "ACLs"); }

void AddResource(CLI::App* cmd, AclsArgs* a) {
  cmd->add_option("--topic", a->topic, "A topic name (or * for every topic)");
  cmd->add_option("--group", a->group, "A consumer group id (or *)");
  cmd->add_option("--transactional-id", a->transactional_id, "A transactional id (or *)");
  cmd->add_flag("--cluster", a->cluster, "The cluster (kafka-cluster)");
  cmd->add_option("--keyspace", a->keyspace, "A CQL keyspace (or * for ALL KEYSPACES)");
  cmd->add_option("--table", a->table, "A CQL table as KEYSPACE.TABLE");
  cmd->add_option("--resource-pattern-type", a->pattern,
                  "literal or prefixed (names starting with the given one); Kafka resources only")
      ->capture_default_str();
}

std::shared_ptr<security::Authorizer> OpenAcls(const CLI::App* cmd, const AclsArgs& a) {
  auto acls = security::Authorizer::Open(SecurityDirOf(cmd, a.where), {});
  if (!acls.ok()) Fail(acls.status());
  return std::move(acls).value();
}

std::string WithUserPrefix(const std::string& p) {
  return p.find(':') == std::string::npos ? "User:" + p : p;
}

// The one resource the flags name; `required`: exactly one must be given.
struct AclResource {
  security::ResourceType type = security::ResourceType::kAny;
  std::string name;
  security::PatternType pattern = security::PatternType::kAny;
};

AclResource ResourceOf(const AclsArgs& a, bool required) {
  std::vector<AclResource> given;
  if (!a.topic.empty()) given.push_back({security::ResourceType::kTopic, a.topic});
  if (!a.group.empty()) given.push_back({security::ResourceType::kGroup, a.group});
  if (!a.transactional_id.empty()) {
    given.push_back({security::ResourceType::kTransactionalId, a.transactional_id});
  }
  if (a.cluster) {
    given.push_back({security::ResourceType::kCluster, std::string(security::kClusterResourceName)});
  }
  if (!a.keyspace.empty()) given.push_back({security::ResourceType::kKeyspace, a.keyspace});
  if (!a.table.empty()) {
    if (a.table.find('.') == std::string::npos) Fail("--table expects KEYSPACE.TABLE", 2);
    given.push_back({security::ResourceType::kKeyspace, a.table});
  }
  if (given.size() > 1) {
    Fail("name one resource: --topic, --group, --transactional-id, --cluster, --keyspace or "
         "--table", 2);
  }
  if (given.empty()) {
    if (required) {
      Fail("which resource? add --topic, --group, --transactional-id, --cluster, --keyspace "
           "or --table", 2);
    }
    return {};
  }
  AclResource r = given[0];
  r.pattern = security::ParsePatternType(a.pattern);
  if (r.pattern != security::PatternType::kLiteral &&
      r.pattern != security::PatternType::kPrefixed) {
    Fail("--resource-pattern-type must be literal or prefixed", 2);
  }
  return r;
}

std::vector<security::AclOperation> OperationsOf(const AclsArgs& a, bool required) {
  std::vector<security::AclOperation> ops;
  for (const auto& o : a.operations) {
    std::string u(o);
    for (char& c : u) c = c == '-' ? '_' : char(std::toupper(uint8_t(c)));
    auto op = security::ParseAclOperation(u);
    if (op == security::AclOperation::kUnknown || op == security::AclOperation::kAny) {
      Fail(fmt::format("--operation {}: not an operation (Read, Write, Create, Delete, Alter, "
                       "Describe, ClusterAction, DescribeConfigs, AlterConfigs, "
                       "IdempotentWrite, All; for CQL Select, Modify, Drop, Authorize)",
                       o), 2);
    }
    ops.push_back(op);
  }
  if (ops.empty() && required) Fail("which operations? add --operation (repeatable)", 2);
  return ops;
}

void PrintAcls(const std::vector<security::AclBinding>& acls, bool json) {
  if (json) {
    std::string out = "[";
    for (size_t i = 0; i < acls.size(); ++i) {
      const auto& b = acls[i];
      out += fmt::format(
          "{}{{\"resource_type\":\"{}\",\"resource_name\":\"{}\",\"pattern_type\":\"{}\","
          "\"principal\":\"{}\",\"host\":\"{}\",\"operation\":\"{}\",\"permission\":\"{}\"}}",
          i ? "," : "", security::Name(b.resource_type), EscapeLine(b.resource_name),
          security::Name(b.pattern_type), EscapeLine(b.principal), EscapeLine(b.host),
          security::Name(b.operation), security::Name(b.permission));
    }
    std::cout << out << "]\n";
    return;
  }
  if (acls.empty()) {
    std::cout << "no ACLs\n";
    return;
  }
  for (const auto& b : acls) std::cout << b.ToString() << "\n";
}

}  // namespace

void RegisterAclsCommands(CLI::App& app, const Groups&) {
  auto* acls = app.add_subcommand(
      "acls",
      "ACLs of a data directory (who may read, write, create, delete or describe topics, "
      "groups and keyspaces), as kafka-acls.sh manages them; enforced with "
      "security.acls.enabled, seen by a running kappa up within a second");
  acls->require_subcommand(1);
  acls->footer(
      "Examples:\n"
      "  kappa acls add --allow-principal User:alice --operation Read --operation Describe "
      "--topic users_created\n"
      "  kappa acls add --allow-principal User:alice --operation Read --group app- "
      "--resource-pattern-type prefixed\n"
      "  kappa acls add --allow-principal User:alice --operation Select --keyspace spark_streams\n"
      "  kappa acls list --principal User:alice\n"
      "  kappa acls remove --principal User:alice --topic users_created");
  auto a = std::make_shared<AclsArgs>();

  auto* add = acls->add_subcommand("add", "Add ALLOW or DENY ACLs on one resource");
  AddLocation(add, a.get());
  AddResource(add, a.get());
  add->add_option("--allow-principal", a->allow_principals,
                  "Principal to allow, User:NAME or User:* (repeatable)");
  add->add_option("--deny-principal", a->deny_principals,
                  "Principal to deny (repeatable); a DENY wins over any ALLOW");
  add->add_option("--operation", a->operations, "Operation (repeatable), e.g. Read, Write, All");
  add->add_option("--host", a->hosts, "Client address the ACL applies to (default: any)");
  add->callback([a, add] {
    AclResource r = ResourceOf(*a, true);
    auto ops = OperationsOf(*a, true);
    if (a->allow_principals.empty() && a->deny_principals.empty()) {
      Fail("whom? add --allow-principal or --deny-principal", 2);
    }
    std::vector<std::string> hosts = a->hosts.empty() ? std::vector<std::string>{"*"} : a->hosts;
    std::vector<security::AclBinding> out;
    auto emit = [&](const std::string& who, security::AclPermission perm) {
      for (auto op : ops) {
        for (const auto& h : hosts) {
          security::AclBinding b;
          b.resource_type = r.type;
          b.resource_name = r.name;
          b.pattern_type = r.pattern;
          b.principal = WithUserPrefix(who);
          b.host = h;
          b.operation = op;
          b.permission = perm;
          out.push_back(std::move(b));
        }
      }
    };
    for (const auto& p : a->allow_principals) emit(p, security::AclPermission::kAllow);
    for (const auto& p : a->deny_principals) emit(p, security::AclPermission::kDeny);
    Check(OpenAcls(add, *a)->Add(out));
    for (const auto& b : out) std::cout << "added " << b.ToString() << "\n";
  });

  auto filter_of = [](const AclsArgs& args) {
    security::AclFilter f;
    AclResource r = ResourceOf(args, false);
    f.resource_type = r.type;
    if (r.type != security::ResourceType::kAny) {
      f.resource_name = r.name;
      f.pattern_type = r.pattern;
    }
    if (!args.principal.empty()) f.principal = WithUserPrefix(args.principal);
    auto ops = OperationsOf(args, false);
    if (ops.size() > 1) Fail("list/remove take at most one --operation", 2);
    if (!ops.empty()) f.operation = ops[0];
    if (!args.hosts.empty()) f.host = args.hosts[0];
    return f;
  };

  auto* list = acls->add_subcommand("list", "List ACLs (all, or those the filters match)");
  AddLocation(list, a.get());
  AddResource(list, a.get());
  list->add_option("--principal", a->principal, "Only this principal's ACLs");
  list->add_option("--operation", a->operations, "Only this operation");
  list->add_flag("--json", a->json, "Print a JSON array");
  list->callback([a, list, filter_of] {
    PrintAcls(OpenAcls(list, *a)->List(filter_of(*a)), a->json);
  });

  auto* remove = acls->add_subcommand("remove", "Remove the ACLs the filters match");
  AddLocation(remove, a.get());
  AddResource(remove, a.get());
  remove->add_option("--principal", a->principal, "Only this principal's ACLs");
  remove->add_option("--operation", a->operations, "Only this operation");
  remove->add_option("--host", a->hosts, "Only ACLs for this client address");
  remove->callback([a, remove, filter_of] {
    security::AclFilter f = filter_of(*a);
    if (f.resource_type == security::ResourceType::kAny && !f.principal) {
      Fail("remove needs a resource or --principal (refusing to remove every ACL)", 2);
    }
    auto removed = OpenAcls(remove, *a)->Remove(f);
    Check(removed.status());
    for (const auto& b : *removed) std::cout << "removed " << b.ToString() << "\n";
    if (removed->empty()) std::cout << "no ACLs matched\n";
  });
}

}  // namespace kappa::cli
