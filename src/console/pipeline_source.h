// Part of console/console.h (include that): what the Jobs and Tables pages read and change.
// Implemented by the app over the pipeline's streaming jobs and the store
// (src/app/console_pipeline_source.cc). Owner: the pipeline pages.
#pragma once

namespace kappa::console {

class PipelineSource {
 public:
  virtual ~PipelineSource() = default;
  // Declared by the pipeline pages' part.
};

}  // namespace kappa::console
