// libFuzzer target: arbitrary bytes as a produced record set. Exercises batch validation
// (framing, magic, CRC, record decoding and decompression) and the legacy message-set
// conversions both ways. Must never crash or read out of bounds.
#include <cstdint>
#include <string>

#include "kafka/legacy_message_set.h"
#include "log/record_batch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kappa;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // As v2 batches: parse every batch the bytes claim to hold.
  size_t pos = 0;
  while (pos < in.size()) {
    auto h = log::ParseBatchHeader(in.substr(pos));
    if (!h.ok() || h->size_bytes() > in.size() - pos) break;
    auto view = log::RecordBatchView::Parse(in.substr(pos, h->size_bytes()));
    if (view.ok()) {
      (void)view->ForEachRecord([](const log::RecordView& r) { return true; });
    }
    pos += h->size_bytes();
  }
  (void)kafka::DownConvertToMessageSet(in, 1);
  // As a magic 0/1 message set (Produce v0..2).
  auto v2 = kafka::ConvertLegacyMessageSet(in, 0);
  if (v2.ok()) {
    auto view = log::RecordBatchView::Parse(*v2);
    if (!view.ok()) __builtin_trap();  // our own conversion must produce a valid batch
    (void)kafka::DownConvertToMessageSet(*v2, 0);
  }
  return 0;
}
