// Schedule, ParseDateTime and the timetables, with the answers Airflow 2 gives (worked out
// from airflow/timetables/interval.py and simple.py; the cron arithmetic itself is compared
// with python3-croniter by tests/orchestrator/test_cron_croniter.py).
#include <gtest/gtest.h>

#include <random>

#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {
namespace {

constexpr TimeMs kHour = 3'600'000;
constexpr TimeMs kDay = 24 * kHour;

TimeMs T(std::string_view text, std::string_view tz = "UTC") {
  auto t = ParseDateTime(text, tz);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().ToString();
  return t.ok() ? *t : 0;
}

Schedule S(std::string_view text, std::string_view tz = "UTC") {
  auto s = Schedule::Parse(text, tz);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status().ToString();
  return s.ok() ? *s : Schedule();
}

TEST(ScheduleParse, KindsAndText) {
  EXPECT_EQ(Schedule().kind(), Schedule::Kind::kNone);
  EXPECT_EQ(Schedule().timezone(), "UTC");
  EXPECT_EQ(S("@once").kind(), Schedule::Kind::kOnce);
  EXPECT_EQ(S("null").kind(), Schedule::Kind::kNone);
  EXPECT_EQ(S("").kind(), Schedule::Kind::kNone);
  EXPECT_EQ(S("None").kind(), Schedule::Kind::kNone);
  for (auto p : {"@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@annually", "@midnight",
                 "@quarterly", "0 3 * * *", "*/5 1-3 * jan-mar mon-fri"}) {
    EXPECT_EQ(S(p).kind(), Schedule::Kind::kCron) << p;
  }
  EXPECT_EQ(S(" @daily ", "Europe/London").text(), "@daily");
  EXPECT_EQ(S("@daily", "Europe/London").timezone(), "Europe/London");
  Schedule every = S("every 15m");
  EXPECT_EQ(every.kind(), Schedule::Kind::kDelta);
  EXPECT_EQ(every.text(), "every 15m");
  auto e2 = Schedule::Every(90'000);
  ASSERT_TRUE(e2.ok());
  EXPECT_EQ(e2->kind(), Schedule::Kind::kDelta);
  EXPECT_EQ(e2->text(), "every 90s");
}

TEST(ScheduleParse, ClearErrors) {
  auto six = Schedule::Parse("0 0 * * * *");
  ASSERT_FALSE(six.ok());
  EXPECT_TRUE(six.status().IsInvalidArgument());
  EXPECT_NE(six.status().message().find("cron needs 5 fields"), std::string::npos);
  EXPECT_NE(six.status().message().find("got 6: '0 0 * * * *'"), std::string::npos);

  auto zone = Schedule::Parse("@daily", "Mars/Base");
  ASSERT_FALSE(zone.ok());
  EXPECT_NE(zone.status().message().find("unknown time zone 'Mars/Base'"), std::string::npos);

  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {"61 * * * *", "minute field '61': 61 is out of range 0-59"},
      {"* * 0 * *", "day of month field '0'"},
      {"* * * 13 *", "month field '13'"},
      {"* * * * 8", "day of week field '8'"},
      {"*/0 * * * *", "a step of 0"},
      {"*/99999999999 * * * *", "bad step"},
      {"5-1 * * * *", "runs backwards"},
      {"* * * foo *", "unknown value 'foo'"},
      {"1,,2 * * * *", "empty list element"},
      {"0 0 30 2 *", "never fires"},
      {"@fortnightly", "unknown schedule preset '@fortnightly'"},
      {"every 0s", "must be positive"},
      {"every fast", "schedule 'every fast'"},
  };
  for (const auto& c : cases) {
    auto s = Schedule::Parse(c.text);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_TRUE(s.status().IsInvalidArgument()) << c.text;
    EXPECT_NE(s.status().message().find(c.says), std::string::npos)
        << c.text << " -> " << s.status().message();
  }
  EXPECT_FALSE(Schedule::Every(0).ok());
  EXPECT_FALSE(Schedule::Every(1000, "Nowhere/Land").ok());
}

TEST(ParseDateTime, FormsZonesAndErrors) {
  EXPECT_EQ(T("1970-01-01"), 0);
  EXPECT_EQ(T("2023-09-03T10:00:00"), 1693735200000);
  EXPECT_EQ(T("2023-09-03 10:00"), 1693735200000);
  EXPECT_EQ(T("2023-09-03T10:00:00Z"), 1693735200000);
  EXPECT_EQ(T("2023-09-03T10:00:00+00:00"), 1693735200000);
  EXPECT_EQ(T("2023-09-03T12:00:00+02:00"), 1693735200000);
  EXPECT_EQ(T("2023-09-03T05:30:00-0430"), 1693735200000);
  EXPECT_EQ(T("2023-09-03T10:00:00.250Z"), 1693735200250);
  EXPECT_EQ(T("2023-09-03T11:00:00", "Europe/London"), 1693735200000);  // BST
  EXPECT_EQ(T("2023-09-03T15:30:00", "Asia/Kolkata"), 1693735200000);
  // An offset wins over the zone.
  EXPECT_EQ(T("2023-09-03T10:00:00Z", "Asia/Kolkata"), 1693735200000);
  // In New York's spring gap 02:30 does not exist: 03:30 EDT (Airflow's make_aware).
  EXPECT_EQ(T("2024-03-10T02:30", "America/New_York"), T("2024-03-10T07:30:00Z"));
  // In the fall-back fold 01:30 happens twice: the second (EST) one.
  EXPECT_EQ(T("2024-11-03T01:30", "America/New_York"), T("2024-11-03T06:30:00Z"));
  EXPECT_EQ(FormatIso(T("2023-09-03T10:00:00Z")), "2023-09-03T10:00:00+00:00");

  for (auto bad : {"", "2023", "2023-13-01", "2023-02-29", "2023-09-03T25:00", "2023-09-03T10",
                   "2023-09-03T10:00:00+25:00", "2023-09-03T10:00:00 UTC", "yesterday"}) {
    auto r = ParseDateTime(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << bad;
  }
  auto zone = ParseDateTime("2023-09-03", "Mars/Base");
  ASSERT_FALSE(zone.ok());
  EXPECT_NE(zone.status().message().find("unknown time zone 'Mars/Base'"), std::string::npos);
  EXPECT_TRUE(CheckTimeZone("Australia/Lord_Howe").ok());
  EXPECT_TRUE(CheckTimeZone("UTC").ok());
  EXPECT_TRUE(CheckTimeZone("Nowhere").IsInvalidArgument());
  EXPECT_TRUE(CheckTimeZone("").IsInvalidArgument());
}

TEST(ScheduleFire, NextAndPrevInUtc) {
  Schedule daily = S("@daily");
  EXPECT_EQ(daily.NextFire(T("2023-09-03T10:00:00")), T("2023-09-04"));
  EXPECT_EQ(daily.NextFire(T("2023-09-04")), T("2023-09-05"));  // strictly after
  EXPECT_EQ(daily.PrevFire(T("2023-09-03T10:00:00")), T("2023-09-03"));
  EXPECT_EQ(daily.PrevFire(T("2023-09-03")), T("2023-09-03"));  // at or before
  Schedule weekdays = S("30 9 * * mon-fri");
  EXPECT_EQ(weekdays.NextFire(T("2023-09-01T10:00")), T("2023-09-04T09:30"));  // Fri -> Mon
  // Day of month and day of week both restricted: either matches (cron, croniter).
  Schedule either = S("0 0 13 * fri");
  EXPECT_EQ(either.NextFire(T("2023-09-02")), T("2023-09-08"));  // a Friday before the 13th
  EXPECT_EQ(either.NextFire(T("2023-09-12")), T("2023-09-13"));  // the 13th, a Wednesday
  EXPECT_EQ(S("0 0 29 2 *").NextFire(T("2023-03-01")), T("2024-02-29"));
  EXPECT_EQ(S("0 0 * * 7").NextFire(T("2023-09-04")), T("2023-09-10"));  // 7 = Sunday
  EXPECT_FALSE(S("every 1h").NextFire(0).has_value());
  EXPECT_FALSE(S("@once").PrevFire(0).has_value());
}

TEST(ScheduleFire, DstAsAirflow) {
  const char* ny = "America/New_York";
  // A daily 02:30 on the spring-forward day fires at 03:30 EDT (the reading moves past the
  // gap), once.
  Schedule s = S("30 2 * * *", ny);
  EXPECT_EQ(s.NextFire(T("2024-03-09T12:00", ny)), T("2024-03-10T07:30:00Z"));
  EXPECT_EQ(s.NextFire(T("2024-03-10T07:30:00Z")), T("2024-03-11T06:30:00Z"));
  // A daily 01:30 on the fall-back day fires once, at the second 01:30 (EST).
  Schedule fold = S("30 1 * * *", ny);
  EXPECT_EQ(fold.NextFire(T("2024-11-02T12:00", ny)), T("2024-11-03T06:30:00Z"));
  EXPECT_EQ(fold.NextFire(T("2024-11-03T06:30:00Z")), T("2024-11-04T06:30:00Z"));
  // An every-hour schedule fires in both 01:xx hours (Airflow's fold-hour fix).
  Schedule hourly = S("30 * * * *", ny);
  TimeMs t = T("2024-11-03T05:10:00Z");  // 01:10 EDT
  std::vector<TimeMs> fires;
  for (int i = 0; i < 3; ++i) fires.push_back(t = *hourly.NextFire(t));
  EXPECT_EQ(fires, (std::vector<TimeMs>{T("2024-11-03T05:30:00Z"), T("2024-11-03T06:30:00Z"),
                                        T("2024-11-03T07:30:00Z")}));
  // ... and skips the hour that does not exist.
  t = T("2024-03-10T06:10:00Z");  // 01:10 EST
  fires.clear();
  for (int i = 0; i < 2; ++i) fires.push_back(t = *hourly.NextFire(t));
  EXPECT_EQ(fires, (std::vector<TimeMs>{T("2024-03-10T06:30:00Z"), T("2024-03-10T07:30:00Z")}));
  // @daily in Lord Howe (30-minute DST) stays at local midnight on both sides.
  Schedule lh = S("@daily", "Australia/Lord_Howe");
  EXPECT_EQ(lh.NextFire(T("2024-04-06T12:00", "Australia/Lord_Howe")),
            T("2024-04-07T00:00", "Australia/Lord_Howe"));
  EXPECT_EQ(lh.NextFire(T("2024-04-07T00:00", "Australia/Lord_Howe")),
            T("2024-04-08T00:00", "Australia/Lord_Howe"));
  // The previous fire is always before the instant asked about, even where the fold makes
  // the wall-clock reading land later (Airflow's _get_prev would answer 01:30 EST here).
  TimeMs first_pass = T("2024-11-03T05:59:00Z");  // 01:59 EDT
  EXPECT_LT(*fold.PrevFire(first_pass), first_pass);
  EXPECT_EQ(*fold.PrevFire(first_pass), T("2024-11-02T05:30:00Z"));
}

TEST(Timetable, SeedDagDailyNoCatchup) {
  // The seed's DAG: start 2023-09-03 10:00, @daily, catchup=False. Started at 2024-05-01
  // 15:00, Airflow runs the latest complete interval at once: [04-30, 05-01).
  Schedule daily = S("@daily");
  TimeMs start = T("2023-09-03T10:00"), now = T("2024-05-01T15:00");
  auto first = daily.NextRun(std::nullopt, start, std::nullopt, false, now);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->interval, (DataInterval{T("2024-04-30"), T("2024-05-01")}));
  EXPECT_EQ(first->run_after, T("2024-05-01"));
  auto second = daily.NextRun(first->interval, start, std::nullopt, false, now);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->interval, (DataInterval{T("2024-05-01"), T("2024-05-02")}));
  EXPECT_GT(second->run_after, now);  // not due yet
  // Down for a week: catchup=False skips to the latest interval again.
  auto later = daily.NextRun(second->interval, start, std::nullopt, false, T("2024-05-09T01:00"));
  EXPECT_EQ(later->interval, (DataInterval{T("2024-05-08"), T("2024-05-09")}));
  // Exactly on a boundary: the interval that ends now.
  auto edge = daily.NextRun(std::nullopt, start, std::nullopt, false, T("2024-05-01"));
  EXPECT_EQ(edge->interval, (DataInterval{T("2024-04-30"), T("2024-05-01")}));
}

