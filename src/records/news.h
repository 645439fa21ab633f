// News: sentences about the crossings an update found, with their evidence (doc/records.md).
#pragma once

#include <string>
#include <vector>

#include "encore/records.h"

namespace encore {

// A crossing an earlier update had that the recompute no longer has (late data moved it).
struct Withdrawn {
  std::string key;   // RecordsUniverse::Key
  std::string name;  // what the entity is called now ("" when it is gone)
  int32_t year = 0;
  int64_t threshold = 0;
  Day day = 0;
};

// The news of `fresh` (crossings new or moved since the last update, indexes into `all`) and of
// the withdrawn ones, ordered by day. `all` is every crossing now known.
std::vector<NewsItem> MakeNews(const RecordsUniverse& u, const std::vector<Crossing>& all,
                               const std::vector<Day>& first_day, const std::vector<size_t>& fresh,
                               const std::vector<Withdrawn>& withdrawn,
                               const RecordsSettings& settings);

// "1 billion", "1.4 billion", "300 million", "25,000".
std::string ShortNumber(int64_t n);
// "1 day", "2 days": a count and its noun, singular or plural ("country" -> "countries").
std::string Counted(int64_t n, const std::string& noun);
// "first", "second", … "tenth", then "11th".
std::string Ordinal(int n);

}  // namespace encore
