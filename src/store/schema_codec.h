// Persistent form of schemas and store metadata in the RocksDB default column family
// (docs/formats/store.md, "Metadata"). Internal to src/store.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "store/schema.h"

namespace kappa::store::meta {

// Keys of the default column family. 0x01 = store metadata, 0x02 = user meta (PutMeta).
inline constexpr char kKeyspacePrefix[] = "\x01ks:";
inline constexpr char kTablePrefix[] = "\x01tb:";
inline constexpr char kSchemaVersionKey[] = "\x01schema_version";
inline constexpr char kNextStorageIdKey[] = "\x01next_storage_id";
inline constexpr char kFormatKey[] = "\x01format";
inline constexpr char kUserMetaPrefix = '\x02';

std::string KeyspaceKey(std::string_view keyspace);
std::string TableKey(std::string_view keyspace, std::string_view table);
std::string UserMetaKey(std::string_view key);

std::string EncodeKeyspace(const KeyspaceSchema& ks);
Result<KeyspaceSchema> DecodeKeyspace(std::string_view in);
std::string EncodeTable(const TableSchema& t);
// Decodes and re-validates (Finish) a table schema.
Result<TableSchema> DecodeTable(std::string_view in);

}  // namespace kappa::store::meta
