// Schedule: parsing, and Airflow 2's cron evaluation in a time zone (CronMixin in
// airflow/timetables/_cron.py): croniter on the naive wall-clock reading, then back to an
// instant with make_aware's rule, except for schedules that fire every hour, where the
// wall-clock distance to the next fire is added to the current instant so that the hour
// repeated when clocks go back fires twice ("fold hour", croniter issue 56).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "common/strings.h"
#include "common/units.h"
#include "orchestrator/schedule_impl.h"

namespace kappa::orchestrator {

namespace {

constexpr int64_t kDayMs = 86'400'000;

// Airflow's cron_presets (airflow/utils/dates.py) plus croniter's @midnight / @annually.
const std::map<std::string, std::string, std::less<>>& Presets() {
  static const auto* presets = new std::map<std::string, std::string, std::less<>>{
      {"@hourly", "0 * * * *"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
      {"@weekly", "0 0 * * 0"}, {"@monthly", "0 0 1 * *"},  {"@quarterly", "0 0 1 */3 *"},
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"},
  };
  return *presets;
}

}  // namespace

std::optional<TimeMs> Schedule::Impl::GetNext(TimeMs t) const {
  if (kind == Kind::kDelta) return t + delta_ms;
  if (kind != Kind::kCron) return std::nullopt;
  int64_t local = ToLocalMs(zone, t);
  auto next = CronNextLocal(cron, local);
  if (!next) return std::nullopt;
  // Airflow adds the wall-clock distance to the aware time for every-hour crons. pendulum
  // adds a timedelta of a day or more on the wall clock (then resolves it like make_aware),
  // a shorter one as absolute time.
  if (!cron.hour_all || *next - local >= kDayMs) return FromLocalMs(zone, *next);
  return t + (*next - local);
}

std::optional<TimeMs> Schedule::Impl::GetPrev(TimeMs t) const {
  if (kind == Kind::kDelta) return t - delta_ms;
  if (kind != Kind::kCron) return std::nullopt;
  int64_t local = ToLocalMs(zone, t);
  auto prev = CronPrevLocal(cron, local);
  if (!prev) return std::nullopt;
  if (cron.hour_all && local - *prev < kDayMs) return t - (local - *prev);
  // make_aware resolves a reading in a fold or a gap to its later instant, which can be at
  // or after `t` (the 01:30 of "30 1 * * *" seen from 01:59 EDT is 01:30 EST; the 02:00 of
  // "0 2 * * *" in a spring gap seen from 03:30 EDT is 03:00 EDT, and Airflow's _get_prev
  // would answer it again from there, for ever). Here the previous fire is always before `t`:
  // one more wall-clock step back. The one place kappa departs from Airflow's arithmetic.
  while (true) {
    TimeMs at = FromLocalMs(zone, *prev);
    if (at < t) return at;
    prev = CronPrevLocal(cron, *prev);
    if (!prev) return std::nullopt;
  }
}

TimeMs Schedule::Impl::AlignToNext(TimeMs t) const {
  if (kind != Kind::kCron) return t;
  auto next = GetNext(t);
  if (!next) return t;
  auto back = GetPrev(*next);
  return back && *back == t ? t : *next;
}

TimeMs Schedule::Impl::AlignToPrev(TimeMs t) const {
  if (kind != Kind::kCron) return t;
  auto prev = GetPrev(t);
  if (!prev) return t;
  auto fwd = GetNext(*prev);
  return fwd && *fwd == t ? t : *prev;
}

Schedule::Schedule() {
  static const auto* kNone = new std::shared_ptr<const Impl>([] {
    auto impl = std::make_shared<Impl>();
    impl->zone = FindZone("UTC");
    return impl;
  }());
  impl_ = *kNone;
}

Result<Schedule> Schedule::Parse(std::string_view text, std::string_view timezone) {
  auto impl = std::make_shared<Impl>();
  impl->text = std::string(TrimSpace(text));
  impl->timezone = std::string(timezone.empty() ? "UTC" : timezone);
  impl->zone = FindZone(impl->timezone);
  if (impl->zone == nullptr) return CheckTimeZone(impl->timezone);
  std::string lower = AsciiLower(impl->text);
  Schedule s;
  if (lower.empty() || lower == "null" || lower == "none" || lower == "~") {
    impl->kind = Kind::kNone;
  } else if (lower == "@once") {
    impl->kind = Kind::kOnce;
  } else if (lower.starts_with("every")) {
    std::string_view d = TrimSpace(std::string_view(lower).substr(5));
    if (d.starts_with(":")) d = TrimSpace(d.substr(1));
    auto ms = ParseDurationMs(d);
    if (!ms.ok()) {
      return Status::InvalidArgument(
          fmt::format("schedule '{}': {}", impl->text, ms.status().message()));
    }
    // Keep the text as written ("every 15m"), not Every's canonical form.
    ASSIGN_OR_RETURN(Schedule every, Every(*ms, impl->timezone));
    auto copy = std::make_shared<Impl>(*every.impl_);
    copy->text = impl->text;
    every.impl_ = std::move(copy);
    return every;
  } else {
    std::string expr = lower;
    if (lower.starts_with("@")) {
      auto it = Presets().find(lower);
      if (it == Presets().end()) {
        std::string known;
        for (const auto& [name, _] : Presets()) known += name + ", ";
        return Status::InvalidArgument(fmt::format(
            "unknown schedule preset '{}' (known: @once, {}or a 5-field cron)", impl->text, known));
      }
      expr = it->second;
    }
    ASSIGN_OR_RETURN(impl->cron, ParseCron(expr));
    impl->kind = Kind::kCron;
  }
  s.impl_ = std::move(impl);
  return s;
}

Result<Schedule> Schedule::Every(int64_t interval_ms, std::string_view timezone) {
  if (interval_ms <= 0) {
    return Status::InvalidArgument(
        fmt::format("schedule interval must be positive, not {}ms", interval_ms));
  }
  auto impl = std::make_shared<Impl>();
  impl->timezone = std::string(timezone.empty() ? "UTC" : timezone);
  impl->zone = FindZone(impl->timezone);
  if (impl->zone == nullptr) return CheckTimeZone(impl->timezone);
  impl->kind = Kind::kDelta;
  impl->delta_ms = interval_ms;
  impl->text = "every " + FormatDurationMs(interval_ms);
  Schedule s;
  s.impl_ = std::move(impl);
  return s;
}

Schedule::Kind Schedule::kind() const { return impl_->kind; }
const std::string& Schedule::text() const { return impl_->text; }
const std::string& Schedule::timezone() const { return impl_->timezone; }

std::optional<TimeMs> Schedule::NextFire(TimeMs t) const {
  if (impl_->kind != Kind::kCron) return std::nullopt;
  return impl_->GetNext(t);
}

std::optional<TimeMs> Schedule::PrevFire(TimeMs t) const {
  if (impl_->kind != Kind::kCron) return std::nullopt;
  auto prev = impl_->GetPrev(t);
  if (!prev) return std::nullopt;
  return impl_->AlignToPrev(t);
}

}  // namespace kappa::orchestrator
