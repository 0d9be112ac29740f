// Mapper: evaluates a compiled mapping against simdjson DOM elements and writes JSON records.
//
// Hot path: the common field shapes (a path, a template of paths and literals, uuid()) are
// written straight into the output buffer; only function calls build intermediate Values.
// Strings taken from the document are views into the parser's DOM, valid until the next
// parse. Missing fields follow the mapping's on_missing (docs/formats/mapping.md).
#include <fmt/format.h>
#include <simdjson.h>

#include <charconv>
#include <cmath>

#include "common/uuid.h"
#include "connect/connect.h"
#include "connect/mapping_program.h"
#include "connect/randomuser_generator.h"
#include "connect/mapper_impl.h"

namespace kappa::connect {
namespace mapper_internal {

// The element at `path` below `root`, or false when any step does not exist.
bool Lookup(element root, const std::vector<PathStep>& path, element* out) {
  element cur = root;
  for (const PathStep& step : path) {
    if (step.index >= 0) {
      simdjson::dom::array arr;
      if (cur.get_array().get(arr) != simdjson::SUCCESS) return false;
      if (arr.at(size_t(step.index)).get(cur) != simdjson::SUCCESS) return false;
    } else {
      simdjson::dom::object obj;
      if (cur.get_object().get(obj) != simdjson::SUCCESS) return false;
      if (obj.at_key(step.key).get(cur) != simdjson::SUCCESS) return false;
    }
  }
  *out = cur;
  return true;
}

Value FromElement(element e) {
  Value v;
  switch (e.type()) {
    case element_type::STRING:
      v.kind = Value::Kind::kString;
      v.view = e.get_string().value_unsafe();
      break;
    case element_type::INT64:
      v.kind = Value::Kind::kInt;
      v.i = e.get_int64().value_unsafe();
      break;
    case element_type::UINT64:  // larger than INT64_MAX: keep as a float
      v.kind = Value::Kind::kFloat;
      v.d = double(e.get_uint64().value_unsafe());
      break;
    case element_type::DOUBLE:
      v.kind = Value::Kind::kFloat;
      v.d = e.get_double().value_unsafe();
      break;
    case element_type::BOOL:
      v.kind = Value::Kind::kBool;
      v.b = e.get_bool().value_unsafe();
      break;
    case element_type::NULL_VALUE:
      v.kind = Value::Kind::kNull;
      break;
    default:
      v.kind = Value::Kind::kJson;
      v.elem = e;
  }
  return v;
}

void AppendDouble(std::string* out, double d) {
  if (std::isnan(d)) out->append("nan");
  else if (std::isinf(d)) out->append(d > 0 ? "inf" : "-inf");
  else fmt::format_to(std::back_inserter(*out), "{}", d);
}

// Appends the text form of v (str()). Null -> nothing. Requires v not missing.
void AppendText(std::string* out, const Value& v) {
  switch (v.kind) {
    case Value::Kind::kString: out->append(v.str()); break;
    case Value::Kind::kInt: {
      fmt::format_int f(v.i);
      out->append(f.data(), f.size());
      break;
    }
    case Value::Kind::kFloat: AppendDouble(out, v.d); break;
    case Value::Kind::kBool: out->append(v.b ? "true" : "false"); break;
    case Value::Kind::kJson: out->append(simdjson::to_string(v.elem)); break;
    case Value::Kind::kNull:
    case Value::Kind::kMissing: break;
  }
}

void AppendUuid(std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const Uuid u = Uuid::Random();
  char s[36];
  char* p = s;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
    *p++ = kHex[u.bytes[i] >> 4];
    *p++ = kHex[u.bytes[i] & 15];
  }
  out->append(s, 36);
}

// The value of a path expression, or false if the path does not exist in the user.
bool Resolve(const UserRef& u, const Expr& e, Value* out) {
  if (u.synth) {  // only used when every path of the mapping is a generated leaf
    const SynthValue& f = u.synth->f[e.synth_field];
    out->Reset();
    switch (f.kind) {
      case SynthValue::kString: out->kind = Value::Kind::kString; out->view = f.s; break;
      case SynthValue::kInt: out->kind = Value::Kind::kInt; out->i = f.i; break;
      case SynthValue::kNull: out->kind = Value::Kind::kNull; break;
    }
    return true;
  }
  element el;
  if (!Lookup(u.dom, e.path, &el)) return false;
  *out = FromElement(el);
  return true;
}

std::string Raw(const UserRef& u) {
  return u.synth ? SyntheticUserJson(*u.synth) : simdjson::to_string(u.dom);
}

std::string_view KindName(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kJson: return v.elem.is_array() ? "an array" : "an object";
    case Value::Kind::kString: return "a string";
    default: return "a value";
  }
}

}  // namespace mapper_internal

