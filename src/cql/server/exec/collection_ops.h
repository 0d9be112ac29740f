// In-place updates of non-frozen collections (UPDATE l = l + ?, l = ? + l, l = l - ?,
// s = s + ?, s = s - ?, m = m + ?, m = m - ?, l[i] = v, m[k] = v; DELETE l[i], s[e], m[k]).
// The store keeps a collection as one cell, so each is a read-modify-write of the row
// (Store::ModifyRows, serialized with the row's other read-modify-writes and LWTs): the
// operation is planned from the statement here and applied to the current value at write
// time (ApplyMutations). The results are Cassandra's: sets and maps stay sorted and unique,
// a collection left empty is null, list indexes out of range are errors.
#pragma once

#include <optional>

#include "cql/protocol/ast.h"
#include "cql/server/bind.h"
#include "cql/server/error.h"
#include "store/store.h"

namespace kappa::cql {

struct CollectionOp {
  enum class Kind {
    kAppend,       // list append, set union, map put (operand: a collection of the column's type)
    kPrepend,      // list prepend (operand: a list)
    kRemove,       // list/set: remove these elements; map: remove these keys (operand: a
                   // list, or a set of elements/keys)
    kSetIndex,     // list: operand = the index (int), element = the new value
    kDeleteIndex,  // list: operand = the index (int)
  };
  size_t column = 0;  // index in the table's columns
  Kind kind = Kind::kAppend;
  store::Value operand;
  store::Value element;
};

// The operation of an UPDATE assignment to a collection column; nullopt if the assignment
// is a plain `column = value`. Invalid for frozen collections (Cassandra's messages) and
// for forms the column's type does not take.
Outcome<std::optional<CollectionOp>> PlanCollectionAssignment(const Assignment& a, size_t column,
                                                             const store::ColumnSchema& col,
                                                             const BindValues& binds);
// The operation of DELETE column[element].
Outcome<CollectionOp> PlanElementDeletion(const Term& element, size_t column,
                                          const store::ColumnSchema& col, const BindValues& binds);
// The new value of the column from its current one (null when there is none). A null or
// unset operand changes nothing. Empty results are null (Cassandra has no empty non-frozen
// collections).
Outcome<store::Value> ApplyCollectionOp(const store::Type& type, const store::Value& current,
                                        const CollectionOp& op);

// Bind marker specs of the forms above (for PREPARE): element markers are named as in
// Cassandra (idx(l), key(m), value(m), value(s)).
struct CollectionBindSpec {
  const Term* term;
  std::string name;
  store::Type type;
};
std::vector<CollectionBindSpec> CollectionAssignmentSpecs(const Assignment& a,
                                                          const store::ColumnSchema& col);
std::optional<CollectionBindSpec> ElementDeletionSpec(const Term& element,
                                                      const store::ColumnSchema& col);

}  // namespace kappa::cql
