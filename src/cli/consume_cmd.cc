// kappa consume TOPIC: print records, one per line (values escaped so a record never spans
// lines), partition by partition, up to the end of each partition at the time of the call.
//
// Start position per partition, first match wins: --offset; the group's committed offset
// (--group); the log start (--from-beginning); otherwise the end (only new records, which a
// call that stops at the end never sees: like kafka-console-consumer without
// --from-beginning). With --follow it then waits for new records instead of exiting.
//
// With --bootstrap host:port the same happens through the Kafka protocol (a librdkafka
// consumer with explicitly assigned partitions, no group membership) against any broker:
// same start positions, same output formats, "the end" being each partition's high watermark
// when the command starts. Records of different partitions then interleave in arrival order;
// each partition's records stay in offset order. --group commits the positions (as a group
// with no active members, like `kafka-consumer-groups --reset-offsets` does).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <thread>

#include "app/app.h"
#include "cli/cli_common.h"
#include "common/env.h"
#include "cli/commands.h"
#include "cli/kafka_client.h"
#include "cli/live_metrics.h"
#include "cli/wire_decoder.h"

namespace kappa::cli {
namespace {

struct ConsumeArgs {
  std::string dir, topic, group, bootstrap;
  std::vector<int32_t> partitions;
  std::optional<int64_t> offset;
  int64_t max_messages = -1;
  bool from_beginning = false, json = false, print_key = false, print_offset = false;
  bool follow = false;
  std::string format = "auto", registry = "http://127.0.0.1:8081";
  bool registry_given = false;
  std::shared_ptr<WireDecoder> decoder;  // --format, --registry
};

// JSON string with UTF-8 kept as is; control bytes and bytes that are not valid UTF-8 become
// \u00XX (so binary values stay printable, reading each such byte as Latin-1).
void JsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(char(c));
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      switch (c) {
        case '\n': *out += "\\n"; break;
        case '\r': *out += "\\r"; break;
        case '\t': *out += "\\t"; break;
        default: *out += fmt::format("\\u{:04x}", c);
      }
      ++i;
    } else if (c < 0x80) {
      out->push_back(char(c));
      ++i;
    } else {
      int len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
      bool ok = len > 0 && i + size_t(len) <= s.size();
      for (int k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
      if (ok) {
        out->append(s.substr(i, size_t(len)));
        i += size_t(len);
      } else {
        *out += fmt::format("\\u{:04x}", c);
        ++i;
      }
    }
  }
  out->push_back('"');
}

void JsonOpt(std::string* out, const std::optional<std::string_view>& v) {
  if (v) JsonString(out, *v);
  else *out += "null";
}

// The value as --format shows it: decoded JSON (true), or as it is. A value that cannot be
// decoded is reported on stderr and shown as it is.
bool DecodeValue(const ConsumeArgs& a, int32_t partition, const log::RecordView& r,
                 std::string* json, int32_t* schema_id) {
  if (!r.value) return false;
  auto decoded = a.decoder->Decode(*r.value, json, schema_id);
  if (decoded.ok()) return *decoded;
  std::cerr << fmt::format("kappa consume: {}/{}@{}: {}\n", a.topic, partition, r.offset.value(),
                           decoded.status().message());
  return false;
}

void Format(std::string* out, const ConsumeArgs& a, int32_t partition, const log::RecordView& r) {
  std::string decoded;
  int32_t schema_id = -1;
  const bool is_decoded = DecodeValue(a, partition, r, &decoded, &schema_id);
  if (a.json) {
    *out += fmt::format("{{\"partition\": {}, \"offset\": {}, \"timestamp\": {}, \"key\": ",
                        partition, r.offset.value(), r.timestamp.value());
    JsonOpt(out, r.key);
    *out += ", \"value\": ";
    if (is_decoded) {
      *out += decoded;  // a JSON document: the record itself, not a string
      *out += fmt::format(", \"schema_id\": {}", schema_id);
    } else {
      JsonOpt(out, r.value);
    }
    if (!r.headers.empty()) {
      *out += ", \"headers\": [";
      for (size_t i = 0; i < r.headers.size(); ++i) {
        if (i) *out += ", ";
        *out += "[";
        JsonString(out, r.headers[i].key);
        *out += ", ";
        JsonOpt(out, r.headers[i].value);
        *out += "]";
      }
      *out += "]";
    }
    *out += "}\n";
    return;
  }
  if (a.print_offset) *out += fmt::format("{}:{}\t", partition, r.offset.value());
  if (a.print_key) {
    *out += r.key ? EscapeLine(*r.key) : "null";
    *out += '\t';
  }
  if (is_decoded) {
    *out += EscapeLine(decoded);
  } else {
    *out += r.value ? EscapeLine(*r.value) : "null";
  }
  *out += '\n';
}