using namespace mapper_internal;
using simdjson::dom::element;
using simdjson::dom::element_type;


Status Mapper::Impl::Eval(const Expr& e, const UserRef& user, Value* out) {
  switch (e.kind) {
    case Expr::Kind::kPath:
      if (!Resolve(user, e, out)) {
        out->Reset();
        out->missing_path = e.text;
      }
      return Status::OK();
    case Expr::Kind::kString:
      out->Reset();
      out->kind = Value::Kind::kString;
      out->view = e.text;
      return Status::OK();
    case Expr::Kind::kInt:
      out->Reset();
      out->kind = Value::Kind::kInt;
      out->i = e.i;
      return Status::OK();
    case Expr::Kind::kFloat:
      out->Reset();
      out->kind = Value::Kind::kFloat;
      out->d = e.d;
      return Status::OK();
    case Expr::Kind::kBool:
      out->Reset();
      out->kind = Value::Kind::kBool;
      out->b = e.b;
      return Status::OK();
    case Expr::Kind::kNull:
      out->Reset();
      out->kind = Value::Kind::kNull;
      return Status::OK();
    case Expr::Kind::kTemplate: {
      std::string text;
      for (const Expr& part : e.args) {
        Value v;
        RETURN_IF_ERROR(Eval(part, user, &v));
        if (v.kind == Value::Kind::kMissing) {
          *out = std::move(v);
          return Status::OK();
        }
        AppendText(&text, v);
      }
      *out = Value::String(std::move(text));
      return Status::OK();
    }
    case Expr::Kind::kCall:
      return EvalCall(e, user, out);
  }
  return Status::Internal("unknown expression kind");
}

void Mapper::Impl::EmitValue(const Value& v, std::string* buf) {
  switch (v.kind) {
    case Value::Kind::kMissing:
    case Value::Kind::kNull: buf->append("null"); break;
    case Value::Kind::kBool: buf->append(v.b ? "true" : "false"); break;
    case Value::Kind::kInt: {
      fmt::format_int f(v.i);
      buf->append(f.data(), f.size());
      break;
    }
    case Value::Kind::kFloat:
      if (std::isfinite(v.d)) AppendDouble(buf, v.d);
      else buf->append("null");  // JSON has no NaN/Infinity
      break;
    case Value::Kind::kString:
      buf->push_back('"');
      AppendJsonEscaped(buf, v.str());
      buf->push_back('"');
      break;
    case Value::Kind::kJson: buf->append(simdjson::to_string(v.elem)); break;
  }
}

