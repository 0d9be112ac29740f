// The registry core over the embedded log, with the test-only fake schema type: state
// machine, replay, two instances on one log racing for ids, deletes, modes, levels.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <thread>

#include "log/log.h"
#include "metrics/metrics.h"
#include "registry/fake_schema_type.h"
#include "registry/registry.h"
#include "registry/registry_impl.h"
#include "registry/registry_record.h"
#include "registry/registry_state.h"
#include "registry/schema_log.h"
#include "testutil/temp_dir.h"

namespace kappa::registry {
namespace {

const SchemaType* FakeTypes(std::string_view name) {
  if (name == "AVRO" || name == "JSON") return &FakeSchemaType(name);
  return nullptr;
}

std::string Fields(std::initializer_list<std::string> names, std::string extra = "") {
  std::string s = "{\"fields\":[";
  bool first = true;
  for (const auto& n : names) {
    s += (first ? "" : ",") + n;
    first = false;
  }
  return s + "]" + extra + "}";
}
std::string F(std::string name) { return "{\"name\":\"" + name + "\"}"; }
std::string D(std::string name) { return "{\"name\":\"" + name + "\",\"default\":0}"; }

int32_t Code(const Status& s) { return s.protocol_code().value_or(0); }

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenLog(); }

  void OpenLog() {
    log::LogOptions lo;
    lo.dir = dir_.path() + "/log";
    lo.metrics = &metrics_;
    lo.retention_check_ms = 0;
    auto l = log::Log::Open(lo);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    log_ = std::move(*l);
  }

  std::unique_ptr<Registry> Open() {
    auto sl = OpenEmbeddedSchemaLog(log_.get(), "_schemas");
    EXPECT_TRUE(sl.ok()) << sl.status().ToString();
    RegistryOptions o;
    o.metrics = &metrics_;
    auto r = OpenRegistry(std::move(*sl), FakeTypes, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(*r);
  }

  testutil::TempDir dir_{"registry-test"};
  metrics::Registry metrics_;
  std::unique_ptr<log::Log> log_;
};

TEST_F(RegistryTest, RegistersVersionsAndGlobalIds) {
  auto r = Open();
  auto a1 = r->Register("a", Fields({F("x")}));
  ASSERT_TRUE(a1.ok()) << a1.status().ToString();
  EXPECT_EQ(a1->id, 1);
  EXPECT_EQ(a1->version, 1);
  // The same schema (other whitespace, same canonical form) again: same id and version.
  auto again = r->Register("a", "{ \"fields\" : [ {\"name\": \"x\"} ] }");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, 1);
  EXPECT_EQ(again->version, 1);
  // Under another subject: the same id, version 1 there.
  auto b1 = r->Register("b", Fields({F("x")}));
  ASSERT_TRUE(b1.ok());
  EXPECT_EQ(b1->id, 1);
  EXPECT_EQ(b1->version, 1);
  // A compatible new schema (field with a default): new id, version 2.
  auto a2 = r->Register("a", Fields({F("x"), D("y")}));
  ASSERT_TRUE(a2.ok()) << a2.status().ToString();
  EXPECT_EQ(a2->id, 2);
  EXPECT_EQ(a2->version, 2);
  EXPECT_EQ(r->ListSubjects(false), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*r->ListVersions("a", false), (std::vector<int32_t>{1, 2}));
  auto latest = r->GetVersion("a", kLatestVersion, false);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version, 2);
  EXPECT_EQ(latest->id, 2);
  auto byid = r->GetSchemaById(1);
  ASSERT_TRUE(byid.ok());
  EXPECT_EQ(byid->schema, Fields({F("x")}));
  EXPECT_EQ(byid->subject, "");
  EXPECT_EQ(Code(r->GetSchemaById(99).status()), kSchemaNotFound);
  EXPECT_EQ(Code(r->GetVersion("nope", 1, false).status()), kSubjectNotFound);
  EXPECT_EQ(Code(r->GetVersion("a", 7, false).status()), kVersionNotFound);
  auto pairs = r->SubjectVersionsById(1, false);
  ASSERT_TRUE(pairs.ok());
  EXPECT_EQ(pairs->size(), 2u);
  EXPECT_EQ(r->SchemaCount(), 2);
}

