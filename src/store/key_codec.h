// Order-preserving key encoding (docs/formats/store.md, "Row keys"). Internal to src/store.
//
// Every key component is encoded so that comparing encoded bytes (memcmp, shorter first on a
// common prefix) gives CQL's order of the typed values, and so that no component's
// encoding is a prefix of another's (components are self-delimiting): a sequence of
// components then also compares component by component. A DESC clustering component has all
// of its bytes inverted, which reverses its order and keeps it self-delimiting.
//
// Row key:      [u32 storage_id][u64 token ^ 2^63][partition key components][kind][clustering]
//   kind 0x00:  the partition record (partition tombstone; static cells), no clustering
//   kind 0x01:  a row, followed by all clustering components
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/schema.h"
#include "store/types.h"

namespace kappa::store::keys {

inline constexpr char kPartitionRecord = 0x00;
inline constexpr char kRowRecord = 0x01;

// Whether values of this type can be key components (all scalars except counter; no
// collections for now).
bool IsKeyType(const Type& t);

// Appends the component; `v` must be set and valid for `t` (CheckValue).
void AppendComponent(const Type& t, const Value& v, ClusteringOrder order, std::string* out);
// Decodes one component from the front of *in and advances it. Corruption on bad bytes.
Result<Value> DecodeComponent(const Type& t, ClusteringOrder order, std::string_view* in);
// Advances *in past one component without decoding it.
Status SkipComponent(const Type& t, ClusteringOrder order, std::string_view* in);

void AppendTableId(uint32_t storage_id, std::string* out);
void AppendToken(int64_t token, std::string* out);
int64_t DecodeToken(std::string_view eight_bytes);

// The smallest string greater than every string that starts with `prefix` (prefix must not
// be all 0xff). Used as an exclusive upper bound.
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace kappa::store::keys
