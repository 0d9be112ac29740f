// The schema catalog: DDL, persistence of schemas (schema_codec.h), listing and listeners.
#include <algorithm>

#include "common/coding.h"
#include "common/logging.h"
#include "store/key_codec.h"
#include "store/schema_codec.h"
#include "store/store_impl.h"

namespace kappa::store {
namespace {

std::string QualifiedName(std::string_view ks, std::string_view t) {
  return std::string(ks) + "." + std::string(t);
}

}  // namespace

void StoreImpl::TableMapKey(std::string_view ks, std::string_view t, std::string* out) {
  out->assign(ks);
  out->push_back('\0');
  out->append(t);
}

std::string StoreImpl::TableMapKey(std::string_view ks, std::string_view t) {
  std::string k;
  TableMapKey(ks, t, &k);
  return k;
}

Status StoreImpl::LoadCatalog() {
  std::map<std::string, KeyspaceSchema> keyspaces;
  std::map<std::string, std::shared_ptr<const TableSchema>> tables;
  std::unordered_set<uint32_t> live;
  Uuid version;
  uint32_t next_sid = 1;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), meta_cf_));
  for (it->Seek(meta::kKeyspacePrefix); it->Valid() && it->key().starts_with(meta::kKeyspacePrefix);
       it->Next()) {
    auto ks = meta::DecodeKeyspace({it->value().data(), it->value().size()});
    if (!ks.ok()) return ks.status().WithContext("table store " + db_path_);
    keyspaces[ks->name] = *ks;
  }
  for (it->Seek(meta::kTablePrefix); it->Valid() && it->key().starts_with(meta::kTablePrefix);
       it->Next()) {
    auto t = meta::DecodeTable({it->value().data(), it->value().size()});
    if (!t.ok()) return t.status().WithContext("table store " + db_path_);
    live.insert(t->storage_id);
    std::string k = TableMapKey(t->keyspace, t->name);
    tables[k] = std::make_shared<const TableSchema>(std::move(*t));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "load schemas"));
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_cf_, meta::kSchemaVersionKey, &v);
  if (s.ok() && v.size() == 16) std::memcpy(version.bytes.data(), v.data(), 16);
  s = db_->Get(rocksdb::ReadOptions(), meta_cf_, meta::kNextStorageIdKey, &v);
  if (s.ok() && v.size() == 4) next_sid = coding::GetBE32(v.data());

  WriterMutexLock lock(schema_mu_);
  keyspaces_ = std::move(keyspaces);
  tables_ = std::move(tables);
  live_storage_ids_ = std::move(live);
  schema_version_ = version;
  next_storage_id_ = next_sid;
  return Status::OK();
}

Status StoreImpl::CommitDdl(rocksdb::WriteBatch* wb, const std::function<void()>& apply,
                            const SchemaChange& change) {
  Uuid v = Uuid::Random();
  wb->Put(meta_cf_, meta::kSchemaVersionKey,
          rocksdb::Slice(reinterpret_cast<const char*>(v.bytes.data()), 16));
  {
    WriterMutexLock lock(schema_mu_);
    rocksdb::WriteOptions wo;
    wo.sync = true;  // schema changes are rare and must survive a power loss
    RETURN_IF_ERROR(FromRocks(db_->Write(wo, wb), "schema change"));
    apply();
    schema_version_ = v;
  }
  Notify(change);
  return Status::OK();
}

void StoreImpl::Notify(const SchemaChange& c) {
  std::vector<SchemaListener> ls;
  {
    MutexLock lock(listeners_mu_);
    for (auto& [id, l] : listeners_) ls.push_back(l);
  }
  for (auto& l : ls) l(c);
}

Status StoreImpl::DeleteTableRows(uint32_t storage_id, rocksdb::WriteBatch* wb) {
  std::string from, to;
  keys::AppendTableId(storage_id, &from);
  keys::AppendTableId(storage_id + 1, &to);
  return FromRocks(wb->DeleteRange(rows_cf_, from, to), "delete table rows");
}

Status StoreImpl::CreateKeyspace(const KeyspaceSchema& ks, bool if_not_exists) {
  RETURN_IF_ERROR(Writable());
  if (!IsValidName(ks.name)) {
    return Status::InvalidArgument("bad keyspace name '" + ks.name +
                                   "': names are 1-48 letters, digits or underscores");
  }
  MutexLock ddl(ddl_mu_);
  {
    ReaderMutexLock lock(schema_mu_);
    if (keyspaces_.count(ks.name)) {
      if (if_not_exists) return Status::OK();
      return Status::AlreadyExists("keyspace '" + ks.name + "' already exists");
    }
  }
  rocksdb::WriteBatch wb;
  wb.Put(meta_cf_, meta::KeyspaceKey(ks.name), meta::EncodeKeyspace(ks));
  return CommitDdl(&wb, [&]() REQUIRES(schema_mu_) { keyspaces_[ks.name] = ks; },
                   {SchemaChangeType::kCreated, SchemaTarget::kKeyspace, ks.name, ""});
}