TEST_F(RegistryTest, InvalidSchemaAndUnknownType) {
  auto r = Open();
  EXPECT_EQ(Code(r->Register("a", "not json").status()), kInvalidSchema);
  EXPECT_EQ(Code(r->Register("a", Fields({F("x")}), "PROTOBUF").status()), kInvalidSchema);
  EXPECT_EQ(Code(r->Register("a", "").status()), kInvalidSchema);
  EXPECT_TRUE(r->ListSubjects(true).empty());
}

TEST_F(RegistryTest, LookUpUnderSubject) {
  auto r = Open();
  ASSERT_TRUE(r->Register("a", Fields({F("x")})).ok());
  ASSERT_TRUE(r->Register("b", Fields({F("z")})).ok());
  RegisterRequest q;
  q.subject = "a";
  q.schema = Fields({F("x")});
  auto found = r->LookUp(q, false);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->version, 1);
  q.schema = Fields({F("z")});  // registered, but under b
  EXPECT_EQ(Code(r->LookUp(q, false).status()), kSchemaNotFound);
  q.subject = "c";
  EXPECT_EQ(Code(r->LookUp(q, false).status()), kSubjectNotFound);
}

TEST_F(RegistryTest, ReplayRestoresEverything) {
  {
    auto r = Open();
    ASSERT_TRUE(r->Register("a", Fields({F("x")})).ok());
    ASSERT_TRUE(r->Register("a", Fields({F("x"), D("y")})).ok());
    ASSERT_TRUE(r->Register("b", Fields({F("q")}), "JSON").ok());
    ASSERT_TRUE(r->SetCompatibility("a", Compatibility::kFull).ok());
    ASSERT_TRUE(r->SetCompatibility(std::nullopt, Compatibility::kNone).ok());
    ASSERT_TRUE(r->DeleteVersion("a", 1, false).ok());
  }
  ASSERT_TRUE(log_->Close().ok());
  log_.reset();
  OpenLog();
  auto r = Open();
  EXPECT_EQ(*r->ListVersions("a", false), (std::vector<int32_t>{2}));
  EXPECT_EQ(*r->ListVersions("a", true), (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(r->GetVersion("b", 1, false)->type, "JSON");
  EXPECT_EQ(*r->GetCompatibility("a", false), Compatibility::kFull);
  EXPECT_EQ(*r->GetCompatibility(std::nullopt, false), Compatibility::kNone);
  // Ids continue after the highest one.
  auto c = r->Register("c", Fields({F("new")}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->id, 4);
}

TEST_F(RegistryTest, CompatibilityLevels) {
  auto r = Open();
  ASSERT_TRUE(r->Register("s", Fields({F("a")})).ok());
  // BACKWARD (default): the new schema must read the old: a new field without default fails.
  auto bad = r->Register("s", Fields({F("a"), F("b")}));
  EXPECT_EQ(Code(bad.status()), kIncompatibleSchema);
  EXPECT_NE(bad.status().message().find("READER_FIELD_MISSING_DEFAULT_VALUE: b"),
            std::string::npos);
  // Removing a field is backward compatible.
  ASSERT_TRUE(r->Register("s", Fields({D("c")})).ok());  // v2: reads v1 (c has a default)
  // FORWARD: the old (latest, v2: c has a default) must read the new: any schema works.
  ASSERT_TRUE(r->SetCompatibility("s", Compatibility::kForward).ok());
  EXPECT_TRUE(r->Register("s", Fields({F("z")})).ok());  // v3
  // FORWARD_TRANSITIVE: v1 (requires a) cannot read a schema without a.
  ASSERT_TRUE(r->SetCompatibility("s", Compatibility::kForwardTransitive).ok());
  RegisterRequest q;
  q.subject = "s";
  q.schema = Fields({F("a"), F("z"), F("w")});
  auto msgs = r->CheckCompatibility(q, std::nullopt);
  ASSERT_TRUE(msgs.ok());
  EXPECT_TRUE(msgs->empty());  // v1 reads it (has a), v2 reads it, v3 reads it (has z)
  q.schema = Fields({F("z")});
  msgs = r->CheckCompatibility(q, std::nullopt);
  ASSERT_TRUE(msgs.ok());
  EXPECT_FALSE(msgs->empty());  // v1 needs a
  // Against one version only.
  msgs = r->CheckCompatibility(q, 3);
  ASSERT_TRUE(msgs.ok());
  EXPECT_TRUE(msgs->empty());
  EXPECT_EQ(Code(r->CheckCompatibility(q, 9).status()), kVersionNotFound);
  // NONE: anything goes.
  ASSERT_TRUE(r->SetCompatibility("s", Compatibility::kNone).ok());
  EXPECT_TRUE(r->Register("s", Fields({F("k"), F("l")})).ok());
  // FULL_TRANSITIVE checks both ways against all.
  ASSERT_TRUE(r->SetCompatibility("s", Compatibility::kFullTransitive).ok());
  q.schema = Fields({D("k")});
  msgs = r->CheckCompatibility(q, std::nullopt);
  ASSERT_TRUE(msgs.ok());
  EXPECT_FALSE(msgs->empty());
  // Config: subject level without default, global fallback.
  EXPECT_EQ(Code(r->GetCompatibility("other", false).status()),
            kSubjectLevelCompatibilityNotConfigured);
  EXPECT_EQ(*r->GetCompatibility("other", true), Compatibility::kBackward);
  EXPECT_EQ(*r->DeleteCompatibility("s"), Compatibility::kFullTransitive);
  EXPECT_EQ(Code(r->DeleteCompatibility("s").status()), kSubjectNotFound);
}

TEST_F(RegistryTest, SoftAndPermanentDeletes) {
  auto r = Open();
  ASSERT_TRUE(r->Register("s", Fields({F("a")})).ok());
  ASSERT_TRUE(r->Register("s", Fields({F("a"), D("b")})).ok());
  // Permanent only after soft.
  EXPECT_EQ(Code(r->DeleteVersion("s", 1, true).status()), kSchemaVersionNotSoftDeleted);
  EXPECT_EQ(Code(r->DeleteSubject("s", true).status()), kSubjectNotSoftDeleted);
  ASSERT_EQ(*r->DeleteVersion("s", 1, false), 1);
  EXPECT_EQ(Code(r->DeleteVersion("s", 1, false).status()), kSchemaVersionSoftDeleted);
  EXPECT_EQ(Code(r->GetVersion("s", 1, false).status()), kVersionNotFound);
  EXPECT_TRUE(r->GetVersion("s", 1, true)->deleted);
  // A soft-deleted schema is still served by id.
  EXPECT_TRUE(r->GetSchemaById(1).ok());
  auto versions = r->DeleteSubject("s", false);
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(*versions, (std::vector<int32_t>{2}));
  EXPECT_EQ(Code(r->DeleteSubject("s", false).status()), kSubjectSoftDeleted);
  EXPECT_TRUE(r->ListSubjects(false).empty());
  EXPECT_EQ(r->ListSubjects(true), (std::vector<std::string>{"s"}));
  // Registering after a soft delete continues the version numbers.
  auto again = r->Register("s", Fields({F("a")}));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, 3);
  EXPECT_EQ(again->id, 1);
  ASSERT_TRUE(r->DeleteSubject("s", false).ok());
  auto gone = r->DeleteSubject("s", true);
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(*gone, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(Code(r->ListVersions("s", true).status()), kSubjectNotFound);
  EXPECT_EQ(Code(r->GetSchemaById(1).status()), kSchemaNotFound);
  // Ids are never reused: a new schema gets 3; the deleted one comes back with its old id.
  auto fresh = r->Register("t", Fields({F("new")}));
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->id, 3);
  auto old = r->Register("t2", Fields({F("a")}));
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->id, 1);
  EXPECT_EQ(old->version, 1);
}

TEST_F(RegistryTest, ReferencesAndReferencedBy) {
  auto r = Open();
  ASSERT_TRUE(r->Register("base", Fields({F("a")})).ok());
  auto user = r->Register("user", Fields({"{\"name\":\"b\",\"type\":\"ref:Base\"}"}), "AVRO",
                          {{"Base", "base", 1}});
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ(user->references.size(), 1u);
  EXPECT_EQ(*r->ReferencedBy("base", 1), (std::vector<int32_t>{user->id}));
  // A reference to a version that does not exist, or a missing reference.
  EXPECT_EQ(Code(r->Register("x", Fields({F("q")}), "AVRO", {{"B", "base", 5}}).status()),
            kVersionNotFound);
  EXPECT_EQ(Code(r->Register("x", Fields({"{\"name\":\"b\",\"type\":\"ref:Nope\"}"})).status()),
            kInvalidSchema);
  // A referenced version cannot be deleted.
  EXPECT_EQ(Code(r->DeleteVersion("base", 1, false).status()), kReferenceExists);
  EXPECT_EQ(Code(r->DeleteSubject("base", false).status()), kReferenceExists);
  ASSERT_TRUE(r->DeleteSubject("user", false).ok());
  EXPECT_TRUE(r->DeleteSubject("base", false).ok());
}

// A schema's identity is its canonical form AND the subject/version of each reference: the
// same text over two versions of a referenced schema is two schemas, two ids.
TEST_F(RegistryTest, IdentityIncludesReferencedVersions) {
  auto r = Open();
  ASSERT_TRUE(r->Register("base", Fields({F("a")})).ok());
  ASSERT_TRUE(r->Register("base", Fields({F("a"), D("x")})).ok());
  std::string text = Fields({"{\"name\":\"b\",\"type\":\"ref:Base\"}"});
  auto on1 = r->Register("user", text, "AVRO", {{"Base", "base", 1}});
  ASSERT_TRUE(on1.ok()) << on1.status().ToString();
  auto on2 = r->Register("other", text, "AVRO", {{"Base", "base", 2}});
  ASSERT_TRUE(on2.ok()) << on2.status().ToString();
  EXPECT_NE(on1->id, on2->id);
  // "latest" is pinned to version 2 before the identity is taken.
  auto latest = r->Register("third", text, "AVRO", {{"Base", "base", kLatestVersion}});
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->id, on2->id);
  EXPECT_EQ(latest->references, (std::vector<SchemaReference>{{"Base", "base", 2}}));
  // Same text and references again: the existing id and version.
  auto again = r->Register("user", text, "AVRO", {{"Base", "base", 1}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, on1->id);
  EXPECT_EQ(again->version, 1);
  // Under "user", the text over version 2 is a new version with the other id.
  auto user2 = r->Register("user", text, "AVRO", {{"Base", "base", 2}});
  ASSERT_TRUE(user2.ok());
  EXPECT_EQ(user2->id, on2->id);
  EXPECT_EQ(user2->version, 2);
  // Lookup tells them apart too.
  RegisterRequest q;
  q.subject = "other";
  q.schema = text;
  q.references = {{"Base", "base", 1}};
  EXPECT_EQ(Code(r->LookUp(q, false).status()), kSchemaNotFound);
  // A replay agrees.
  r.reset();
  auto replayed = Open();
  EXPECT_EQ(replayed->GetVersion("user", 1, false)->id, on1->id);
  EXPECT_EQ(replayed->GetVersion("other", 1, false)->id, on2->id);
}

TEST_F(RegistryTest, Modes) {
  auto r = Open();
  ASSERT_TRUE(r->Register("s", Fields({F("a")})).ok());
  EXPECT_EQ(*r->GetMode(std::nullopt, false), Mode::kReadWrite);
  ASSERT_TRUE(r->SetMode("s", Mode::kReadOnly, false).ok());
  EXPECT_EQ(Code(r->Register("s", Fields({F("a"), D("b")})).status()), kOperationNotPermitted);
  EXPECT_EQ(Code(r->DeleteVersion("s", 1, false).status()), kOperationNotPermitted);
  EXPECT_TRUE(r->Register("other", Fields({F("a")})).ok());
  EXPECT_EQ(*r->DeleteMode("s"), Mode::kReadOnly);
  EXPECT_EQ(Code(r->GetMode("s", false).status()), kSubjectLevelModeNotConfigured);
  // IMPORT needs an empty registry unless forced; then ids and versions can be given.
  EXPECT_EQ(Code(r->SetMode(std::nullopt, Mode::kImport, false)), kOperationNotPermitted);
  RegisterRequest imp;
  imp.subject = "imported";
  imp.schema = Fields({F("i")});
  imp.id = 100;
  imp.version = 7;
  EXPECT_EQ(Code(r->Register(imp).status()), kOperationNotPermitted);  // not in IMPORT
  ASSERT_TRUE(r->SetMode(std::nullopt, Mode::kImport, true).ok());
  auto got = r->Register(imp);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, 100);
  EXPECT_EQ(got->version, 7);
  // The id of another schema cannot be taken.
  imp.schema = Fields({F("j")});
  imp.version = 8;
  EXPECT_EQ(Code(r->Register(imp).status()), kIdConflict);
  ASSERT_TRUE(r->SetMode(std::nullopt, Mode::kReadWrite, false).ok());
  auto next = r->Register("n", Fields({F("n")}));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->id, 101);
}

