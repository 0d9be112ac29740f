// Private to the message browser (routes_messages.cc): reading a page of messages from one
// partition or all of a topic, from a position per partition, with an optional filter, in a
// bounded scan. Pure over KafkaSource, so gtests drive it with a fake.
//
// Paging: the cursor is every partition's next offset ("0:17,1:4"), so a page continues
// exactly where the last one stopped in each partition, whatever the merge order. Within a
// page messages of all partitions are merged by timestamp (then partition, offset).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "console/console.h"

namespace kappa::console::kafka_internal {

using Positions = std::vector<std::pair<int32_t, int64_t>>;  // (partition, next offset)

// "0:17,1:4" <-> positions. InvalidArgument for a malformed cursor.
std::string FormatCursor(const Positions& p);
Result<Positions> ParseCursor(std::string_view cursor);

struct ScanRequest {
  std::string topic;
  Positions from;  // where to read in each partition (offsets are clamped to what is stored)
  size_t limit = 50;
  // At most this many records are examined in all (a filter that matches nothing stops
  // there and returns a cursor to continue from).
  size_t max_scan = 10000;
  // The newest `limit` of what was read instead of the oldest (the browser's "end").
  bool newest = false;
  std::function<bool(const Message&)> match;  // null: every record
};

struct ScanResult {
  std::vector<Message> items;
  Positions next;          // where the next page starts
  size_t scanned = 0;      // records examined
  bool exhausted = false;  // every partition was read to its end offset
};

Result<ScanResult> ScanMessages(const KafkaSource& source, const ScanRequest& request);

}  // namespace kappa::console::kafka_internal
