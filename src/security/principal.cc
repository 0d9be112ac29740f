// Principal's names (security.h).
#include "security/security.h"

namespace kappa::security {

std::string Principal::KafkaName() const {
  return "User:" + (user.empty() ? std::string("ANONYMOUS") : user);
}

std::string SecurityDir(std::string_view data_dir) {
  std::string d(data_dir);
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  return d + "/security";
}

}  // namespace kappa::security
