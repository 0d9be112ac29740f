// Fetch (key 1), versions 0..11 (non-flexible), served from the segment bytes as stored.
//   request  replica_id, max_wait_ms, min_bytes, v3+ max_bytes, v4+ isolation_level,
//            v7+ session_id, session_epoch, topics[topic, partitions[partition,
//            v9+ current_leader_epoch, fetch_offset, v5+ log_start_offset,
//            partition_max_bytes]], v7+ forgotten_topics_data[topic, partitions], v11+ rack_id
//   response v1+ throttle_time_ms, v7+ error_code, session_id, responses[topic, partitions[
//            partition_index, error_code, high_watermark, v4+ last_stable_offset,
//            v5+ log_start_offset, v4+ aborted_transactions, v11+ preferred_read_replica,
//            records]]
// Long poll: if fewer than min_bytes are available the request waits (append listeners on
// every requested partition, plus a max_wait_ms timer) and is answered as soon as enough
// data arrived or the wait ended. Limits: whole batches only; a partition gets at most
// partition_max_bytes and the response at most max_bytes, except that the first batch of the
// first non-empty partition is always returned whole (KIP-74), so a large batch never stalls
// a consumer. Fetch sessions (KIP-227) are not kept: session_id is always 0, every response
// is full. ACLs: READ on the topic, else TOPIC_AUTHORIZATION_FAILED for its partitions
// (answered at once, as any error). v0..3 fetchers get the batches down-converted to magic 0/1 message sets.
#include <algorithm>

#include "common/coding.h"
#include "kafka/handlers/handlers.h"
#include "kafka/legacy_message_set.h"

namespace kappa::kafka {

namespace {

constexpr int32_t kMaxWaitCapMs = 60'000;

struct PartitionRequest {
  int32_t index;
  int64_t fetch_offset;
  int32_t max_bytes;
};
struct TopicRequest {
  std::string name;
  bool authorized = true;  // READ on the topic; else TOPIC_AUTHORIZATION_FAILED
  std::vector<PartitionRequest> partitions;
};

// Longest prefix of whole batches in `bytes` within `limit` (at least one batch if
// allow_oversize). Returns its length.
size_t WholeBatchPrefix(std::string_view bytes, size_t limit, bool allow_oversize) {
  size_t taken = 0;
  while (taken < bytes.size()) {
    auto h = log::ParseBatchHeader(bytes.substr(taken));
    if (!h.ok()) break;
    size_t size = h->size_bytes();
    if (size > bytes.size() - taken) break;
    if (taken + size > limit && !(taken == 0 && allow_oversize)) break;
    taken += size;
  }
  return taken;
}

class FetchOp : public std::enable_shared_from_this<FetchOp> {
 public:
  FetchOp(RequestContext& ctx, Responder respond)
      : broker_(ctx.broker), version_(ctx.api_version), flexible_(ctx.flexible),
        scheduler_(ctx.scheduler), respond_(std::move(respond)) {}
  ~FetchOp() {
    RemoveListeners();
    GiveBack();
  }

  int32_t max_wait_ms = 0;
  int32_t min_bytes = 0;
  int32_t max_bytes = INT32_MAX;
  std::vector<TopicRequest> topics;

  void Start() {
    size_t bytes = 0;
    bool error = false;
    std::string body = Build(&bytes, &error);
    if (error || int64_t(bytes) >= min_bytes || max_wait_ms <= 0 || !scheduler_) {
      Complete(std::move(body));
      return;
    }
    GiveBack();
    std::weak_ptr<FetchOp> weak = weak_from_this();
    std::weak_ptr<Scheduler> sched = scheduler_;
    for (const auto& t : topics) {
      for (const auto& p : t.partitions) {
        auto part = broker_->log().GetPartition(t.name, PartitionId(p.index));
        if (!part.ok()) continue;
        uint64_t id = (*part)->AddListener([weak, sched](Offset) {
          if (auto s = sched.lock()) {
            s->Post([weak] {
              if (auto op = weak.lock()) op->Retry(false);
            });
          }
        });
        listeners_.push_back({t.name, p.index, *part, id});
      }
    }
    auto self = shared_from_this();
    scheduler_->RunAfter(max_wait_ms, [self] { self->Retry(true); });
  }

 private:
  struct Listener {
    std::string topic;
    int32_t partition;
    log::Partition* p;
    uint64_t id;
  };