TEST(Timetable, CatchupFromStartDate) {
  Schedule daily = S("@daily");
  TimeMs start = T("2023-09-03T10:00");
  // The first interval starts at the first fire at or after the start date.
  auto r = daily.NextRun(std::nullopt, start, std::nullopt, true, T("2024-01-01"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->interval, (DataInterval{T("2023-09-04"), T("2023-09-05")}));
  std::optional<DataInterval> last;
  int runs = 0;
  while (auto next = daily.NextRun(last, start, T("2023-09-10"), true, T("2024-01-01"))) {
    last = next->interval;
    ++runs;
  }
  EXPECT_EQ(runs, 7);  // logical dates 09-04 .. 09-10: end_date bounds the logical date
  EXPECT_EQ(last->start, T("2023-09-10"));
  // A start date on a boundary is the first logical date.
  auto on = daily.NextRun(std::nullopt, T("2023-09-03"), std::nullopt, true, T("2024-01-01"));
  EXPECT_EQ(on->interval.start, T("2023-09-03"));
  // catchup=False never goes before the start date.
  auto future =
      daily.NextRun(std::nullopt, T("2030-01-01T05:00"), std::nullopt, false, T("2024-01-01"));
  EXPECT_EQ(future->interval, (DataInterval{T("2030-01-02"), T("2030-01-03")}));
}

TEST(Timetable, DeltaOnceNone) {
  Schedule every = S("every 15m");
  TimeMs start = T("2024-01-01T00:05");
  auto r = every.NextRun(std::nullopt, start, std::nullopt, true, T("2024-02-01"));
  EXPECT_EQ(r->interval, (DataInterval{start, start + 15 * 60'000}));
  EXPECT_EQ(r->run_after, start + 15 * 60'000);
  // catchup=False: epoch-aligned, one interval back from `now` rounded down.
  auto skip = every.NextRun(std::nullopt, start, std::nullopt, false, T("2024-02-01T10:07"));
  EXPECT_EQ(skip->interval, (DataInterval{T("2024-02-01T09:45"), T("2024-02-01T10:00")}));
  EXPECT_EQ(every.ManualInterval(T("2024-02-01T10:07")),
            (DataInterval{T("2024-02-01T09:52"), T("2024-02-01T10:07")}));

  Schedule once = S("@once");
  auto o = once.NextRun(std::nullopt, start, std::nullopt, false, T("2030-01-01"));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->interval, (DataInterval{start, start}));
  EXPECT_EQ(o->run_after, start);
  EXPECT_FALSE(once.NextRun(o->interval, start, std::nullopt, false, T("2030-01-01")));
  EXPECT_FALSE(once.NextRun(std::nullopt, start, start - 1, false, T("2030-01-01")));
  EXPECT_EQ(once.ManualInterval(start), (DataInterval{start, start}));

  Schedule none;
  EXPECT_FALSE(none.NextRun(std::nullopt, start, std::nullopt, true, T("2030-01-01")));
  EXPECT_EQ(none.ManualInterval(start), (DataInterval{start, start}));
  EXPECT_TRUE(none.IntervalsBetween(start, start + kDay).empty());
}

TEST(Timetable, ManualAndBackfill) {
  Schedule daily = S("@daily");
  // Triggered at 01:00 on the 25th: the interval of the 24th.
  EXPECT_EQ(daily.ManualInterval(T("2024-01-25T01:00")),
            (DataInterval{T("2024-01-24"), T("2024-01-25")}));
  EXPECT_EQ(daily.ManualInterval(T("2024-01-25")),
            (DataInterval{T("2024-01-24"), T("2024-01-25")}));
  // A backfill covers every logical date in [from, to].
  auto iv = daily.IntervalsBetween(T("2024-01-01T12:00"), T("2024-01-05"));
  ASSERT_EQ(iv.size(), 4u);
  EXPECT_EQ(iv.front(), (DataInterval{T("2024-01-02"), T("2024-01-03")}));
  EXPECT_EQ(iv.back(), (DataInterval{T("2024-01-05"), T("2024-01-06")}));
  EXPECT_EQ(daily.IntervalsBetween(T("2024-01-01"), T("2024-01-01")).size(), 1u);
  EXPECT_TRUE(daily.IntervalsBetween(T("2024-01-02"), T("2024-01-01")).empty());
  auto hours = S("@hourly", "Europe/London")
                   .IntervalsBetween(T("2024-03-31T00:00:00Z"), T("2024-03-31T03:00:00Z"));
  EXPECT_EQ(hours.size(), 4u);  // one hour of the day is missing locally, none in UTC
  for (size_t i = 1; i < hours.size(); ++i) EXPECT_EQ(hours[i].start, hours[i - 1].end);
  auto once = S("@once").IntervalsBetween(T("2024-01-01"), T("2024-01-05"));
  ASSERT_EQ(once.size(), 1u);
  EXPECT_EQ(once[0], (DataInterval{T("2024-01-01"), T("2024-01-01")}));
}

TEST(Timetable, DailyInNewYorkAcrossDst) {
  // Intervals follow local midnight: 23 h and 25 h days where the clocks change.
  const char* ny = "America/New_York";
  Schedule daily = S("@daily", ny);
  auto iv = daily.IntervalsBetween(T("2024-03-09", ny), T("2024-03-11", ny));
  ASSERT_EQ(iv.size(), 3u);
  EXPECT_EQ(iv[0].end - iv[0].start, 24 * kHour);
  EXPECT_EQ(iv[1].end - iv[1].start, 23 * kHour);
  EXPECT_EQ(iv[2].end - iv[2].start, 24 * kHour);
  iv = daily.IntervalsBetween(T("2024-11-03", ny), T("2024-11-03", ny));
  ASSERT_EQ(iv.size(), 1u);
  EXPECT_EQ(iv[0].end - iv[0].start, 25 * kHour);
}

TEST(Timetable, IntervalsTileTimeAcrossDst) {
  // Two years of catchup in zones with DST changes: each interval starts where the last
  // ended and is not empty, so no interval is lost or covered twice.
  for (const char* zone : {"America/New_York", "Europe/London", "Australia/Lord_Howe",
                           "America/Santiago", "Asia/Kolkata"}) {
    for (const char* text : {"@hourly", "@daily", "30 1 * * *", "0 2 * * *", "*/20 * * * *",
                             "0 0 * * 0", "every 90m"}) {
      Schedule s = S(text, zone);
      std::optional<DataInterval> last;
      TimeMs start = T("2023-01-01", zone), end = T("2025-01-01", zone);
      int n = 0;
      while (auto next = s.NextRun(last, start, end, true, end)) {
        ASSERT_LT(next->interval.start, next->interval.end) << zone << " " << text;
        if (last) {
          ASSERT_EQ(next->interval.start, last->end)
              << zone << " " << text << " after " << FormatIso(last->start);
        }
        ASSERT_EQ(next->run_after, next->interval.end);
        last = next->interval;
        ++n;
      }
      EXPECT_GT(n, 100) << zone << " " << text;
    }
  }
}

TEST(Robustness, GarbageGetsErrorsNotCrashes) {
  // Bad input from a config file or an API call: every answer is a value or an error.
  const std::string alphabet = "0123456789*/-,?LW#HjanfebsumoTZ+:. @{}%";
  std::mt19937 rng(7);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text(rng() % 24, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    if (i % 2 == 0 && !text.empty()) {  // often five fields
      for (int k = 0; k < 4; ++k) text[rng() % text.size()] = ' ';
    }
    auto s = Schedule::Parse(text, "Europe/London");
    if (s.ok()) {
      ++accepted;
      auto next = s->NextFire(1'700'000'000'000);
      if (s->kind() == Schedule::Kind::kCron) {
        ASSERT_TRUE(next.has_value()) << text;
        EXPECT_GT(*next, 1'700'000'000'000) << text;
        EXPECT_LT(*s->PrevFire(*next - 1), *next) << text;
      }
    } else {
      EXPECT_TRUE(s.status().IsInvalidArgument()) << text;
    }
    (void)ParseDateTime(text, "UTC");
    (void)RenderTemplate(text, nlohmann::json::object());
    (void)CheckTemplate(text, nlohmann::json::object(), {});
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace kappa::orchestrator
