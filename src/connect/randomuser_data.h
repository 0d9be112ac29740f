// Static per-nationality data of the synthetic randomuser source (names, places, formats).
// Private to connect. The tables are modelled on what randomuser.me v1.4 returns per `nat`.
#pragma once

#include <span>
#include <string_view>

namespace kappa::connect {

struct Place {
  std::string_view city;
  std::string_view state;
};

struct TimeZone {
  std::string_view offset;       // "+5:30", "0:00", "-3:30"
  std::string_view description;  // "Bombay, Calcutta, Madras, New Delhi"
};

// Format patterns: '#' is a random digit, 'A' a random upper-case letter, anything else is
// copied as is.
struct Nationality {
  std::string_view code;     // "US"
  std::string_view country;  // "United States"
  std::span<const std::string_view> male;
  std::span<const std::string_view> female;
  std::span<const std::string_view> last;
  std::span<const Place> places;
  std::span<const std::string_view> streets;
  // Postcode: a JSON number in [postcode_min, postcode_max] when postcode_pattern is empty,
  // otherwise a JSON string from the pattern (GB, CA, NL, ... as the real API does).
  int postcode_min;
  int postcode_max;
  std::string_view postcode_pattern;
  std::string_view phone_pattern;
  std::string_view cell_pattern;
  std::string_view id_name;     // "SSN"; "" where the real API has no id
  std::string_view id_pattern;  // "" -> id.value is null
};

std::span<const Nationality> Nationalities();
std::span<const TimeZone> TimeZones();
std::span<const std::string_view> Passwords();
std::span<const std::string_view> UsernameAdjectives();
std::span<const std::string_view> UsernameNouns();

}  // namespace kappa::connect
