// The stored form of the ACLs (DATA_DIR/security/acls; docs/formats/security.md, "ACLs").
// Private to src/security.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "security/security.h"

namespace kappa::security {

// {"version": 1, "acls": [{"resource_type": "TOPIC", "resource_name": "t",
//   "pattern_type": "LITERAL", "principal": "User:alice", "host": "*",
//   "operation": "READ", "permission": "ALLOW"}, ...]}
std::string EncodeAcls(const std::vector<AclBinding>& acls);
// Corruption naming `file` and what is wrong for a file that does not parse or holds an
// invalid binding.
Result<std::vector<AclBinding>> DecodeAcls(std::string_view text, const std::string& file);

}  // namespace kappa::security
