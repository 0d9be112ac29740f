// Principal's names (security.h).
#include "security/security.h"

namespace kappa::security {

std::string Principal::KafkaName() const {
  return "User:" + (user.empty() ? std::string("ANONYMOUS") : user);
}

}  // namespace kappa::security
