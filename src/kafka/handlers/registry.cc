// The one list of served APIs. ApiVersions answers from it; the server dispatches through it.
#include <algorithm>

#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

const std::vector<const ApiSpec*>& AllApis() {
  static const std::vector<const ApiSpec*> kAll = [] {
    std::vector<const ApiSpec*> v = {
        &kProduceApi,        &kFetchApi,          &kListOffsetsApi,      &kMetadataApi,
        &kOffsetCommitApi,   &kOffsetFetchApi,    &kFindCoordinatorApi,  &kJoinGroupApi,
        &kHeartbeatApi,      &kLeaveGroupApi,     &kSyncGroupApi,        &kDescribeGroupsApi,
        &kListGroupsApi,     &kApiVersionsApi,    &kCreateTopicsApi,     &kDeleteTopicsApi,
        &kInitProducerIdApi, &kDescribeConfigsApi, &kCreatePartitionsApi, &kDeleteGroupsApi,
        &kDeleteRecordsApi,  &kAlterConfigsApi,   &kDescribeLogDirsApi,  &kIncrementalAlterConfigsApi,
        &kOffsetDeleteApi,   &kDescribeClusterApi, &kDescribeAclsApi,     &kCreateAclsApi,
        &kDeleteAclsApi,     &kSaslHandshakeApi,  &kSaslAuthenticateApi,
    };
    std::sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->key < b->key; });
    return v;
  }();
  return kAll;
}

const ApiSpec* FindApi(int16_t key) {
  for (const ApiSpec* s : AllApis()) {
    if (s->key == key) return s;
  }
  return nullptr;
}

}  // namespace kappa::kafka
