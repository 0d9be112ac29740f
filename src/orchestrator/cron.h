// Private to src/orchestrator: 5-field cron expressions evaluated on naive wall-clock time,
// with croniter's semantics (Airflow 2 delegates cron matching to croniter), and the time
// zone conversions Airflow applies around them (tz.cc).
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace date {
class time_zone;
}

namespace kappa::orchestrator {

// A parsed cron expression. A field "is *" when it lists every value of its range, however
// it was written ("0-23", "*/1", "*"): croniter normalizes these to '*', and both croniter's
// day-of-month/day-of-week rule and Airflow's "fold hour" workaround test that form.
struct CronFields {
  std::bitset<60> minute;
  std::bitset<24> hour;
  std::bitset<32> dom;    // 1..31
  std::bitset<13> month;  // 1..12
  std::bitset<7> dow;     // 0 = Sunday .. 6 (7 is read as 0)
  bool hour_all = false;
  bool dom_all = false;
  bool dow_all = false;

  // croniter with day_or=True: when both day fields are restricted, either may match.
  bool DayMatches(int year, unsigned month, unsigned day) const;
};

// Parses "M H DoM Mon DoW" (no presets: Schedule::Parse expands them). Accepts what croniter
// accepts in 5 fields without its extensions ('L', '#', 'H'): '*', numbers, names (jan..dec,
// sun..sat, any case), ranges a-b (a dow range ending at sun runs to 7), steps */s a-b/s a/s,
// lists. InvalidArgument naming the field and what is wrong; also for an expression that can
// never fire ("0 0 30 2 *").
Result<CronFields> ParseCron(std::string_view expr);

// Times here are "local milliseconds": a wall-clock reading in some zone, counted as if it
// were UTC (date::local_time). Minute granularity, as croniter without a seconds field:
// CronNextLocal is the first matching minute strictly after `local_ms`, CronPrevLocal the
// last one strictly before. Nullopt when none within 50 years (croniter's bound).
std::optional<int64_t> CronNextLocal(const CronFields& c, int64_t local_ms);
std::optional<int64_t> CronPrevLocal(const CronFields& c, int64_t local_ms);

// ---- time zones (tz.cc) -------------------------------------------------------------------

// Null when `name` is not a known IANA zone.
const date::time_zone* FindZone(std::string_view name);
int64_t ToLocalMs(const date::time_zone* zone, int64_t utc_ms);
// A wall-clock reading to an instant the way Airflow 2's make_aware does (pendulum's
// POST_TRANSITION rule): an ambiguous reading (clocks went back) is its later instant, a
// reading in a gap (clocks went forward) is shifted forward by the gap (02:30 -> 03:30).
int64_t FromLocalMs(const date::time_zone* zone, int64_t local_ms);

}  // namespace kappa::orchestrator
