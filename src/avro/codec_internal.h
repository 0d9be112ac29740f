// What the codec's files share. Private to src/avro.
#pragma once

#include <avro.h>

#include <string>
#include <string_view>

#include "avro/avro.h"

namespace kappa::avro {

// libavro-c's side of a Codec: the parsed schema and its generic value class.
struct Codec::Avro {
  ~Avro();
  avro_schema_t schema = nullptr;
  avro_value_iface_t* iface = nullptr;
};

// The JSON spellings both decoders share, so their output is byte for byte the same.
void AppendJsonDouble(double v, std::string* out);
void AppendJsonFloat(float v, std::string* out);
// Bytes as a JSON string of code points 0-255 (Avro's JSON encoding of bytes and fixed).
void AppendJsonBytes(std::string_view bytes, std::string* out);

}  // namespace kappa::avro
