#include "cql/server/exec/collection_ops.h"

#include <algorithm>

namespace kappa::cql {
namespace {

using store::Type;
using store::TypeKind;
using store::Value;

std::string OpText(const Assignment& a) {
  const std::string& c = a.column;
  switch (a.op) {
    case Assignment::Op::kAdd: return c + " = " + c + " + ?";
    case Assignment::Op::kSubtract: return c + " = " + c + " - ?";
    case Assignment::Op::kPrepend: return c + " = ? + " + c;
    case Assignment::Op::kSetElement: return c + "[?] = ?";
    case Assignment::Op::kSet: break;
  }
  return c + " = ?";
}

Type SetOf(const Type& t) { return Type::Set(t); }

// The type of an assignment's right-hand side.
Type OperandType(const Assignment& a, const Type& col) {
  Type t = col.Unfrozen();
  if (a.op == Assignment::Op::kSubtract && t.kind == TypeKind::kMap) return SetOf(t.params[0]);
  return t;
}

bool Contains(const std::vector<Value>& v, const Value& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

Outcome<int64_t> ListIndex(const Value& index, size_t size) {
  int64_t i = index.as_int();
  if (i < 0 || size_t(i) >= size) {
    return CqlError::Invalid("List index " + std::to_string(i) + " out of bound, list has size " +
                             std::to_string(size));
  }
  return i;
}

}  // namespace

Outcome<std::optional<CollectionOp>> PlanCollectionAssignment(const Assignment& a, size_t column,
                                                             const store::ColumnSchema& col,
                                                             const BindValues& binds) {
  if (a.op == Assignment::Op::kSet || !col.type.is_collection()) {
    if (a.op == Assignment::Op::kSetElement) {
      return CqlError::Invalid("Invalid operation (" + OpText(a) + ") for non collection column " +
                               col.name);
    }
    if (a.op == Assignment::Op::kPrepend) {
      return CqlError::Invalid("Invalid operation (" + OpText(a) + ") for non list column " + col.name);
    }
    return std::optional<CollectionOp>();
  }
  if (col.type.frozen) {
    return CqlError::Invalid("Invalid operation (" + OpText(a) + ") for frozen collection column " +
                             col.name);
  }
  const TypeKind kind = col.type.kind;
  CollectionOp op;
  op.column = column;
  switch (a.op) {
    case Assignment::Op::kAdd:
      op.kind = CollectionOp::Kind::kAppend;
      break;
    case Assignment::Op::kSubtract:
      op.kind = CollectionOp::Kind::kRemove;
      break;
    case Assignment::Op::kPrepend:
      if (kind != TypeKind::kList) {
        return CqlError::Invalid("Invalid operation (" + OpText(a) + ") for non list column " + col.name);
      }
      op.kind = CollectionOp::Kind::kPrepend;
      break;
    case Assignment::Op::kSetElement: {
      if (kind == TypeKind::kSet) {
        return CqlError::Invalid("Invalid operation (" + OpText(a) + ") for set column " + col.name);
      }
      const Type& vt = kind == TypeKind::kMap ? col.type.params[1] : col.type.params[0];
      CQL_TRY(Value value, EvalTerm(a.value, vt, binds, col.name));
      if (kind == TypeKind::kList) {
        CQL_TRY(op.operand, EvalTerm(a.element, Type(TypeKind::kInt), binds, "idx(" + col.name + ")"));
        if (!op.operand.is_set()) return CqlError::Invalid("Invalid null value for list index");
        op.kind = value.is_set() ? CollectionOp::Kind::kSetIndex : CollectionOp::Kind::kDeleteIndex;
        op.element = std::move(value);
        return std::optional<CollectionOp>(std::move(op));
      }
      CQL_TRY(Value key, EvalTerm(a.element, col.type.params[0], binds, "key(" + col.name + ")"));
      if (!key.is_set()) return CqlError::Invalid("Invalid null value for map key");
      if (value.is_unset()) {
        op.kind = CollectionOp::Kind::kAppend;  // nothing to do: an unset operand
        return std::optional<CollectionOp>(std::move(op));
      }
      if (value.is_null()) {  // m[k] = null deletes the key
        op.kind = CollectionOp::Kind::kRemove;
        op.operand = Value::Collection(TypeKind::kSet, {std::move(key)});
      } else {
        op.kind = CollectionOp::Kind::kAppend;
        op.operand = Value::Collection(TypeKind::kMap, {std::move(key), std::move(value)});
      }
      return std::optional<CollectionOp>(std::move(op));
    }
    case Assignment::Op::kSet:
      break;
  }
  CQL_TRY(op.operand, EvalTerm(a.value, OperandType(a, col.type), binds, col.name));
  return std::optional<CollectionOp>(std::move(op));
}

Outcome<CollectionOp> PlanElementDeletion(const Term& element, size_t column,
                                          const store::ColumnSchema& col, const BindValues& binds) {
  if (!col.type.is_collection()) {
    return CqlError::Invalid("Invalid deletion operation for non collection column " + col.name);
  }
  if (col.type.frozen) {
    return CqlError::Invalid("Invalid deletion operation for frozen collection column " + col.name);
  }
  CollectionOp op;
  op.column = column;
  if (col.type.kind == TypeKind::kList) {
    op.kind = CollectionOp::Kind::kDeleteIndex;
    CQL_TRY(op.operand, EvalTerm(element, Type(TypeKind::kInt), binds, "idx(" + col.name + ")"));
    if (!op.operand.is_set()) return CqlError::Invalid("Invalid null value for list index");
    return op;
  }
  // A set element or a map key.
  CQL_TRY(Value e, EvalTerm(element, col.type.params[0], binds, col.name));
  if (!e.is_set()) {
    return CqlError::Invalid(std::string("Invalid null ") +
                             (col.type.kind == TypeKind::kMap ? "map key" : "set value"));
  }
  op.kind = CollectionOp::Kind::kRemove;
  op.operand = Value::Collection(TypeKind::kSet, {std::move(e)});
  return op;
}

Outcome<Value> ApplyCollectionOp(const Type& type, const Value& current, const CollectionOp& op) {
  std::vector<Value> elems;
  if (current.is_set()) elems = current.as_elements();
  const bool map = type.kind == TypeKind::kMap;
  switch (op.kind) {
    case CollectionOp::Kind::kAppend:
    case CollectionOp::Kind::kPrepend: {
      if (!op.operand.is_set()) return current;
      const auto& add = op.operand.as_elements();
      if (op.kind == CollectionOp::Kind::kPrepend) {
        elems.insert(elems.begin(), add.begin(), add.end());
      } else if (map) {
        // Later entries win when the store sorts the map: drop the replaced keys first.
        std::vector<Value> kept;
        for (size_t i = 0; i + 1 < elems.size(); i += 2) {
          bool replaced = false;
          for (size_t j = 0; j + 1 < add.size(); j += 2) replaced = replaced || add[j] == elems[i];
          if (!replaced) {
            kept.push_back(elems[i]);
            kept.push_back(elems[i + 1]);
          }
        }
        kept.insert(kept.end(), add.begin(), add.end());
        elems = std::move(kept);
      } else {
        elems.insert(elems.end(), add.begin(), add.end());  // sets: the store de-duplicates
      }
      break;
    }
    case CollectionOp::Kind::kRemove: {
      if (!op.operand.is_set()) return current;
      const auto& gone = op.operand.as_elements();
      std::vector<Value> kept;
      const size_t step = map ? 2 : 1;
      for (size_t i = 0; i + step - 1 < elems.size(); i += step) {
        if (Contains(gone, elems[i])) continue;
        for (size_t j = 0; j < step; ++j) kept.push_back(elems[i + j]);
      }
      elems = std::move(kept);
      break;
    }
    case CollectionOp::Kind::kSetIndex: {
      if (elems.empty()) return CqlError::Invalid("Attempted to set an element on a list which is null");
      CQL_TRY(int64_t i, ListIndex(op.operand, elems.size()));
      elems[size_t(i)] = op.element;
      break;
    }
    case CollectionOp::Kind::kDeleteIndex: {
      if (elems.empty()) {
        return CqlError::Invalid("Attempted to delete an element from a list which is null");
      }
      CQL_TRY(int64_t i, ListIndex(op.operand, elems.size()));
      elems.erase(elems.begin() + i);
      break;
    }
  }
  if (elems.empty()) return Value::Null();
  return Value::Collection(type.kind, std::move(elems));
}

std::vector<CollectionBindSpec> CollectionAssignmentSpecs(const Assignment& a,
                                                          const store::ColumnSchema& col) {
  std::vector<CollectionBindSpec> out;
  if (!col.type.is_collection()) return out;
  if (a.op == Assignment::Op::kSetElement) {
    const bool map = col.type.kind == TypeKind::kMap;
    out.push_back({&a.element, (map ? "key(" : "idx(") + col.name + ")",
                   map ? col.type.params[0] : Type(TypeKind::kInt)});
    out.push_back({&a.value, "value(" + col.name + ")", map ? col.type.params[1] : col.type.params[0]});
    return out;
  }
  if (a.op != Assignment::Op::kSet) out.push_back({&a.value, col.name, OperandType(a, col.type)});
  return out;
}

std::optional<CollectionBindSpec> ElementDeletionSpec(const Term& element,
                                                      const store::ColumnSchema& col) {
  if (!col.type.is_collection()) return std::nullopt;
  switch (col.type.kind) {
    case TypeKind::kList: return CollectionBindSpec{&element, "idx(" + col.name + ")", Type(TypeKind::kInt)};
    case TypeKind::kMap: return CollectionBindSpec{&element, "key(" + col.name + ")", col.type.params[0]};
    default: return CollectionBindSpec{&element, "value(" + col.name + ")", col.type.params[0]};
  }
}

}  // namespace kappa::cql