void Flush(std::string* out) {
  if (out->empty()) return;
  if (std::fwrite(out->data(), 1, out->size(), stdout) != out->size() || std::fflush(stdout) != 0)
    Fail("writing to stdout failed");
  out->clear();
}

std::unique_ptr<app::Runtime> OpenLog(const ConsumeArgs& a) {
  // A reader without a group never takes the lock nor writes into the data directory (so
  // producers can run, and a directory owned by someone else stays untouched); --group
  // commits offsets, which needs the directory.
  if (a.group.empty() && !Env::Default()->FileExists(a.dir)) {
    Fail(fmt::format("data directory {} does not exist (pass --data-dir)", a.dir));
  }
  auto dl = OpenDataDir(a.dir, "kappa consume",
                       !a.group.empty() ? Access::kOwner : Access::kReadOnly, /*log=*/true,
                       /*store=*/false);
  if (!dl.ok()) {
    if (!a.group.empty() && dl.status().IsUnavailable())
      Fail(dl.status().message() + " (--group commits offsets, which needs the data directory; "
                                   "without --group, consume reads read-only)");
    Fail(dl.status());
  }
  return std::move(dl).value();
}

// The start offset of one partition (see the file comment).
Offset StartPosition(const ConsumeArgs& a, log::Log& lg, log::Partition* p) {
  Offset end = p->EndOffset();
  if (a.offset) {
    Offset at(*a.offset);
    if (at < p->StartOffset() || at > end)
      Fail(fmt::format("--offset {} is outside partition {} [{}, {}]", *a.offset, p->id().value(),
                       p->StartOffset().value(), end.value()));
    return at;
  }
  if (!a.group.empty()) {
    auto c = lg.offsets().Fetch(a.group, a.topic, p->id());
    if (c.ok()) return std::clamp(c->offset, p->StartOffset(), end);
  }
  return a.from_beginning ? p->StartOffset() : end;
}

// Prints records of `p` from *at up to its current end; returns how many.
int64_t Drain(const ConsumeArgs& a, log::Partition* p, Offset* at, int64_t* left, std::string* out) {
  Offset end = p->EndOffset();
  int64_t printed = 0;
  int32_t pid = p->id().value();
  while (*at < end && *left > 0) {
    auto next = p->VisitRecords(*at, size_t(std::min<int64_t>(*left, 1 << 20)),
                                [&](const log::RecordView& r) {
                                  if (r.offset >= end) return false;
                                  Format(out, a, pid, r);
                                  --*left;
                                  ++printed;
                                  if (out->size() > (1 << 20)) Flush(out);
                                  return *left > 0;
                                },
                                4 << 20);
    if (!next.ok()) {
      Flush(out);
      Fail(next.status().WithContext(
          fmt::format("reading {}/{} at offset {}", a.topic, pid, at->value())));
    }
    if (*next <= *at) break;  // nothing more (e.g. only control batches)
    *at = *next;
  }
  Flush(out);
  return printed;
}

// ---- through the Kafka protocol ----

// One assigned partition: where it starts and where "the end" is.
struct RemotePartition {
  int32_t id;
  int64_t position;  // next offset to print
  int64_t end;       // high watermark at start; done when position >= end (unless --follow)
  int64_t committed; // position last committed for --group (or the start position)
};

