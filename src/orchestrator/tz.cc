// Time zones (date::tz over the system's tzdata) and Airflow's rule for wall-clock readings
// that are ambiguous or do not exist.
#include <date/tz.h>

#include <chrono>
#include <stdexcept>

#include "orchestrator/cron.h"
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {

using std::chrono::milliseconds;

const date::time_zone* FindZone(std::string_view name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;  // date throws for an unknown name; that is bad input, not a bug
  }
}

int64_t ToLocalMs(const date::time_zone* zone, int64_t utc_ms) {
  date::sys_time<milliseconds> t{milliseconds(utc_ms)};
  return zone->to_local(t).time_since_epoch().count();
}

int64_t FromLocalMs(const date::time_zone* zone, int64_t local_ms) {
  date::local_time<milliseconds> lt{milliseconds(local_ms)};
  auto info = zone->get_info(lt);
  // unique: the one offset. nonexistent: `first` is the period before the gap, and using its
  // offset lands the reading past the gap by the gap's length, as pendulum's POST_TRANSITION
  // ("02:30" in New York's spring gap is 03:30 EDT). ambiguous: `second` is the period
  // after the transition, the later instant (pendulum's fold=1, which Airflow's make_aware
  // sets). In both odd cases that is the later of the two candidate instants.
  auto offset = info.result == date::local_info::ambiguous ? info.second.offset : info.first.offset;
  return local_ms - std::chrono::duration_cast<milliseconds>(offset).count();
}

Status CheckTimeZone(std::string_view name) {
  if (FindZone(name) == nullptr) {
    return Status::InvalidArgument("unknown time zone '" + std::string(name) +
                                   "' (an IANA name such as UTC or Europe/London)");
  }
  return Status::OK();
}

}  // namespace kappa::orchestrator
