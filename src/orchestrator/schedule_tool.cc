// orchestrator_schedule_tool: prints fire times of cron schedules, for the comparison with
// python3-croniter (tests/orchestrator/test_cron_croniter.py). Reads one query per line on
// stdin, tab-separated, and answers one line per query (so thousands of expressions cost one
// process):
//   naive_next EXPR START N   the N matching wall-clock minutes after START (croniter on a
//   naive_prev EXPR START N   naive datetime); START and answers in "local ms" (the reading
//                             counted as if UTC)
//   next EXPR ZONE START N    Schedule::NextFire chained N times from the instant START (ms)
//   prev EXPR ZONE START N    Schedule::PrevFire from START, then from 1 ms before each
//                             answer, N times
//   parse EXPR [ZONE]         "ok" or "error MESSAGE"
// Answers: space-separated integers ("none" where there is no fire), or "error MESSAGE".
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "orchestrator/cron.h"
#include "orchestrator/orchestrator.h"

using namespace kappa::orchestrator;

namespace {

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, '\t')) out.push_back(f);
  return out;
}

std::string Error(const kappa::Status& s) {
  std::string out = "error ";
  out.append(s.message());
  return out;
}

std::string Answer(const std::vector<std::string>& q) {
  if (q.empty()) return "error empty query";
  const std::string& mode = q[0];
  if (mode == "parse" && q.size() >= 2) {
    auto s = Schedule::Parse(q[1], q.size() >= 3 ? q[2] : "UTC");
    return s.ok() ? "ok" : Error(s.status());
  }
  if ((mode == "naive_next" || mode == "naive_prev") && q.size() == 4) {
    auto c = ParseCron(q[1]);
    if (!c.ok()) return Error(c.status());
    int64_t t = std::stoll(q[2]);
    std::string out;
    for (int i = 0, n = std::stoi(q[3]); i < n; ++i) {
      auto r = mode == "naive_next" ? CronNextLocal(*c, t) : CronPrevLocal(*c, t);
      if (!out.empty()) out += ' ';
      if (!r) {
        out += "none";
        break;
      }
      out += std::to_string(*r);
      t = *r;
    }
    return out;
  }
  if ((mode == "next" || mode == "prev") && q.size() == 5) {
    auto s = Schedule::Parse(q[1], q[2]);
    if (!s.ok()) return Error(s.status());
    int64_t t = std::stoll(q[3]);
    std::string out;
    for (int i = 0, n = std::stoi(q[4]); i < n; ++i) {
      // prev: Airflow's _align_to_prev from START, then from just before each answer.
      auto r = mode == "next" ? s->NextFire(t) : s->PrevFire(i == 0 ? t : t - 1);
      if (!out.empty()) out += ' ';
      if (!r) {
        out += "none";
        break;
      }
      out += std::to_string(*r);
      t = *r;
    }
    return out;
  }
  return "error bad query";
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::cout << Answer(Split(line)) << '\n';
  }
  return 0;
}
