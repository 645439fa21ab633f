#include "encore/source.h"

#include <algorithm>

namespace encore {
namespace {
constexpr std::string_view kNames[kRejectReasonCount] = {
    "bad_csv",   "bad_json",      "missing_field", "bad_timestamp",  "bad_user",
    "bad_track", "bad_ms_played", "bad_country",   "bad_tier",       "bad_service",
    "bad_date",  "bad_streams",   "late",          "record_too_long", "implausible_time"};
constexpr std::string_view kSkipNames[kSkipKindCount] = {"podcast", "audiobook", "video",
                                                         "not_a_play_event", "now_playing"};
}  // namespace

std::string_view SkipKindName(SkipKind k) {
  const auto i = static_cast<size_t>(k);
  return i < kSkipKindCount ? kSkipNames[i] : "unknown";
}

std::optional<SkipKind> ParseSkipKind(std::string_view name) {
  for (size_t i = 0; i < kSkipKindCount; ++i) {
    if (kSkipNames[i] == name) return static_cast<SkipKind>(i);
  }
  return std::nullopt;
}

bool IsHistoryKind(std::string_view kind) {
  return kind != "plays-csv" && kind != "plays-jsonl" && kind != "daily-csv";
}

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
  for (size_t i = 0; i < kSkipKindCount; ++i) skipped_by[i] += o.skipped_by[i];
  duplicates += o.duplicates;
  rejected += o.rejected;
  for (size_t i = 0; i < kRejectReasonCount; ++i) rejected_by[i] += o.rejected_by[i];
  tracks += o.tracks;
  unmatched_tracks += o.unmatched_tracks;
  if (o.first_day >= 0) first_day = first_day < 0 ? o.first_day : std::min(first_day, o.first_day);
  last_day = std::max(last_day, o.last_day);
}

}  // namespace encore