// Start offset of one partition through the protocol (same rules as StartPosition).
int64_t RemoteStart(const ConsumeArgs& a, int32_t pid, int64_t lo, int64_t hi,
                    int64_t committed) {
  if (a.offset) {
    if (*a.offset < lo || *a.offset > hi)
      Fail(fmt::format("--offset {} is outside partition {} [{}, {}]", *a.offset, pid, lo, hi));
    return *a.offset;
  }
  if (committed >= 0) return std::clamp(committed, lo, hi);
  return a.from_beginning ? lo : hi;
}

// Commits for a.group the positions of the partitions that moved since their last commit
// (synchronously). Fails on an error.
void RemoteCommit(rd_kafka_t* rk, const ConsumeArgs& a, std::vector<RemotePartition>* parts) {
  rd_kafka_topic_partition_list_t* l = rd_kafka_topic_partition_list_new(int(parts->size()));
  for (auto& p : *parts) {
    if (p.position == p.committed) continue;
    rd_kafka_topic_partition_list_add(l, a.topic.c_str(), p.id)->offset = p.position;
    p.committed = p.position;
  }
  rd_kafka_resp_err_t e = l->cnt ? rd_kafka_commit(rk, l, 0) : RD_KAFKA_RESP_ERR_NO_ERROR;
  rd_kafka_topic_partition_list_destroy(l);
  if (e) {
    Fail(fmt::format("committing offsets of group {}: {} (a group with active members accepts "
                     "commits only from them)", a.group, rd_kafka_err2str(e)));
  }
}

void FormatMessage(std::string* out, const ConsumeArgs& a, const rd_kafka_message_t* m) {
  log::RecordView r;
  r.offset = Offset(m->offset);
  r.timestamp = TimestampMs(rd_kafka_message_timestamp(m, nullptr));
  if (m->key) r.key = std::string_view(static_cast<const char*>(m->key), m->key_len);
  if (m->payload) r.value = std::string_view(static_cast<const char*>(m->payload), m->len);
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* val;
    size_t size;
    for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == 0; ++i) {
      log::HeaderView h{name, std::nullopt};
      if (val) h.value = std::string_view(static_cast<const char*>(val), size);
      r.headers.push_back(h);
    }
  }
  Format(out, a, m->partition, r);
}

