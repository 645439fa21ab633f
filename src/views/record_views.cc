// The records views: a news item, a leaderboard place (views/views.h).
#include "records/news.h"
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

json NewsListJson(const std::vector<NewsItem>& items, size_t offset, size_t limit) {
  json all = json::array();
  for (auto it = items.rbegin(); it != items.rend(); ++it) all.push_back(NewsJson(*it));
  json out = json::object();
  PutPage(&out, "items", all, offset, limit);
  return out;
}

json StandingJson(const RecordsUniverse& u, const Standing& s, const std::string& value) {
  const Entity e = u.Describe(s.entity);
  json r = {{"rank", s.rank}, {"kind", EntityKindName(e.kind)}, {"id", e.id}, {"name", e.name},
            {"evidence", s.evidence}};
  if (value != "-" && !value.empty()) r[value] = s.value;
  if (s.day) r["date"] = FormatDate(s.day);
  if (s.from) r["from"] = FormatDate(*s.from);
  if (s.reached) r["reached"] = s.reached;
  return r;
}

json LinkOf(const RecordsUniverse& u, uint32_t e) {
  const Entity d = u.Describe(e);
  switch (d.kind) {
    case EntityKind::kTrack:
      return {{"type", "track"}, {"id", d.track ? d.track->id : d.id}};
    case EntityKind::kSong:
      return d.track ? json{{"type", "track"}, {"id", d.track->id}} : json();
    case EntityKind::kRelease:
      return {{"type", "release"}, {"id", d.id}};
    case EntityKind::kArtist:
      return {{"type", "artist"}, {"id", d.id}};
  }
  return json();
}

json ListenerBoardJson(const RecordsUniverse& u, const ListenerBoardResult& board, EntityKind kind,
                       ListenerWindow window, const std::string& country, const std::string& service,
                       const Filter& where, Day last_date, size_t offset, size_t limit) {
  json rows = json::array();
  size_t rank = 0;
  for (const auto& x : board.standings) {
    if (!where.Matches(u, x.entity)) continue;
    const Entity e = u.Describe(x.entity);
    rows.push_back({{"rank", ++rank},
                    {"kind", EntityKindName(e.kind)},
                    {"id", e.id},
                    {"name", e.name},
                    {"link", LinkOf(u, x.entity)},
                    {"listeners", x.listeners},
                    {"before", x.before},
                    {"change", static_cast<int64_t>(x.listeners) - static_cast<int64_t>(x.before)},
                    {"peak", x.peak},
                    {"peak_date", FormatDate(x.peak_day)}});
  }
  json out = {{"window", ListenerWindowName(window)},
              {"country", country.empty() ? json() : json(country)},
              {"service", service.empty() ? json() : json(service)},
              {"title", std::string(window == ListenerWindow::k28Days ? "Monthly listeners" : "Listeners") +
                            " of " + std::string(EntityKindName(kind)) + "s" + (country.empty() ? "" : " in " + country) +
                            (where.text().empty() ? "" : " (" + where.text() + ")")},
              {"kind", EntityKindName(kind)},
              {"where", where.text()},
              {"date", FormatDate(board.day)},
              {"from", FormatDate(board.from)},
              {"last_date", FormatDate(last_date)},
              {"days_without_sets", board.days_without_sets}};
  PutPage(&out, "standings", rows, offset, limit);
  return out;
}

json ReignsJson(const RecordsUniverse& u, const std::vector<Reign>& reigns) {
  json out = json::array();
  for (const Reign& g : reigns) {
    const Entity e = u.Describe(g.entity);
    out.push_back({{"id", e.id},
                   {"name", e.name},
                   {"link", LinkOf(u, g.entity)},
                   {"days", g.value},
                   {"from", FormatDate(g.from)},
                   {"to", DateOrNull(g.to)}});
  }
  return out;
}

std::string BoardTitle(BoardKind board, EntityKind kind, int64_t n, int year, const std::string& unit,
                       const Filter& filter) {
  const std::string plural = std::string(EntityKindName(kind)) + "s";
  std::string title;
  switch (board) {
    case BoardKind::kFastest:
      title = "Fastest " + plural + " to " + ShortNumber(n) + " " + unit;
      break;
    case BoardKind::kRace: {
      std::string capital = plural;
      capital[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(capital[0])));
      title = capital + " to " + ShortNumber(n) + " " + unit + " in " + std::to_string(year) +
              " (day of the year)";
      break;
    }
    case BoardKind::kFirst:
      title = "First " + plural + " to " + ShortNumber(n) + " " + unit +
              (year ? " in " + std::to_string(year) : std::string());
      break;
    case BoardKind::kMost: {
      std::string period = "all time";
      if (filter.from || filter.to) {
        period = (filter.from ? FormatDate(*filter.from) : "") + ".." +
                 (filter.to ? FormatDate(*filter.to) : "");
      }
      title = "Most streamed " + plural + (unit == "streams" ? "" : " (" + unit + ")") + ", " + period;
      break;
    }
  }
  return title + (filter.text().empty() ? "" : " (" + filter.text() + ")");
}

json BoardJson(const RecordsUniverse& u, const std::string& title, std::optional<int64_t> n,
               EntityKind kind, const Filter& filter, const std::vector<Standing>& standings,
               const std::string& value, size_t offset, size_t limit) {
  json rows = json::array();
  for (const Standing& x : standings) {
    json j = StandingJson(u, x, value);
    j["link"] = LinkOf(u, x.entity);
    rows.push_back(std::move(j));
  }
  json out = {{"title", title},
              {"kind", EntityKindName(kind)},
              {"n", n ? json(*n) : json()},
              {"where", filter.text()}};
  PutPage(&out, "standings", rows, offset, limit);
  return out;
}

}  // namespace encore::views
