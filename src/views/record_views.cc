// The records views: a news item, a leaderboard place (views/views.h).
#include "views/views.h"

namespace encore::views {

json NewsJson(const NewsItem& n) {
  json j = {{"seq", n.seq},   {"date", FormatDate(n.day)},
            {"kind", n.kind}, {"entity", n.entity},
            {"text", n.text}, {"evidence", json::parse(n.evidence, nullptr, false)}};
  if (n.threshold) j["threshold"] = n.threshold;
  if (n.year) j["year"] = n.year;
  return j;
}

json StandingJson(const RecordsUniverse& u, const Standing& s, const std::string& value) {
  const Entity e = u.Describe(s.entity);
  json r = {{"rank", s.rank}, {"kind", EntityKindName(e.kind)}, {"id", e.id}, {"name", e.name},
            {value, s.value}, {"evidence", s.evidence}};
  if (s.day) r["date"] = FormatDate(s.day);
  if (s.from) r["from"] = FormatDate(*s.from);
  if (s.reached) r["reached"] = s.reached;
  return r;
}

}  // namespace encore::views