Status StoreImpl::DropKeyspace(std::string_view keyspace, bool if_exists) {
  RETURN_IF_ERROR(Writable());
  MutexLock ddl(ddl_mu_);
  rocksdb::WriteBatch wb;
  std::vector<std::string> dropped;
  {
    ReaderMutexLock lock(schema_mu_);
    if (!keyspaces_.count(std::string(keyspace))) {
      if (if_exists) return Status::OK();
      return Status::NotFound("keyspace '" + std::string(keyspace) + "' does not exist");
    }
    for (const auto& [k, t] : tables_) {
      if (t->keyspace != keyspace) continue;
      RETURN_IF_ERROR(DeleteTableRows(t->storage_id, &wb));
      wb.Delete(meta_cf_, meta::TableKey(t->keyspace, t->name));
      dropped.push_back(k);
    }
  }
  wb.Delete(meta_cf_, meta::KeyspaceKey(keyspace));
  std::string ks(keyspace);
  return CommitDdl(
      &wb,
      [&]() REQUIRES(schema_mu_) {
        for (const auto& k : dropped) {
          live_storage_ids_.erase(tables_[k]->storage_id);
          tables_.erase(k);
        }
        keyspaces_.erase(ks);
      },
      {SchemaChangeType::kDropped, SchemaTarget::kKeyspace, ks, ""});
}

Status StoreImpl::CreateTable(const TableSchema& schema, bool if_not_exists) {
  RETURN_IF_ERROR(Writable());
  TableSchema t = schema;
  RETURN_IF_ERROR(t.Finish());
  MutexLock ddl(ddl_mu_);
  uint32_t sid;
  {
    ReaderMutexLock lock(schema_mu_);
    if (!keyspaces_.count(t.keyspace)) {
      return Status::NotFound("keyspace '" + t.keyspace + "' does not exist");
    }
    if (tables_.count(TableMapKey(t.keyspace, t.name))) {
      if (if_not_exists) return Status::OK();
      return Status::AlreadyExists("table " + QualifiedName(t.keyspace, t.name) +
                                   " already exists");
    }
    sid = next_storage_id_;
  }
  if (t.id == Uuid()) t.id = Uuid::Random();
  t.storage_id = sid;
  uint32_t next_col = 1;
  for (ColumnSchema& c : t.columns) c.id = next_col++;
  t.next_column_id = next_col;

  rocksdb::WriteBatch wb;
  wb.Put(meta_cf_, meta::TableKey(t.keyspace, t.name), meta::EncodeTable(t));
  std::string next;
  coding::AppendBE32(&next, sid + 1);
  wb.Put(meta_cf_, meta::kNextStorageIdKey, next);
  // Rows of a table that used this storage id before a crash would be garbage; clear the range.
  RETURN_IF_ERROR(DeleteTableRows(sid, &wb));
  auto shared = std::make_shared<const TableSchema>(std::move(t));
  return CommitDdl(
      &wb,
      [&]() REQUIRES(schema_mu_) {
        tables_[TableMapKey(shared->keyspace, shared->name)] = shared;
        live_storage_ids_.insert(sid);
        next_storage_id_ = sid + 1;
      },
      {SchemaChangeType::kCreated, SchemaTarget::kTable, shared->keyspace, shared->name});
}

Status StoreImpl::DropTable(std::string_view keyspace, std::string_view table, bool if_exists) {
  RETURN_IF_ERROR(Writable());
  MutexLock ddl(ddl_mu_);
  std::shared_ptr<const TableSchema> t;
  {
    ReaderMutexLock lock(schema_mu_);
    auto it = tables_.find(TableMapKey(keyspace, table));
    if (it == tables_.end()) {
      if (if_exists) return Status::OK();
      return Status::NotFound("table " + QualifiedName(keyspace, table) + " does not exist");
    }
    t = it->second;
  }
  rocksdb::WriteBatch wb;
  RETURN_IF_ERROR(DeleteTableRows(t->storage_id, &wb));
  wb.Delete(meta_cf_, meta::TableKey(t->keyspace, t->name));
  return CommitDdl(
      &wb,
      [&]() REQUIRES(schema_mu_) {
        tables_.erase(TableMapKey(t->keyspace, t->name));
        live_storage_ids_.erase(t->storage_id);
      },
      {SchemaChangeType::kDropped, SchemaTarget::kTable, t->keyspace, t->name});
}

Status StoreImpl::ModifyTable(std::string_view keyspace, std::string_view table,
                              const std::function<Status(TableSchema*)>& edit) {
  RETURN_IF_ERROR(Writable());
  MutexLock ddl(ddl_mu_);
  std::shared_ptr<const TableSchema> old;
  {
    ReaderMutexLock lock(schema_mu_);
    auto it = tables_.find(TableMapKey(keyspace, table));
    if (it == tables_.end()) {
      return Status::NotFound("table " + QualifiedName(keyspace, table) + " does not exist");
    }
    old = it->second;
  }
  TableSchema t = *old;
  RETURN_IF_ERROR(edit(&t));
  RETURN_IF_ERROR(t.Finish());
  rocksdb::WriteBatch wb;
  wb.Put(meta_cf_, meta::TableKey(t.keyspace, t.name), meta::EncodeTable(t));
  auto shared = std::make_shared<const TableSchema>(std::move(t));
  return CommitDdl(
      &wb,
      [&]() REQUIRES(schema_mu_) { tables_[TableMapKey(shared->keyspace, shared->name)] = shared; },
      {SchemaChangeType::kUpdated, SchemaTarget::kTable, shared->keyspace, shared->name});
}