Status Mapper::Impl::EmitField(const FieldProgram& f, const UserRef& user, bool is_key,
                               std::string* buf, std::string_view* missing) {
  const Expr& e = f.expr;
  if (!is_key && e.kind == Expr::Kind::kTemplate) {
    // Fast path: write the parts straight into the JSON string.
    buf->push_back('"');
    for (const Expr& part : e.args) {
      if (part.kind == Expr::Kind::kString) {
        AppendJsonEscaped(buf, part.text);
        continue;
      }
      Value v;
      if (part.kind == Expr::Kind::kPath) {
        if (!Resolve(user, part, &v)) {
          *missing = part.text;
          return Status::OK();
        }
        if (v.kind == Value::Kind::kString) {
          AppendJsonEscaped(buf, v.view);
          continue;
        }
      } else {
        RETURN_IF_ERROR(Eval(part, user, &v));
        if (v.kind == Value::Kind::kMissing) {
          *missing = v.missing_path;
          return Status::OK();
        }
      }
      scratch.clear();
      AppendText(&scratch, v);
      AppendJsonEscaped(buf, scratch);
    }
    buf->push_back('"');
    return Status::OK();
  }
  if (!is_key && e.kind == Expr::Kind::kPath) {
    Value v;
    if (!Resolve(user, e, &v)) {
      *missing = e.text;
      return Status::OK();
    }
    EmitValue(v, buf);
    return Status::OK();
  }
  if (!is_key && e.kind == Expr::Kind::kCall && e.func == Func::kUuid) {
    buf->push_back('"');
    AppendUuid(buf);
    buf->push_back('"');
    return Status::OK();
  }
  Value v;
  RETURN_IF_ERROR(Eval(e, user, &v));
  if (v.kind == Value::Kind::kMissing) {
    *missing = v.missing_path;
    return Status::OK();
  }
  if (is_key) {
    key_text.clear();
    AppendText(&key_text, v);
  }
  EmitValue(v, buf);
  return Status::OK();
}

// Maps one user; on success appends its value (then key text) to out->buf and their offsets
// (value offset, value length, key offset, key length) to *offs.
Status Mapper::Impl::MapOne(const UserRef& user, size_t index, MappedPage* out,
                            std::vector<size_t>* offs) {
  std::string& buf = out->buf;
  const size_t start = buf.size();
  key_text.clear();
  buf.push_back('{');
  Status err;
  for (size_t fi = 0; fi < prog.fields.size(); ++fi) {
    const FieldProgram& f = prog.fields[fi];
    buf.append(f.json_prefix);
    const size_t field_start = buf.size();
    std::string_view missing;
    err = EmitField(f, user, int(fi) == prog.key_index, &buf, &missing);
    if (!err.ok()) {
      err = Status::InvalidArgument("field '" + f.name + "': " + err.message());
      break;
    }
    if (!missing.empty()) {
      if (prog.on_missing == OnMissing::kNull) {
        buf.resize(field_start);
        buf.append("null");
        if (int(fi) == prog.key_index) key_text.clear();
        continue;
      }
      err = Status::InvalidArgument("field '" + f.name + "': path '" + std::string(missing) +
                                    "' not found");
      break;
    }
  }
  if (!err.ok()) {
    buf.resize(start);
    out->errors.push_back(MappingError{index, err.message(), Raw(user)});
    return Status::OK();
  }
  buf.push_back('}');
  const size_t value_len = buf.size() - start;
  buf.append(key_text);
  offs->insert(offs->end(), {start, value_len, start + value_len, key_text.size()});
  return Status::OK();
}

namespace {
// Existing records as offsets into out->buf: appending may move the buffer.
std::vector<size_t> SaveOffsets(const MappedPage& out) {
  std::vector<size_t> offs;
  offs.reserve((out.records.size() + 512) * 4);
  for (const MappedRecord& r : out.records) {
    offs.insert(offs.end(), {size_t(r.value.data() - out.buf.data()), r.value.size(),
                             size_t(r.key.data() - out.buf.data()), r.key.size()});
  }
  return offs;
}
// Rebuilds every record's views over the (possibly moved) buffer.
void RebuildViews(const std::vector<size_t>& offs, MappedPage* out) {
  const size_t n = offs.size() / 4;
  out->records.resize(n);
  const char* base = out->buf.data();
  for (size_t r = 0; r < n; ++r) {
    out->records[r].value = std::string_view(base + offs[r * 4], offs[r * 4 + 1]);
    out->records[r].key = std::string_view(base + offs[r * 4 + 2], offs[r * 4 + 3]);
  }
}
// True if every path expression under e is a generated user's leaf.
bool AllPathsSynthetic(const Expr& e) {
  if (e.kind == Expr::Kind::kPath) return e.synth_field >= 0;
  for (const Expr& a : e.args) {
    if (!AllPathsSynthetic(a)) return false;
  }
  return true;
}
}  // namespace

