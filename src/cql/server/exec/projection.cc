#include "cql/server/exec/projection.h"

#include <algorithm>
#include <cctype>

namespace kappa::cql {

using store::Type;
using store::TypeKind;
using store::Value;

std::vector<size_t> SelectStarOrder(const store::TableSchema& t) {
  std::vector<size_t> order(t.columns.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Key columns keep their position order (columns[] lists them first); then static
  // columns, then regular ones, each group by name (byte order of the UTF-8 names, as
  // Cassandra's ColumnIdentifier compares them).
  auto group = [&](size_t i) {
    switch (t.columns[i].kind) {
      case store::ColumnKind::kPartitionKey: return 0;
      case store::ColumnKind::kClustering: return 1;
      case store::ColumnKind::kStatic: return 2;
      default: return 3;
    }
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    int ga = group(a), gb = group(b);
    if (ga != gb) return ga < gb;
    if (ga < 2) return false;
    return t.columns[a].name < t.columns[b].name;
  });
  return order;
}

Outcome<Projection> BuildProjection(const SelectStmt& s, const store::TableSchema& t) {
  Projection p;
  p.json = s.json;
  auto spec = [&](std::string name, Type type) {
    p.specs.push_back({t.keyspace, t.name, std::move(name), std::move(type)});
  };
  if (s.selectors.empty()) {
    for (size_t i : SelectStarOrder(t)) {
      p.outs.push_back({Selector::Kind::kColumn, int(i), t.columns[i].name});
      spec(t.columns[i].name, t.columns[i].type);
    }
  }
  for (const auto& sel : s.selectors) {
    Projection::Out o;
    o.kind = sel.kind;
    switch (sel.kind) {
      case Selector::Kind::kColumn:
      case Selector::Kind::kCount: {
        o.column = t.FindColumn(sel.columns[0]);
        if (o.column < 0) return CqlError::Invalid("Undefined column name " + sel.columns[0]);
        const auto& col = t.columns[size_t(o.column)];
        if (sel.kind == Selector::Kind::kCount) {
          o.name = sel.alias.empty() ? "system.count(" + col.name + ")" : sel.alias;
          spec(o.name, TypeKind::kBigint);
          p.aggregate = true;
        } else {
          o.name = sel.alias.empty() ? col.name : sel.alias;
          spec(o.name, col.type);
        }
        break;
      }
      case Selector::Kind::kCountStar:
        o.name = sel.alias.empty() ? "count" : sel.alias;
        spec(o.name, TypeKind::kBigint);
        p.aggregate = true;
        break;
      case Selector::Kind::kToken: {
        if (sel.columns.size() != t.partition_key_size()) {
          return CqlError::Invalid("Invalid number of arguments in call to function system.token");
        }
        std::string args;
        for (size_t i = 0; i < sel.columns.size(); ++i) {
          if (sel.columns[i] != t.columns[i].name) {
            return CqlError::Invalid("The token function arguments must be the partition key columns, in order");
          }
          args += (i ? ", " : "") + sel.columns[i];
        }
        o.name = sel.alias.empty() ? "system.token(" + args + ")" : sel.alias;
        spec(o.name, TypeKind::kBigint);
        break;
      }
      case Selector::Kind::kWriteTime:
      case Selector::Kind::kTtl: {
        const char* fn = sel.kind == Selector::Kind::kTtl ? "ttl" : "writetime";
        const char* fn_name = sel.kind == Selector::Kind::kTtl ? "ttl" : "writeTime";
        if (sel.columns.size() != 1) {
          return CqlError::Invalid(std::string("Invalid number of arguments in call to function ") + fn);
        }
        o.column = t.FindColumn(sel.columns[0]);
        if (o.column < 0) return CqlError::Invalid("Undefined column name " + sel.columns[0]);
        const auto& col = t.columns[size_t(o.column)];
        if (size_t(o.column) < t.primary_key_size()) {
          return CqlError::Invalid(std::string("Cannot use selection function ") + fn_name +
                                   " on PRIMARY KEY part " + col.name);
        }
        if (col.type.kind == TypeKind::kCounter) {
          return CqlError::Invalid(std::string("Cannot use selection function ") + fn_name +
                                   " on counters");
        }
        o.name = sel.alias.empty() ? std::string(fn) + "(" + col.name + ")" : sel.alias;
        spec(o.name, sel.kind == Selector::Kind::kTtl ? TypeKind::kInt : TypeKind::kBigint);
        p.cell_metadata = true;
        break;
      }
    }
    p.outs.push_back(std::move(o));
  }
  if (p.json) {
    p.specs.clear();
    p.specs.push_back({t.keyspace, t.name, "[json]", TypeKind::kText});
  }
  return p;
}

Outcome<std::shared_ptr<const Projection>> ProjectionFor(const SelectStmt& s, const TablePtr& t,
                                                         const ExecContext& ctx) {
  const Prepared* p = ctx.prepared;
  if (p) {
    ReaderMutexLock lock(p->cache_mu);
    if (p->projection && p->projection->table == t) {
      // Aliasing: shares ownership of the cache entry, points at its projection.
      return std::shared_ptr<const Projection>(p->projection, &p->projection->projection);
    }
  }
  CQL_TRY(Projection built, BuildProjection(s, *t));
  auto entry = std::make_shared<const CachedProjection>(CachedProjection{t, std::move(built)});
  if (p) {
    WriterMutexLock lock(p->cache_mu);
    p->projection = entry;
  }
  return std::shared_ptr<const Projection>(entry, &entry->projection);
}

namespace {

std::string JsonKey(const std::string& name) {
  bool plain = !name.empty();
  for (char c : name) {
    if (!(std::islower(uint8_t(c)) || std::isdigit(uint8_t(c)) || c == '_')) plain = false;
  }
  std::string out = "\"";
  if (!plain) out += "\\\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  if (!plain) out += "\\\"";
  return out + "\"";
}

void EmitJson(const std::vector<std::pair<std::string, Value>>& cells, RowsResult* out) {
  std::string json = "{";
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) json += ", ";
    json += JsonKey(cells[i].first) + ": ";
    cells[i].second.AppendJson(&json);
  }
  json += "}";
  out->AppendCell(Value::Text(std::move(json)));
}

}  // namespace

