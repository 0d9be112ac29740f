// Airflow 2's timetables over a Schedule: next_dagrun_info (_DataIntervalTimetable in
// airflow/timetables/interval.py, OnceTimetable and NullTimetable in simple.py),
// infer_manual_data_interval, and the intervals of a backfill (DAG.iter_dagrun_infos_between).
#include <algorithm>

#include "orchestrator/schedule_impl.h"

namespace kappa::orchestrator {

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// _skip_to_latest, for catchup=false: the start of the latest complete interval at `now`
// (Airflow 2's default, catchup_false_no_dagrun_airflow_2_fix off), never before the first
// aligned time at or after the start date.
// (A template only because Schedule::Impl is private; `I` is always Schedule::Impl.)
template <typename I>
TimeMs SkipToLatest(const I& s, TimeMs earliest, TimeMs now) {
  if (s.kind == Schedule::Kind::kDelta) {
    // Intervals aligned to the epoch (DeltaDataIntervalTimetable._round), one interval back.
    TimeMs next_start = FloorDiv(now, s.delta_ms) * s.delta_ms - s.delta_ms;
    return std::max(next_start, earliest);
  }
  // Cron: if `now` is on a boundary, the interval that ends now; otherwise the interval
  // before the one `now` is in.
  TimeMs aligned = s.AlignToNext(earliest);
  auto last_start = s.GetPrev(now);
  if (!last_start) return aligned;
  auto next_start = s.GetNext(*last_start);
  TimeMs new_start = *last_start;
  if (!next_start || *next_start != now) {
    // Airflow asserts next_start > now here; across a DST fold with an every-hour schedule
    // it can be equal-or-earlier by construction, and one more step back is the safe choice.
    auto before = s.GetPrev(*last_start);
    if (before) new_start = *before;
  }
  return std::max(new_start, aligned);
}

}  // namespace

std::optional<NextRunInfo> Schedule::NextRun(std::optional<DataInterval> last, TimeMs start_date,
                                             std::optional<TimeMs> end_date, bool catchup,
                                             TimeMs now) const {
  const Impl& s = *impl_;
  switch (s.kind) {
    case Kind::kNone:
      return std::nullopt;
    case Kind::kOnce: {
      // "@once" runs at the start date whatever catchup says (AIRFLOW-1928).
      if (last) return std::nullopt;
      if (end_date && start_date > *end_date) return std::nullopt;
      return NextRunInfo{{start_date, start_date}, start_date};
    }
    case Kind::kCron:
    case Kind::kDelta:
      break;
  }
  TimeMs earliest = catchup ? s.AlignToNext(start_date) : SkipToLatest(s, start_date, now);
  TimeMs start = earliest;
  if (last) {
    // Airflow realigns the last end to the schedule in case the schedule changed since. When
    // it did not (the last end is the fire after the last start), kappa starts exactly there:
    // realigning an every-hour schedule at Lord Howe's 30-minute fall-back steps back half
    // an hour and would cover (and create) the same interval again.
    auto expected_end = s.GetNext(last->start);
    TimeMs aligned =
        expected_end && *expected_end == last->end ? last->end : s.AlignToPrev(last->end);
    start = std::max(aligned, earliest);
  }
  if (end_date && start > *end_date) return std::nullopt;
  auto end = s.GetNext(start);
  if (!end) return std::nullopt;
  return NextRunInfo{{start, *end}, *end};
}

DataInterval Schedule::ManualInterval(TimeMs run_after) const {
  const Impl& s = *impl_;
  switch (s.kind) {
    case Kind::kCron: {
      // The last complete interval before run_after: a run triggered at 01:00 on the 25th of
      // a @daily DAG covers the 24th.
      TimeMs end = s.AlignToPrev(run_after);
      auto start = s.GetPrev(end);
      return {start.value_or(end), end};
    }
    case Kind::kDelta:
      return {run_after - s.delta_ms, run_after};
    default:
      return {run_after, run_after};
  }
}

std::vector<DataInterval> Schedule::IntervalsBetween(TimeMs from, TimeMs to) const {
  std::vector<DataInterval> out;
  if (impl_->kind == Kind::kNone || from > to) return out;
  std::optional<DataInterval> last;
  while (true) {
    auto info = NextRun(last, from, to, /*catchup=*/true, /*now=*/to);
    if (!info) break;
    if (last && info->interval.start <= last->start) break;  // no progress: stop, never loop
    out.push_back(info->interval);
    last = info->interval;
  }
  return out;
}

}  // namespace kappa::orchestrator