  void Retry(bool final) {
    if (done_) return;
    size_t bytes = 0;
    bool error = false;
    std::string body = Build(&bytes, &error);
    if (final || error || int64_t(bytes) >= min_bytes) {
      Complete(std::move(body));
    } else {
      GiveBack();
    }
  }

  // The record bytes of an answer, held from the broker's fetch budget until it is written.
  struct BudgetShare {
    ByteBudget* budget;
    uint64_t bytes;
    ~BudgetShare() { budget->Give(bytes); }
  };

  void Complete(std::string body) {
    if (done_) return;
    done_ = true;
    RemoveListeners();
    std::shared_ptr<void> hold;
    if (charged_ > 0) {
      hold = std::make_shared<BudgetShare>(BudgetShare{&broker_->fetch_budget(), charged_});
      charged_ = 0;
    }
    respond_.Send(std::move(body), std::move(errors_), std::move(hold));
  }

  // An answer built and not sent (still short of min_bytes): its budget goes back.
  void GiveBack() {
    if (charged_ > 0) broker_->fetch_budget().Give(charged_);
    charged_ = 0;
  }

  void RemoveListeners() {
    // Partition pointers stay valid until the Log closes, even if the topic was deleted
    // meanwhile (log.h), and the server stops before its Log closes.
    for (const auto& l : listeners_) l.p->RemoveListener(l.id);
    listeners_.clear();
  }

  // Appends one partition's response. The record bytes are read from the log straight into
  // the response buffer (v4+): the fixed-size fields before them are written as
  // placeholders first and patched once the read has told the watermarks and the error.
  void AppendPartition(Writer& w, const TopicRequest& t, const PartitionRequest& pr,
                       size_t* total, size_t* remaining, bool* error) {
    const std::string& topic = t.name;
    const int16_t v = version_;
    std::string& buf = w.buffer();
    w.Int32(pr.index);
    const size_t fields = buf.size();  // error_code, high_watermark, ...
    w.Int16(0);
    w.Int64(-1);
    if (v >= 4) {
      w.Int64(-1);               // last_stable_offset (= high watermark: no transactions)
      if (v >= 5) w.Int64(-1);   // log_start_offset
      w.ArrayLength(0);          // aborted_transactions
    }
    if (v >= 11) w.Int32(-1);  // preferred_read_replica
    const size_t len_at = buf.size();
    w.Int32(0);  // records length, patched below
    const size_t data_at = buf.size();

    ErrorCode err = ErrorCode::kNone;
    int64_t hw = -1, start = -1;
    auto part = t.authorized ? broker_->log().GetPartition(topic, PartitionId(pr.index))
                             : Result<log::Partition*>(Status::NotFound(topic));
    if (!t.authorized) {
      err = ErrorCode::kTopicAuthorizationFailed;
    } else if (!part.ok()) {
      err = ErrorCode::kUnknownTopicOrPartition;
    } else {
      log::Partition* p = *part;
      hw = p->EndOffset().value();
      start = p->StartOffset().value();
      if (pr.fetch_offset < start || pr.fetch_offset > hw) {
        err = ErrorCode::kOffsetOutOfRange;
      } else if (pr.fetch_offset < hw && pr.max_bytes > 0) {
        size_t limit = std::min(size_t(pr.max_bytes), *remaining);
        auto r = p->ReadAppend(Offset(pr.fetch_offset), std::max<size_t>(limit, 1), &buf);
        if (!r.ok()) {
          err = r.status().IsOutOfRange() ? ErrorCode::kOffsetOutOfRange
                                          : ErrorCode::kCorruptMessage;
        } else {
          hw = r->high_watermark.value();
          start = r->start_offset.value();
          std::string_view read(buf.data() + data_at, buf.size() - data_at);
          buf.resize(data_at + WholeBatchPrefix(read, limit, *total == 0));
        }
      }
    }
    if (v <= 3 && buf.size() > data_at) {
      auto c = DownConvertToMessageSet(std::string_view(buf).substr(data_at), v <= 1 ? 0 : 1);
      buf.resize(data_at);
      if (c.ok()) {
        buf.append(*c);
      } else {
        err = ErrorCode::kCorruptMessage;
      }
    }
    if (err != ErrorCode::kNone) {
      *error = true;  // answer errors without waiting
      buf.resize(data_at);
    }
    const size_t n = buf.size() - data_at;
    *total += n;
    *remaining = n >= *remaining ? 0 : *remaining - n;
    char* f = buf.data() + fields;
    coding::PutBE16(f, uint16_t(Code(err)));
    w.CountError(err);
    coding::PutBE64(f + 2, uint64_t(hw));
    if (v >= 4) {
      coding::PutBE64(f + 10, uint64_t(hw));
      if (v >= 5) coding::PutBE64(f + 18, uint64_t(start));
    }
    coding::PutBE32(buf.data() + len_at, uint32_t(n));
  }

