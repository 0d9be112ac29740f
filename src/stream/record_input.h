// RecordInput: the input seam of a job, where its records come from. Private to src/stream.
//
//   the embedded log   (NewLogInput, log_input.cc) one PartitionWorker per partition of the
//                      topic, each on its own thread (partitions are independent, so
//                      throughput scales with cores up to the partition count).
//   an external Kafka  (NewKafkaInput, kafka_job.cc) one librdkafka KafkaConsumer in the job's
//                      consumer group on one thread, feeding each assigned partition.
//
// Both feed a PartitionCommitter per partition (job_core.h), which hands the rows to the job's
// RowSink (row_sink.h) and commits the offsets. StreamJob (stream_job.cc) owns the threads:
// it calls Prepare on the starting thread, then Run(i) on threads() threads of its own; the
// first error of any stops the job (JobShared::stop).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "stream/job_shared.h"

namespace kappa::stream {

class RecordInput {
 public:
  virtual ~RecordInput() = default;
  // The Kafka cluster the records come from ("" for the embedded log); stored in the job's
  // registration so `kappa jobs` knows where its topic is.
  virtual std::string bootstrap() const = 0;
  // Before any thread starts: the embedded log checks every partition's committed offset
  // (OutOfRange beyond the end: a recreated topic); Kafka subscribes to the topic (positions
  // are checked on assignment then).
  virtual Status Prepare() = 0;
  // How many threads Run is called on, each with its own i in [0, threads()).
  virtual size_t threads() const = 0;
  // Moves records into the job until JobShared::stop, drain completion or an error.
  virtual Status Run(size_t i) = 0;
  // Records not consumed yet, summed over the partitions this process reads. Any thread.
  virtual int64_t Lag() const = 0;
  // For the start message: "in -> ks.users started (2 partitions)".
  virtual std::string Describe() const = 0;
};

// The job's topic on the embedded log (shared->storage.log). NotFound if the topic or the
// dead-letter topic does not exist. `shared` must outlive the input.
Result<std::unique_ptr<RecordInput>> NewLogInput(JobShared* shared);
// The job's topic on an external Kafka cluster; dead letters go to the cluster too.
// InvalidArgument for a client property librdkafka rejects. `shared` must outlive the input.
Result<std::unique_ptr<RecordInput>> NewKafkaInput(JobShared* shared, const LogConfig& log);

}  // namespace kappa::stream