void RunRemote(const ConsumeArgs& a) {
  std::string group = a.group.empty() ? "kappa-consume" : a.group;  // librdkafka needs one
  KafkaClient rk = NewKafkaClient(
      RD_KAFKA_CONSUMER,
      NewKafkaConf(a.bootstrap, {{"group.id", group},
                                 {"enable.auto.commit", "false"},
                                 {"enable.auto.offset.store", "false"},
                                 {"enable.partition.eof", "true"},
                                 {"auto.offset.reset", a.from_beginning ? "earliest" : "latest"},
                                 {"fetch.max.bytes", std::to_string(64 << 20)},
                                 {"max.partition.fetch.bytes", std::to_string(8 << 20)},
                                 {"fetch.wait.max.ms", "100"}}));
  rd_kafka_poll_set_consumer(rk.get());
  auto topics = ListRemoteTopics(rk.get(), a.bootstrap);
  const RemoteTopic* t = FindTopic(topics, a.topic);
  if (!t) Fail("topic '" + a.topic + "' does not exist at " + a.bootstrap);
  std::vector<int32_t> ids = a.partitions.empty() ? t->partitions : a.partitions;
  for (int32_t id : ids) {
    if (std::find(t->partitions.begin(), t->partitions.end(), id) == t->partitions.end())
      Fail(fmt::format("topic '{}' has no partition {}", a.topic, id));
  }
  rd_kafka_topic_partition_list_t* l = rd_kafka_topic_partition_list_new(int(ids.size()));
  for (int32_t id : ids) rd_kafka_topic_partition_list_add(l, a.topic.c_str(), id);
  if (!a.group.empty() && !a.offset) {
    if (rd_kafka_resp_err_t e = rd_kafka_committed(rk.get(), l, kKafkaTimeoutMs)) {
      rd_kafka_topic_partition_list_destroy(l);
      Fail(fmt::format("committed offsets of group {}: {}", a.group, rd_kafka_err2str(e)));
    }
  }
  std::vector<RemotePartition> parts;
  for (int i = 0; i < l->cnt; ++i) {
    auto& e = l->elems[i];
    auto [lo, hi] = Watermarks(rk.get(), a.topic, e.partition);
    int64_t committed = (!a.group.empty() && !a.offset && !e.err) ? e.offset : -1;
    e.offset = RemoteStart(a, e.partition, lo, hi, committed);
    parts.push_back({e.partition, e.offset, hi, e.offset});
  }
  rd_kafka_resp_err_t ae = rd_kafka_assign(rk.get(), l);
  rd_kafka_topic_partition_list_destroy(l);
  if (ae) Fail(std::string("assigning partitions: ") + rd_kafka_err2str(ae));

  auto done = [&](const RemotePartition& p) { return !a.follow && p.position >= p.end; };
  auto all_done = [&] {
    return std::all_of(parts.begin(), parts.end(), done);
  };
  int64_t left = a.max_messages < 0 ? INT64_MAX : a.max_messages;
  std::string out;
  std::vector<rd_kafka_message_t*> batch(4096);
  rd_kafka_queue_t* q = rd_kafka_queue_get_consumer(rk.get());
  auto last_heard = std::chrono::steady_clock::now();
  while (left > 0 && !all_done()) {
    ssize_t k = rd_kafka_consume_batch_queue(q, 200, batch.data(), batch.size());
    if (k > 0) {
      last_heard = std::chrono::steady_clock::now();
    } else if (!a.follow &&
               std::chrono::steady_clock::now() - last_heard > std::chrono::milliseconds(kKafkaTimeoutMs)) {
      // Without --follow the command must end: records up to the end were promised.
      rd_kafka_queue_destroy(q);
      Flush(&out);
      Fail(fmt::format("no records or answers from {} for {} s before the end of {}",
                       a.bootstrap, kKafkaTimeoutMs / 1000, a.topic));
    }
    bool advanced = false;
    for (ssize_t i = 0; i < k; ++i) {
      rd_kafka_message_t* m = batch[size_t(i)];
      auto it = std::find_if(parts.begin(), parts.end(),
                             [&](const RemotePartition& p) { return p.id == m->partition; });
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        // Caught up with the broker's end, which may have grown since the start.
        if (it != parts.end() && !a.follow) it->end = std::min(it->end, m->offset);
      } else if (m->err) {
        std::string msg = rd_kafka_message_errstr(m);
        for (ssize_t j = i; j < k; ++j) rd_kafka_message_destroy(batch[size_t(j)]);
        rd_kafka_queue_destroy(q);
        Flush(&out);
        Fail(fmt::format("consuming {} from {}: {}", a.topic, a.bootstrap, msg));
      } else if (it != parts.end() && left > 0 && !done(*it)) {
        FormatMessage(&out, a, m);
        --left;
        it->position = m->offset + 1;
        advanced = true;
        if (out.size() > (1 << 20)) Flush(&out);
      }
      rd_kafka_message_destroy(m);
    }
    Flush(&out);
    if (advanced && !a.group.empty()) RemoteCommit(rk.get(), a, &parts);
  }
  rd_kafka_queue_destroy(q);
  Flush(&out);
  rd_kafka_consumer_close(rk.get());
}