  std::string Build(size_t* total, bool* error) {
    const int16_t v = version_;
    Writer w(flexible_);
    if (v >= 1) w.Int32(0);  // throttle_time_ms
    if (v >= 7) {
      w.Int16(0);
      w.Int32(0);  // session_id: sessions are not kept
    }
    w.ArrayLength(int32_t(topics.size()));
    // What the answer may hold: the client's max_bytes, at most the broker's fetch_max_bytes,
    // and only what is free of the broker's fetch budget (none free: the first batch alone,
    // which AppendPartition returns whatever the limit).
    const uint64_t wanted = std::min<uint64_t>(uint64_t(std::max(max_bytes, 0)),
                                               broker_->config().fetch_max_bytes);
    const uint64_t granted = broker_->fetch_budget().TakeUpTo(wanted);
    size_t remaining = size_t(granted);
    for (const auto& t : topics) {
      w.String(t.name);
      w.ArrayLength(int32_t(t.partitions.size()));
      for (const auto& pr : t.partitions) {
        AppendPartition(w, t, pr, total, &remaining, error);
      }
    }
    // Keep what the records took of the grant (a first batch beyond it is not charged:
    // one batch per answer at most).
    charged_ = std::min<uint64_t>(*total, granted);
    if (granted > charged_) broker_->fetch_budget().Give(granted - charged_);
    errors_ = w.TakeErrors();
    return w.Take();
  }

  Broker* broker_;
  int16_t version_;
  bool flexible_;
  std::shared_ptr<Scheduler> scheduler_;
  Responder respond_;
  bool done_ = false;
  std::vector<Listener> listeners_;
  ErrorTally errors_;  // of the body Build made last
  uint64_t charged_ = 0;  // of the broker's fetch budget, by the body Build made last
};

}  // namespace

static void HandleFetch(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  in.Int32();  // replica_id
  int32_t max_wait_ms = std::clamp(in.Int32(), 0, kMaxWaitCapMs);
  int32_t min_bytes = in.Int32();
  int32_t max_bytes = INT32_MAX;
  if (v >= 3) max_bytes = in.Int32();
  if (v >= 4) in.Int8();  // isolation_level: no transactions, both levels read the same
  if (v >= 7) {
    in.Int32();  // session_id
    in.Int32();  // session_epoch
  }
  std::vector<TopicRequest> topics;
  int32_t nt = in.ArrayLength(6);
  for (int32_t t = 0; t < nt && in.ok(); ++t) {
    TopicRequest tr;
    tr.name = std::string(in.String());
    tr.authorized = TopicAuthorized(ctx, security::AclOperation::kRead, tr.name);
    int32_t np = in.ArrayLength(16);
    for (int32_t i = 0; i < np && in.ok(); ++i) {
      PartitionRequest pr;
      pr.index = in.Int32();
      if (v >= 9) in.Int32();  // current_leader_epoch
      pr.fetch_offset = in.Int64();
      if (v >= 5) in.Int64();  // log_start_offset (followers only)
      pr.max_bytes = in.Int32();
      tr.partitions.push_back(pr);
    }
    topics.push_back(std::move(tr));
  }
  if (v >= 7) {
    int32_t nf = in.ArrayLength(6);
    for (int32_t i = 0; i < nf && in.ok(); ++i) {
      in.String();
      int32_t np = in.ArrayLength(4);
      for (int32_t j = 0; j < np && in.ok(); ++j) in.Int32();
    }
  }
  if (v >= 11) in.String();  // rack_id
  if (!in.ok()) {
    respond.Close("malformed Fetch request");
    return;
  }
  auto op = std::make_shared<FetchOp>(ctx, std::move(respond));
  op->max_wait_ms = max_wait_ms;
  op->min_bytes = min_bytes;
  op->max_bytes = max_bytes;
  op->topics = std::move(topics);
  op->Start();
}

const ApiSpec kFetchApi = {1, "Fetch", 0, 11, kNeverFlexible, &HandleFetch};

}  // namespace kappa::kafka
