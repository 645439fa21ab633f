#include "encore/source.h"

#include <algorithm>

namespace encore {
namespace {
constexpr std::string_view kNames[kRejectReasonCount] = {
    "bad_csv",   "bad_json",      "missing_field", "bad_timestamp",  "bad_user",
    "bad_track", "bad_ms_played", "bad_country",   "bad_tier",       "bad_service",
    "bad_date",  "bad_streams",   "late",          "record_too_long"};
}  // namespace

std::string_view RejectReasonName(RejectReason r) {
  const auto i = static_cast<size_t>(r);
  return i < kRejectReasonCount ? kNames[i] : "unknown";
}

std::optional<RejectReason> ParseRejectReason(std::string_view name) {
  for (size_t i = 0; i < kRejectReasonCount; ++i) {
    if (kNames[i] == name) return static_cast<RejectReason>(i);
  }
  return std::nullopt;
}

void SourceSummary::Add(const SourceSummary& o) {
  lines += o.lines;
  blank_lines += o.blank_lines;
  plays += o.plays;
  streams += o.streams;
  counted += o.counted;
  capped += o.capped;
  short_plays += o.short_plays;
  skipped += o.skipped;
  rejected += o.rejected;
  for (size_t i = 0; i < kRejectReasonCount; ++i) rejected_by[i] += o.rejected_by[i];
  tracks += o.tracks;
  unmatched_tracks += o.unmatched_tracks;
  if (o.first_day >= 0) first_day = first_day < 0 ? o.first_day : std::min(first_day, o.first_day);
  last_day = std::max(last_day, o.last_day);
}

}  // namespace encore
