// The shapes every view shares (views/views.h).
#include <cmath>

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

}  // namespace encore::views
