#include "store/manifest.h"

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "store/column_file.h"
#include "store/store_format.h"

namespace encore {
namespace {

using nlohmann::json;

json SummaryToJson(const SourceSummary& s) {
  json skipped = json::object();
  for (size_t i = 0; i < kSkipKindCount; ++i) {
    if (s.skipped_by[i])
      skipped[std::string(SkipKindName(static_cast<SkipKind>(i)))] = s.skipped_by[i];
  }
  json by = json::object();
  for (size_t i = 0; i < kRejectReasonCount; ++i) {
    if (s.rejected_by[i])
      by[std::string(RejectReasonName(static_cast<RejectReason>(i)))] = s.rejected_by[i];
  }
  return {{"lines", s.lines},
          {"blank_lines", s.blank_lines},
          {"plays", s.plays},
          {"streams", s.streams},
          {"counted", s.counted},
          {"capped", s.capped},
          {"short_plays", s.short_plays},
          {"skipped", s.skipped},
          {"skipped_by", skipped},
          {"duplicates", s.duplicates},
          {"rejected", s.rejected},
          {"rejected_by", by},
          {"tracks", s.tracks},
          {"unmatched_tracks", s.unmatched_tracks},
          {"first_day", s.first_day},
          {"last_day", s.last_day}};
}

SourceSummary SummaryFromJson(const json& j) {
  SourceSummary s;
  s.lines = j.at("lines");
  s.blank_lines = j.at("blank_lines");
  s.plays = j.at("plays");
  s.streams = j.at("streams");
  s.counted = j.at("counted");
  s.capped = j.at("capped");
  s.short_plays = j.at("short_plays");
  s.skipped = j.at("skipped");
  // Added with personal histories; older manifests have neither.
  const json skipped_by = j.value("skipped_by", json::object());
  for (const auto& [k, v] : skipped_by.items()) {
    if (auto kind = ParseSkipKind(k)) s.skipped_by[static_cast<size_t>(*kind)] = v;
  }
  s.duplicates = j.value("duplicates", uint64_t{0});
  s.rejected = j.at("rejected");
  for (const auto& [k, v] : j.at("rejected_by").items()) {
    if (auto r = ParseRejectReason(k)) s.rejected_by[static_cast<size_t>(*r)] = v;
  }
  s.tracks = j.at("tracks");
  s.unmatched_tracks = j.at("unmatched_tracks");
  s.first_day = j.at("first_day");
  s.last_day = j.at("last_day");
  return s;
}

}  // namespace

std::string EncodeManifest(const Manifest& m) {
  json days = json::object();
  for (const auto& [day, d] : m.days) {
    json& jd = days[FormatDate(day)] = {
        {"segment", d.segment}, {"state", d.state}, {"rows", d.rows}, {"streams", d.streams}};
    if (!d.listeners.empty()) {
      jd["listeners"] = d.listeners;
      jd["listener_entries"] = d.listener_entries;
      if (d.listeners_partial) jd["listeners_partial"] = true;
    }
  }
  json sources = json::array();
  for (const auto& s : m.sources) {
    sources.push_back({{"fingerprint", s.record.fingerprint},
                       {"probe", s.record.probe},
                       {"path", s.record.path},
                       {"kind", s.record.kind},
                       {"ingested_at", s.record.ingested_at},
                       {"generation", s.record.generation},
                       {"rejects", s.rejects},
                       {"summary", SummaryToJson(s.record.summary)}});
  }
  json histories = json::array();
  for (const auto& [key, h] : m.histories) {
    char user[17];
    std::snprintf(user, sizeof user, "%016llx", static_cast<unsigned long long>(key.user));
    histories.push_back(
        {{"service", key.service}, {"user", user}, {"file", h.file}, {"plays", h.plays}});
  }
  json body = {{"generation", m.generation},
               {"rules",
                {{"min_ms", m.rules.min_ms},
                 {"cap", m.rules.cap},
                 {"listeners", ListenersRule(m.rules)}}},
               {"sealed_before", m.sealed_before ? json(FormatDate(*m.sealed_before)) : json()},
               {"services", m.services},
               {"tracks", {{"file", m.tracks_file}, {"count", m.track_count}}},
               {"users", {{"file", m.users_file}, {"count", m.user_count}}},
               {"days", days},
               {"sources", sources},
               {"histories", histories}};
  // Invalid UTF-8 in a path must not make the manifest unwritable.
  const std::string text = body.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
  char header[96];
  std::snprintf(header, sizeof header, "%s %u %08x %zu\n", store_format::kManifestHeader.data(),
                store_format::kVersion, Crc32(text), text.size());
  return header + text;
}

Result<Manifest> DecodeManifest(const std::string& data, const std::string& name) {
  const size_t nl = data.find('\n');
  unsigned version = 0, crc = 0;
  size_t size = 0;
  char magic[32] = {};
  if (nl == std::string::npos ||
      std::sscanf(data.substr(0, nl).c_str(), "%31s %u %x %zu", magic, &version, &crc, &size) !=
          4 ||
      magic != store_format::kManifestHeader) {
    return Status::Corruption(name + ": not an encore manifest");
  }
  if (version != store_format::kVersion) return Status::Corruption(name + ": unknown version");
  const std::string_view text = std::string_view(data).substr(nl + 1);
  if (text.size() != size || Crc32(text) != crc) {
    return Status::Corruption(name + ": checksum or length mismatch");
  }
  try {
    const json j = json::parse(text);
    Manifest m;
    m.generation = j.at("generation");
    m.rules.min_ms = j.at("rules").at("min_ms");
    m.rules.cap = j.at("rules").at("cap");
    // (Absent before the rule could be chosen: streams.)
    if (const auto& r = j.at("rules"); r.contains("listeners")) {
      const std::string who = r.at("listeners").get<std::string>();
      if (who != "plays" && who != "streams") {
        return Status::Corruption(name + ": rules.listeners is neither plays nor streams");
      }
      m.rules.every_play_listens = who == "plays";
    }
    if (!j.at("sealed_before").is_null()) {
      m.sealed_before = ParseDate(j.at("sealed_before").get<std::string>());
      if (!m.sealed_before) return Status::Corruption(name + ": bad sealed_before");
    }
    m.services = j.at("services").get<std::vector<std::string>>();
    m.tracks_file = j.at("tracks").at("file");
    m.track_count = j.at("tracks").at("count");
    if (j.contains("users")) {
      m.users_file = j.at("users").at("file");
      m.user_count = j.at("users").at("count");
    }
    for (const auto& [k, v] : j.at("days").items()) {
      const auto day = ParseDate(k);
      if (!day) return Status::Corruption(name + ": bad day " + k);
      // Listener sets came with issue 17; older manifests have none.
      m.days[*day] = {v.at("segment"), v.at("state"), v.at("rows"), v.at("streams"),
                      v.value("listeners", ""), v.value("listener_entries", uint64_t{0}),
                      v.value("listeners_partial", false)};
    }
    for (const auto& s : j.at("sources")) {
      ManifestSource ms;
      ms.record.fingerprint = s.at("fingerprint");
      ms.record.probe = s.value("probe", "");
      ms.record.path = s.at("path");
      ms.record.kind = s.at("kind");
      ms.record.ingested_at = s.at("ingested_at");
      ms.record.generation = s.at("generation");
      ms.record.summary = SummaryFromJson(s.at("summary"));
      ms.rejects = s.at("rejects");
      m.sources.push_back(std::move(ms));
    }
    for (const auto& h : j.value("histories", json::array())) {  // absent before histories
      ListenerKey key;
      key.service = h.at("service");
      const std::string user = h.at("user");
      char* end = nullptr;
      key.user = std::strtoull(user.c_str(), &end, 16);
      if (user.size() != 16 || end != user.c_str() + 16 || key.service >= m.services.size()) {
        return Status::Corruption(name + ": bad history entry");
      }
      m.histories[key] = {h.at("file"), h.at("plays")};
    }
    return m;
  } catch (const json::exception& e) {
    return Status::Corruption(name + ": " + e.what());
  }
}

}  // namespace encore