void RunConsume(ConsumeArgs& a) {
  auto mode = WireDecoder::ParseMode(a.format);
  if (!mode.ok()) Fail(mode.status().message(), 2);
  // Over a data directory that a running `kappa up` owns, its own registry is the one that
  // knows the ids (it serves it on its HTTP listener), whatever port that is.
  if (!a.registry_given && a.bootstrap.empty()) {
    if (auto up = app::FindRunningUp(a.dir); up && !up->http.empty()) {
      a.registry = "http://" + LoopbackFor(up->http);
    }
  }
  a.decoder = std::make_shared<WireDecoder>(*mode, a.registry);
  if (a.max_messages == 0) return;
  if (!a.bootstrap.empty()) return RunRemote(a);
  std::unique_ptr<app::Runtime> dl = OpenLog(a);
  auto desc = dl->log().DescribeTopic(a.topic);
  if (!desc.ok()) Fail(desc.status());
  std::vector<int32_t> parts = a.partitions;
  if (parts.empty())
    for (const auto& p : desc->partitions) parts.push_back(p.partition.value());
  std::map<int32_t, Offset> pos;
  for (int32_t pid : parts) {
    auto pr = dl->log().GetPartition(a.topic, PartitionId(pid));
    if (!pr.ok()) Fail(pr.status());
    pos[pid] = StartPosition(a, dl->log(), *pr);
  }
  int64_t left = a.max_messages < 0 ? INT64_MAX : a.max_messages;
  std::string out;
  while (true) {
    int64_t printed = 0;
    for (int32_t pid : parts) {
      auto pr = dl->log().GetPartition(a.topic, PartitionId(pid));
      if (!pr.ok()) Fail(pr.status());
      Offset before = pos[pid];
      printed += Drain(a, *pr, &pos[pid], &left, &out);
      if (!a.group.empty() && pos[pid] != before)
        Check(dl->log().offsets().Commit(a.group, a.topic, PartitionId(pid), pos[pid]));
      if (left <= 0) break;
    }
    if (!a.follow || left <= 0) break;
    if (printed > 0) continue;
    if (dl->read_only()) {
      // Another process owns the log: look again at a fresh read-only snapshot shortly.
      (void)dl->log().Close();
      dl.reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      dl = OpenLog(a);
    } else {
      auto pr = dl->log().GetPartition(a.topic, PartitionId(parts.front()));
      if (pr.ok())
        (*pr)->WaitForData(pos[parts.front()],
                           std::chrono::steady_clock::now() + std::chrono::milliseconds(200));
    }
  }
  Flush(&out);
  Check(dl->log().Close());
}

}  // namespace

void RegisterConsumeCommand(CLI::App& app, const Groups& g) {
  auto a = std::make_shared<ConsumeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "consume", "Print a topic's records, one per line (values escaped: \\n \\t \\\\ \\xHH), "
                 "and exit at the end of the log (unless --follow)");
  cmd->add_option("topic", a->topic, "Topic")->required();
  cmd->add_flag("--from-beginning", a->from_beginning,
                "Start at the oldest record (default: the end, or the group's committed offset)");
  cmd->add_option("--partition", a->partitions, "Only these partitions (repeatable)");
  cmd->add_option("--offset", a->offset, "Start at this offset in each selected partition");
  cmd->add_option("--group", a->group,
                  "Consumer group: start at its committed offsets and commit the new position");
  cmd->add_option("--max-messages,-n,--count", a->max_messages, "Stop after this many records");
  cmd->add_flag("--json", a->json,
                "One JSON object per record: partition, offset, timestamp, key, value, headers");
  cmd->add_flag("--print-key", a->print_key, "Print key<TAB>value (null for a null key)");
  cmd->add_flag("--print-offset", a->print_offset, "Prefix partition:offset<TAB>");
  cmd->add_option("--format", a->format,
                  "How values are shown: auto (a Confluent wire-format value whose schema the "
                  "registry has is decoded to JSON; others as they are), avro (every value is "
                  "wire-format Avro), json (as they are)")
      ->capture_default_str();
  cmd->add_option("--registry", a->registry,
                  "Schema registry (Confluent REST API) for wire-format values (default: the "
                  "one `kappa up` serves over --data-dir while it runs, else this)")
      ->capture_default_str()
      ->each([a](const std::string&) { a->registry_given = true; });
  cmd->add_flag("--follow,-f", a->follow,
                "At the end, keep waiting for new records (until --max-messages or Ctrl-C)");
  AddDataDirOption(cmd, &a->dir);
  AddBootstrapOption(cmd, &a->bootstrap);
  cmd->callback([a] { RunConsume(*a); });
}

}  // namespace kappa::cli