// Two instances on one log, as two kappa processes on one cluster: a record that claims an
// id or a subject/version already claimed earlier in the log is ignored by both, and its
// writer retries with fresh numbers.
TEST_F(RegistryTest, ConflictingRecordsLoseDeterministically) {
  auto a = Open();
  auto b = Open();
  auto sl = OpenEmbeddedSchemaLog(log_.get(), "_schemas");
  ASSERT_TRUE(sl.ok());
  // A stale writer's records appended directly: id 1 for schema X at s/1, then id 1 for a
  // different schema Y at t/1 (an id conflict), then s/1 again with id 2 (a slot conflict).
  auto rec = [](std::string subject, int32_t version, int32_t id, std::string schema) {
    SchemaValue v;
    v.subject = subject;
    v.version = version;
    v.id = id;
    v.schema = schema;
    return SchemaLogRecord{EncodeKey({KeyType::kSchema, subject, version}), EncodeSchemaValue(v)};
  };
  ASSERT_TRUE((*sl)->Append({rec("s", 1, 1, Fields({F("x")}))}).ok());
  ASSERT_TRUE((*sl)->Append({rec("t", 1, 1, Fields({F("y")}))}).ok());
  ASSERT_TRUE((*sl)->Append({rec("s", 1, 2, Fields({F("z")}))}).ok());
  ASSERT_TRUE(a->CatchUp().ok());
  ASSERT_TRUE(b->CatchUp().ok());
  for (Registry* r : {a.get(), b.get()}) {
    EXPECT_EQ(r->GetSchemaById(1)->schema, Fields({F("x")}));
    EXPECT_EQ(Code(r->GetSchemaById(2).status()), kSchemaNotFound);
    EXPECT_EQ(Code(r->ListVersions("t", true).status()), kSubjectNotFound);
    EXPECT_EQ(r->GetVersion("s", 1, false)->id, 1);
  }
  // Both instances register different schemas concurrently: every id names one schema.
  std::vector<std::thread> threads;
  std::vector<std::vector<RegisteredSchema>> got(2);
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      Registry* r = i == 0 ? a.get() : b.get();
      for (int k = 0; k < 20; ++k) {
        // fmt, not "literal" + std::to_string(): GCC 12 warns falsely (-Wrestrict) on that.
        std::string name = fmt::format("f{}_{}", i, k);
        auto res = r->Register(fmt::format("subj{}", k % 3), Fields({D(name)}));
        ASSERT_TRUE(res.ok()) << res.status().ToString();
        got[i].push_back(*res);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(a->CatchUp().ok());
  ASSERT_TRUE(b->CatchUp().ok());
  std::map<int32_t, std::string> by_id;
  for (const auto& list : got) {
    for (const auto& s : list) {
      auto [it, fresh] = by_id.emplace(s.id, s.schema);
      EXPECT_TRUE(fresh) << "id " << s.id << " handed out twice";
      // Both instances agree on what each acknowledged id and version is.
      for (Registry* r : {a.get(), b.get()}) {
        EXPECT_EQ(r->GetSchemaById(s.id)->schema, s.schema);
        EXPECT_EQ(r->GetVersion(s.subject, s.version, false)->id, s.id);
      }
    }
  }
  EXPECT_EQ(by_id.size(), 40u);
}

TEST(RegistryRecordTest, KeysAndValuesRoundTrip) {
  RecordKey k{KeyType::kSchema, "a/b", 3};
  EXPECT_EQ(EncodeKey(k), R"({"keytype":"SCHEMA","magic":1,"subject":"a/b","version":3})");
  auto d = DecodeKey(EncodeKey(k));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->subject, "a/b");
  EXPECT_EQ(d->version, 3);
  auto g = DecodeKey(EncodeKey({KeyType::kConfig, std::nullopt, 0}));
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->subject);
  EXPECT_EQ(DecodeKey(R"({"keytype":"FUTURE"})")->type, KeyType::kNoop);
  EXPECT_FALSE(DecodeKey("[1]").ok());
  EXPECT_FALSE(DecodeKey(R"({"keytype":"SCHEMA","subject":"s","version":0})").ok());
  SchemaValue v;
  v.subject = "s";
  v.version = 1;
  v.id = 5;
  v.type = "JSON";
  v.schema = "{}";
  v.references = {{"n", "o", 2}};
  auto back = DecodeSchemaValue(EncodeSchemaValue(v));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->type, "JSON");
  EXPECT_EQ(back->references, v.references);
  EXPECT_FALSE(DecodeSchemaValue(R"({"subject":"s"})").ok());
  EXPECT_EQ(ParseVersion("latest").value(), kLatestVersion);
  EXPECT_EQ(ParseVersion("12").value(), 12);
  EXPECT_EQ(ParseVersion("0").status().protocol_code(), kInvalidVersion);
  EXPECT_EQ(ParseVersion("x").status().protocol_code(), kInvalidVersion);
  // WRITER: who takes writes under log: kafka.
  EXPECT_EQ(EncodeKey({KeyType::kWriter, std::nullopt, 0}),
            R"({"keytype":"WRITER","magic":0,"subject":null})");
  EXPECT_EQ(DecodeKey(R"({"keytype":"WRITER","magic":0,"subject":null})")->type, KeyType::kWriter);
  WriterValue w{"http://h:8081", "id-1"};
  EXPECT_EQ(EncodeWriterValue(w), R"({"instance":"id-1","url":"http://h:8081"})");
  EXPECT_EQ(DecodeWriterValue(EncodeWriterValue(w)).value(), w);
  EXPECT_FALSE(DecodeWriterValue(R"({"url":1,"instance":"x"})").ok());
}

// The latest WRITER record in log order names the writer; a malformed one is ignored.
TEST(RegistryStateTest, WriterRecords) {
  RegistryState st([](std::string_view) -> const SchemaType* { return nullptr; });
  std::string why;
  std::string key = EncodeKey({KeyType::kWriter, std::nullopt, 0});
  EXPECT_FALSE(st.writer());
  EXPECT_TRUE(st.Apply(key, EncodeWriterValue({"http://a:1", "a"}), &why));
  EXPECT_TRUE(st.Apply(key, EncodeWriterValue({"http://b:2", "b"}), &why));
  EXPECT_EQ(st.writer()->url, "http://b:2");
  EXPECT_FALSE(st.Apply(key, std::string(R"({"url":"x"})"), &why));
  EXPECT_EQ(st.writer()->instance, "b");
  EXPECT_TRUE(st.Apply(key, std::nullopt, &why));
  EXPECT_FALSE(st.writer());
}

}  // namespace
}  // namespace kappa::registry
