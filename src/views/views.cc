// The shapes every view shares (views/views.h).
#include <cmath>
#include <filesystem>

#include "views/views.h"

namespace encore::views {

json Number(double v) {
  const double r = std::round(v);
  if (std::fabs(v - r) < 1e-9 && std::fabs(r) < 9e15) return static_cast<int64_t>(r);
  return v;
}

json DateOrNull(std::optional<Day> d) { return d ? json(FormatDate(*d)) : json(); }

void PutPage(json* out, const std::string& key, const json& items, size_t offset, size_t limit) {
  json slice = json::array();
  for (size_t i = offset; i < items.size() && i < offset + limit; ++i) slice.push_back(items[i]);
  (*out)[key] = std::move(slice);
  (*out)["total"] = items.size();
  (*out)["offset"] = offset;
  (*out)["limit"] = limit;
  (*out)["next_offset"] = offset + limit < items.size() ? json(offset + limit) : json();
}

json StoreStatusJson(const CountStore& store, const std::string& name) {
  const StoreStats st = store.Stats();
  const auto days = store.Days();
  json sources = json::array();
  for (const auto& src : store.Sources()) {
    sources.push_back(
        {{"id", src.fingerprint.substr(0, 12)},
         {"kind", src.kind},
         {"file", std::filesystem::path(src.path).filename().string()},
         {"ingested_at", src.ingested_at},
         {"generation", src.generation},
         {"lines", src.summary.lines},
         {"counted", src.summary.counted},
         {"rejected", src.summary.rejected},
         {"first_day", src.summary.first_day >= 0 ? json(FormatDate(src.summary.first_day)) : json()},
         {"last_day", src.summary.last_day >= 0 ? json(FormatDate(src.summary.last_day)) : json()}});
  }
  return json{{"store", name},
              {"generation", st.generation},
              {"rule",
               {{"min_ms", store.rules().min_ms},
                {"cap", store.rules().cap},
                {"listeners", ListenersRule(store.rules())}}},
              {"days",
               {{"count", st.days},
                {"open", st.open_days},
                {"first", days.empty() ? json() : json(FormatDate(days.front()))},
                {"last", days.empty() ? json() : json(FormatDate(days.back()))},
                {"sealed_before", DateOrNull(store.sealed_before())}}},
              {"streams", st.streams},
              {"tracks", st.tracks},
              {"services", store.services()},
              {"bytes", st.bytes},
              {"listeners",
               {{"histories", st.listeners},
                {"history_streams", st.history_plays},
                {"set_days", st.listener_days},
                {"users", st.users},
                {"entries", st.listener_entries},
                {"bytes", st.listener_bytes}}},
              {"sources", sources}};
}

}  // namespace encore::views
