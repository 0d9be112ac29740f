#include "store/rocks_hooks.h"

#include "common/logging.h"
#include "store/row_state.h"

namespace kappa::store {
namespace {

class RowMergeOperator final : public rocksdb::MergeOperator {
 public:
  const char* Name() const override { return "kappa.RowMergeOperator"; }

  bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override {
    // A row written once and not yet compacted (the common read of fresh data): the operand
    // is already the merged state. Handing it back as is spares a decode and an encode per
    // read; its bytes are still checked when the row is decoded for the reader.
    if (in.existing_value == nullptr && in.operand_list.size() == 1) {
      out->existing_operand = in.operand_list[0];
      return true;
    }
    thread_local RowState acc, next;  // reused per thread; DecodeRowState resets `next`
    acc.Clear();
    if (in.existing_value != nullptr) {
      if (!DecodeRowState(ToView(*in.existing_value), &acc)) return Fail(in);
    }
    for (const rocksdb::Slice& op : in.operand_list) {
      if (!DecodeRowState(ToView(op), &next)) return Fail(in);
      MergeRowState(next, &acc);
    }
    out->new_value.clear();
    EncodeRowState(acc, &out->new_value);
    return true;
  }

  bool PartialMergeMulti(const rocksdb::Slice& key, const std::deque<rocksdb::Slice>& ops,
                         std::string* new_value, rocksdb::Logger*) const override {
    thread_local RowState acc, next;
    acc.Clear();
    for (const rocksdb::Slice& op : ops) {
      if (!DecodeRowState(ToView(op), &next)) return false;
      MergeRowState(next, &acc);
    }
    new_value->clear();
    EncodeRowState(acc, new_value);
    return true;
  }

  // A lone operand is already a merged state: flushes and compactions keep it as it is
  // rather than decoding and re-encoding it through PartialMergeMulti.
  bool AllowSingleOperand() const override { return false; }

 private:
  static std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
  // A merge failure surfaces as a Corruption status on the read, never as bad data.
  static bool Fail(const MergeOperationInput& in) {
    KLOG_ERROR("store: undecodable row value under key of {} bytes", in.key.size());
    return false;
  }
};

class TableInsertHintPrefix final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "kappa.TableInsertHintPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), 4);
  }
  // See rocks_hooks.h: a bare storage id (a range tombstone's bound) is out of the domain.
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() >= 12; }
};

class ExpiryCompactionFilter final : public rocksdb::CompactionFilter {
 public:
  ExpiryCompactionFilter(Clock* clock, int64_t gc_grace_s) : clock_(clock), grace_(gc_grace_s) {}
  const char* Name() const override { return "kappa.ExpiryCompactionFilter"; }

  // Called for full values only (merge operands are kept as they are).
  bool Filter(int, const rocksdb::Slice&, const rocksdb::Slice& existing, std::string* new_value,
              bool* value_changed) const override {
    thread_local RowState s;
    if (!DecodeRowState({existing.data(), existing.size()}, &s)) return false;  // keep; reads report it
    uint32_t now_s = uint32_t(clock_->NowMs() / 1000);
    if (!PurgeRowState(now_s, grace_, &s)) return false;
    if (s.Empty()) return true;  // remove the key
    new_value->clear();
    EncodeRowState(s, new_value);
    *value_changed = true;
    return false;
  }

 private:
  Clock* clock_;
  int64_t grace_;
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewRowMergeOperator() {
  return std::make_shared<RowMergeOperator>();
}

std::unique_ptr<rocksdb::CompactionFilter> NewExpiryCompactionFilter(Clock* clock,
                                                                     int64_t gc_grace_s) {
  return std::make_unique<ExpiryCompactionFilter>(clock, gc_grace_s);
}

std::shared_ptr<const rocksdb::SliceTransform> NewTableInsertHintPrefix() {
  return std::make_shared<TableInsertHintPrefix>();
}

}  // namespace kappa::store
