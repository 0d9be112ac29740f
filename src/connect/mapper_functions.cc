// The mapping language's function library (docs/formats/mapping.md): uuid(), coalesce,
// default, lower/upper, trim, concat, str/int/float casts, ...
#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "common/strings.h"
#include "common/uuid.h"
#include "connect/mapper_impl.h"

namespace kappa::connect {

using namespace mapper_internal;
using simdjson::dom::element;
using simdjson::dom::element_type;

Status Mapper::Impl::EvalCall(const Expr& e, const UserRef& user, Value* out) {
  switch (e.func) {
    case Func::kUuid: {
      std::string s;
      AppendUuid(&s);
      *out = Value::String(std::move(s));
      return Status::OK();
    }
    case Func::kCoalesce:
    case Func::kDefault: {
      bool saw_null = false;
      for (const Expr& a : e.args) {
        Value v;
        RETURN_IF_ERROR(Eval(a, user, &v));
        if (v.present()) {
          *out = std::move(v);
          return Status::OK();
        }
        saw_null |= v.kind == Value::Kind::kNull;
      }
      out->Reset();
      out->kind = Value::Kind::kNull;  // every argument missing or null: null, not missing
      (void)saw_null;
      return Status::OK();
    }
    case Func::kConcat: {
      std::string text;
      for (const Expr& a : e.args) {
        Value v;
        RETURN_IF_ERROR(Eval(a, user, &v));
        if (v.kind == Value::Kind::kMissing) {
          *out = std::move(v);
          return Status::OK();
        }
        AppendText(&text, v);
      }
      *out = Value::String(std::move(text));
      return Status::OK();
    }
    default:
      break;
  }
  // One-argument functions: missing and null pass through unchanged.
  Value v;
  RETURN_IF_ERROR(Eval(e.args[0], user, &v));
  if (!v.present()) {
    *out = std::move(v);
    return Status::OK();
  }
  switch (e.func) {
    case Func::kStr: {
      if (v.kind == Value::Kind::kString) {
        *out = std::move(v);
      } else {
        std::string s;
        AppendText(&s, v);
        *out = Value::String(std::move(s));
      }
      return Status::OK();
    }
    case Func::kLower:
    case Func::kUpper:
    case Func::kTrim: {
      std::string s;
      AppendText(&s, v);
      if (e.func == Func::kTrim) {
        s = std::string(TrimSpace(s));
      } else {
        for (char& c : s) {
          if (e.func == Func::kLower && c >= 'A' && c <= 'Z') c = char(c + 32);
          if (e.func == Func::kUpper && c >= 'a' && c <= 'z') c = char(c - 32);
        }
      }
      *out = Value::String(std::move(s));
      return Status::OK();
    }
    case Func::kInt: {
      Value r;
      r.kind = Value::Kind::kInt;
      if (v.kind == Value::Kind::kInt) {
        r.i = v.i;
      } else if (v.kind == Value::Kind::kBool) {
        r.i = v.b ? 1 : 0;
      } else if (v.kind == Value::Kind::kFloat) {
        if (!std::isfinite(v.d) || v.d >= 9.2233720368547758e18 || v.d < -9.2233720368547758e18) {
          return Status::InvalidArgument(fmt::format("int(): {} is out of range", v.d));
        }
        r.i = int64_t(v.d);
      } else if (v.kind == Value::Kind::kString) {
        std::string_view t = TrimSpace(v.str());
        if (!t.empty() && t[0] == '+') t.remove_prefix(1);
        auto res = std::from_chars(t.data(), t.data() + t.size(), r.i);
        if (res.ec != std::errc() || res.ptr != t.data() + t.size() || t.empty()) {
          return Status::InvalidArgument(fmt::format("int(): cannot convert \"{}\" to an integer",
                                                     v.str().substr(0, 64)));
        }
      } else {
        return Status::InvalidArgument(fmt::format("int(): cannot convert {} to an integer", KindName(v)));
      }
      *out = std::move(r);
      return Status::OK();
    }
    case Func::kFloat: {
      Value r;
      r.kind = Value::Kind::kFloat;
      if (v.kind == Value::Kind::kInt) {
        r.d = double(v.i);
      } else if (v.kind == Value::Kind::kFloat) {
        r.d = v.d;
      } else if (v.kind == Value::Kind::kBool) {
        r.d = v.b ? 1 : 0;
      } else if (v.kind == Value::Kind::kString) {
        std::string_view t = TrimSpace(v.str());
        if (!t.empty() && t[0] == '+') t.remove_prefix(1);
        auto res = std::from_chars(t.data(), t.data() + t.size(), r.d);
        if (res.ec != std::errc() || res.ptr != t.data() + t.size() || t.empty()) {
          return Status::InvalidArgument(fmt::format("float(): cannot convert \"{}\" to a number",
                                                     v.str().substr(0, 64)));
        }
      } else {
        return Status::InvalidArgument(fmt::format("float(): cannot convert {} to a number", KindName(v)));
      }
      *out = std::move(r);
      return Status::OK();
    }
    default:
      return Status::Internal("unhandled function");
  }
}

}  // namespace kappa::connect
