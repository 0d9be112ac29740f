// The console's PipelineSource (console/pipeline_source.h) over a running Pipeline: its jobs
// (Pipeline::jobs(), stream's job status and ResetJob through Pipeline::ReplayJob), their
// dead-letter topics in the embedded log, and the store (schemas, scans, cql::QueryLocal).
// Private to src/app; `kappa up` creates it beside the console (up_servers.cc).
#pragma once

#include <memory>

#include "console/console.h"

namespace kappa::app {

class Pipeline;

// `pipeline` (and its runtime) must outlive the source. Thread-safe.
std::unique_ptr<console::PipelineSource> NewConsolePipelineSource(Pipeline* pipeline);

}  // namespace kappa::app