Status StoreImpl::AlterTableAddColumn(std::string_view keyspace, std::string_view table,
                                      std::string_view column, const Type& type, bool is_static) {
  return ModifyTable(keyspace, table, [&](TableSchema* t) -> Status {
    if (t->FindColumn(column) >= 0) {
      return Status::AlreadyExists("column '" + std::string(column) + "' already exists in " +
                                   QualifiedName(keyspace, table));
    }
    ColumnSchema c;
    c.name = std::string(column);
    c.type = type;
    c.kind = is_static ? ColumnKind::kStatic : ColumnKind::kRegular;
    c.id = t->next_column_id++;
    t->columns.push_back(std::move(c));
    return Status::OK();
  });
}

Status StoreImpl::AlterTableDropColumn(std::string_view keyspace, std::string_view table,
                                       std::string_view column) {
  return ModifyTable(keyspace, table, [&](TableSchema* t) -> Status {
    int i = t->FindColumn(column);
    if (i < 0) {
      return Status::NotFound("column '" + std::string(column) + "' does not exist in " +
                              QualifiedName(keyspace, table));
    }
    if (t->columns[i].kind == ColumnKind::kPartitionKey ||
        t->columns[i].kind == ColumnKind::kClustering) {
      return Status::InvalidArgument("cannot drop primary key column '" + std::string(column) +
                                     "'");
    }
    t->columns.erase(t->columns.begin() + i);
    return Status::OK();
  });
}

Status StoreImpl::AlterTableOptions(std::string_view keyspace, std::string_view table,
                                    const std::map<std::string, std::string>& options) {
  return ModifyTable(keyspace, table, [&](TableSchema* t) {
    t->options = options;
    return Status::OK();
  });
}

Status StoreImpl::TruncateTable(std::string_view keyspace, std::string_view table) {
  RETURN_IF_ERROR(Writable());
  MutexLock ddl(ddl_mu_);
  WriterMutexLock lock(schema_mu_);  // no write may run while the range is deleted
  auto it = tables_.find(TableMapKey(keyspace, table));
  if (it == tables_.end()) {
    return Status::NotFound("table " + QualifiedName(keyspace, table) + " does not exist");
  }
  rocksdb::WriteBatch wb;
  RETURN_IF_ERROR(DeleteTableRows(it->second->storage_id, &wb));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Write(wo, &wb), "truncate " + QualifiedName(keyspace, table));
}

std::vector<KeyspaceSchema> StoreImpl::ListKeyspaces() const {
  ReaderMutexLock lock(schema_mu_);
  std::vector<KeyspaceSchema> out;
  for (const auto& [n, ks] : keyspaces_) out.push_back(ks);
  return out;
}

Result<KeyspaceSchema> StoreImpl::GetKeyspace(std::string_view keyspace) const {
  ReaderMutexLock lock(schema_mu_);
  auto it = keyspaces_.find(std::string(keyspace));
  if (it == keyspaces_.end()) {
    return Status::NotFound("keyspace '" + std::string(keyspace) + "' does not exist");
  }
  return it->second;
}

std::vector<std::shared_ptr<const TableSchema>> StoreImpl::ListTables(
    std::string_view keyspace) const {
  ReaderMutexLock lock(schema_mu_);
  std::vector<std::shared_ptr<const TableSchema>> out;
  for (const auto& [k, t] : tables_) {
    if (keyspace.empty() || t->keyspace == keyspace) out.push_back(t);
  }
  return out;
}

Result<std::shared_ptr<const TableSchema>> StoreImpl::GetTable(std::string_view keyspace,
                                                               std::string_view table) const {
  // Every statement resolves its table here: build the map key in a per-thread buffer, not
  // a fresh string (keyspace + table names are often past the small-string size).
  thread_local std::string key;
  TableMapKey(keyspace, table, &key);
  ReaderMutexLock lock(schema_mu_);
  auto it = tables_.find(key);
  if (it != tables_.end()) return it->second;
  if (!keyspaces_.count(std::string(keyspace))) {
    return Status::NotFound("keyspace '" + std::string(keyspace) + "' does not exist");
  }
  return Status::NotFound("table " + QualifiedName(keyspace, table) + " does not exist");
}

Uuid StoreImpl::SchemaVersion() const {
  ReaderMutexLock lock(schema_mu_);
  return schema_version_;
}

uint64_t StoreImpl::AddSchemaListener(SchemaListener listener) {
  MutexLock lock(listeners_mu_);
  uint64_t id = next_listener_id_++;
  listeners_[id] = std::move(listener);
  return id;
}

void StoreImpl::RemoveSchemaListener(uint64_t id) {
  MutexLock lock(listeners_mu_);
  listeners_.erase(id);
}

}  // namespace kappa::store