Status Mapper::Impl::MapSynthetic(const std::vector<SyntheticUser>& users, MappedPage* out) {
  std::vector<size_t> offs = SaveOffsets(*out);
  out->buf.reserve(out->buf.size() + users.size() * 512);
  for (size_t i = 0; i < users.size(); ++i) {
    UserRef u;
    u.synth = &users[i];
    RETURN_IF_ERROR(MapOne(u, i, out, &offs));
    ++out->users;
  }
  RebuildViews(offs, out);
  return Status::OK();
}

Status Mapper::Impl::MapDoc(element doc, bool allow_single, MappedPage* out) {
  std::vector<size_t> offs = SaveOffsets(*out);
  simdjson::dom::array users;
  simdjson::dom::object obj;
  bool have_array = false;
  if (doc.get_object().get(obj) == simdjson::SUCCESS) {
    element results;
    if (obj.at_key("results").get(results) == simdjson::SUCCESS) {
      if (results.get_array().get(users) != simdjson::SUCCESS) {
        return Status::InvalidArgument("not a randomuser page: 'results' is not an array");
      }
      have_array = true;
    } else if (allow_single) {
      RETURN_IF_ERROR(MapOne(UserRef{doc}, 0, out, &offs));
      ++out->users;
    } else {
      return Status::InvalidArgument("not a randomuser page: no 'results' array");
    }
  } else if (allow_single && doc.get_array().get(users) == simdjson::SUCCESS) {
    have_array = true;
  } else {
    return Status::InvalidArgument(allow_single ? "expected a JSON object or array"
                                                : "not a randomuser page: not a JSON object");
  }
  if (have_array) {
    size_t i = 0;
    for (element u : users) {
      RETURN_IF_ERROR(MapOne(UserRef{u}, i++, out, &offs));
      ++out->users;
    }
  }
  RebuildViews(offs, out);
  return Status::OK();
}

Mapper::Mapper(Mapping mapping) : impl_(std::make_unique<Impl>(std::move(mapping))) {
  impl_->synth_ok = true;
  for (const FieldProgram& f : impl_->prog.fields) impl_->synth_ok &= AllPathsSynthetic(f.expr);
}

bool MapperAccess::CanMapSynthetic(const Mapper& m) { return m.impl_->synth_ok; }

namespace {
bool ReadsDigest(const Expr& e) {
  if (e.kind == Expr::Kind::kPath) {
    return e.synth_field == kMd5 || e.synth_field == kSha1 || e.synth_field == kSha256;
  }
  for (const Expr& a : e.args) {
    if (ReadsDigest(a)) return true;
  }
  return false;
}
}  // namespace

bool MapperAccess::NeedsDigests(const Mapper& m) {
  for (const FieldProgram& f : m.impl_->prog.fields) {
    if (ReadsDigest(f.expr)) return true;
  }
  return false;
}

Status MapperAccess::MapSynthetic(Mapper& m, const std::vector<SyntheticUser>& users,
                                  MappedPage* out) {
  if (!m.impl_->synth_ok) return Status::Internal("mapping has paths outside generated users");
  return m.impl_->MapSynthetic(users, out);
}
Mapper::~Mapper() = default;
Mapper::Mapper(Mapper&&) noexcept = default;
Mapper& Mapper::operator=(Mapper&&) noexcept = default;

const Mapping& Mapper::mapping() const { return impl_->mapping; }

Status Mapper::MapPage(std::string_view page_json, MappedPage* out) {
  element doc;
  auto err = impl_->parser.parse(page_json.data(), page_json.size()).get(doc);
  if (err) {
    return Status::InvalidArgument(std::string("not a randomuser page: invalid JSON (") +
                                   simdjson::error_message(err) + ")");
  }
  return impl_->MapDoc(doc, /*allow_single=*/false, out);
}

Status Mapper::MapUser(std::string_view user_json, MappedPage* out) {
  element doc;
  auto err = impl_->parser.parse(user_json.data(), user_json.size()).get(doc);
  if (err) {
    return Status::InvalidArgument(std::string("invalid JSON (") + simdjson::error_message(err) + ")");
  }
  return impl_->MapDoc(doc, /*allow_single=*/true, out);
}

}  // namespace kappa::connect
