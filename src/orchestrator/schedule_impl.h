// Private to src/orchestrator: Schedule's state and Airflow's timetable primitives
// (_get_next, _get_prev, _align_to_next, _align_to_prev) that schedule.cc and
// schedule_timetable.cc share.
#pragma once

#include "orchestrator/cron.h"
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {

struct Schedule::Impl {
  Kind kind = Kind::kNone;
  std::string text;
  std::string timezone = "UTC";
  const date::time_zone* zone = nullptr;
  CronFields cron;       // kCron
  int64_t delta_ms = 0;  // kDelta

  // Airflow's CronMixin._get_next / _get_prev (strictly after / before `t`) for kCron, and
  // +/- the interval for kDelta. Nullopt only for a cron with no match within 50 years.
  std::optional<TimeMs> GetNext(TimeMs t) const;
  std::optional<TimeMs> GetPrev(TimeMs t) const;
  // `t` itself when it is on the schedule, else the next / previous fire time.
  TimeMs AlignToNext(TimeMs t) const;
  TimeMs AlignToPrev(TimeMs t) const;
};

}  // namespace kappa::orchestrator