Value Projection::ValueOf(const store::TableSchema& t, const store::Row& row, const Out& o) const {
  const size_t n = t.columns.size();
  switch (o.kind) {
    case Selector::Kind::kToken: {
      std::vector<Value> pk(row.begin(), row.begin() + long(t.partition_key_size()));
      return Value::Bigint(store::PartitionToken(pk));
    }
    case Selector::Kind::kWriteTime:
      return row.size() == 3 * n ? row[n + size_t(o.column)] : Value::Null();
    case Selector::Kind::kTtl:
      return row.size() == 3 * n ? row[2 * n + size_t(o.column)] : Value::Null();
    default:
      return row[size_t(o.column)];
  }
}

void Projection::Emit(const store::TableSchema& t, const store::Row& row, RowsResult* out) const {
  if (json) {
    std::vector<std::pair<std::string, Value>> cells;
    for (const auto& o : outs) cells.emplace_back(o.name, ValueOf(t, row, o));
    EmitJson(cells, out);
  } else {
    for (const auto& o : outs) {
      if (o.kind == Selector::Kind::kColumn) {
        out->AppendCell(row[size_t(o.column)]);  // the common case, without a copy
      } else {
        out->AppendCell(ValueOf(t, row, o));
      }
    }
  }
  ++out->row_count;
}

void Projection::Accumulate(const store::Row& row, AggregateState* s) const {
  if (s->counts.size() != outs.size()) s->counts.assign(outs.size(), 0);
  for (size_t i = 0; i < outs.size(); ++i) {
    if (outs[i].kind == Selector::Kind::kCount && row[size_t(outs[i].column)].is_set()) {
      ++s->counts[i];
    }
  }
  if (!s->first) s->first = row;
  ++s->rows;
}

void Projection::EmitAggregate(const store::TableSchema& t, const AggregateState& s,
                               RowsResult* out) const {
  std::vector<std::pair<std::string, Value>> cells;
  for (size_t i = 0; i < outs.size(); ++i) {
    const Out& o = outs[i];
    Value v;
    if (o.kind == Selector::Kind::kCountStar) {
      v = Value::Bigint(s.rows);
    } else if (o.kind == Selector::Kind::kCount) {
      v = Value::Bigint(i < s.counts.size() ? s.counts[i] : 0);
    } else if (s.first) {
      v = ValueOf(t, *s.first, o);
    }
    cells.emplace_back(o.name, std::move(v));
  }
  if (json) {
    EmitJson(cells, out);
  } else {
    for (const auto& [name, v] : cells) out->AppendCell(v);
  }
  ++out->row_count;
}

}  // namespace kappa::cql
