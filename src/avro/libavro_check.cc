// The second opinion on a schema: libavro-c (Apache Avro's maintained C implementation,
// Debian's libavro-dev) parses it too. Our own parser is authoritative for messages; this
// catches what it might miss. Cases where libavro-c 1.11.1 departs from the spec are listed
// in README.md and kept out of its way here.
#include <avro.h>

#include "avro/internal.h"

namespace kappa::avro::internal {

namespace {

// Where libavro-c 1.11.1 departs from the specification, it is not asked: an empty union or
// enum (valid per the spec; the spec's own canonical-form tests have `[]`), and a type in the
// null namespace used inside a namespaced type (libavro-c resolves "S" in namespace "a" only
// as "a.S"; the spec and Java fall back to the null-namespace "S"). Its JSON parser
// (jansson) also refuses the string escape \u0000, common in bytes defaults.
bool LibavroAgrees(const Node* n, std::unordered_set<const Node*>& seen, bool& namespaced,
                   bool& null_space) {
  if (!seen.insert(n).second) return true;
  if ((n->type == Type::kUnion && n->branches.empty()) ||
      (n->type == Type::kEnum && n->symbols.empty())) {
    return false;
  }
  if (IsNamed(n->type)) (n->space.empty() ? null_space : namespaced) = true;
  if (n->items && !LibavroAgrees(n->items, seen, namespaced, null_space)) return false;
  for (const Node* b : n->branches) {
    if (!LibavroAgrees(b, seen, namespaced, null_space)) return false;
  }
  for (const Field& f : n->fields) {
    if (!LibavroAgrees(f.type, seen, namespaced, null_space)) return false;
  }
  return true;
}

}  // namespace

Status CheckWithLibavro(const Schema& s, std::string_view text) {
  std::unordered_set<const Node*> seen;
  bool namespaced = false, null_space = false;
  if (!LibavroAgrees(&s.root(), seen, namespaced, null_space) || (namespaced && null_space) ||
      text.find("\\u0000") != std::string_view::npos) {
    return Status::OK();
  }
  avro_schema_t schema = nullptr;
  // avro_strerror is thread-local in libavro-c, so concurrent parses do not mix messages.
  if (avro_schema_from_json_length(text.data(), text.size(), &schema) != 0) {
    return Status::InvalidArgument(std::string("libavro-c refused the schema: ") + avro_strerror());
  }
  avro_schema_decref(schema);
  return Status::OK();
}

}  // namespace kappa::avro::internal
