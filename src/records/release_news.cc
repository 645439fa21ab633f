// Release news from the catalog (doc/records.md, "News"): a release as news on its date, with what
// makes it a story: an artist's debut, the first solo release since the last one, the first
// album in years, the first collaboration of two artists.
#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "encore/records.h"

namespace encore {
namespace {

using nlohmann::json;

std::string Noun(const Release& r) {
  switch (r.type) {
    case ReleaseType::kAlbum:
      return "album";
    case ReleaseType::kEp:
      return "EP";
    case ReleaseType::kSingle:
      return "single";
  }
  return "release";
}

std::string Possessive(const std::string& name) {
  return name + (!name.empty() && (name.back() == 's' || name.back() == 'S') ? "'" : "'s");
}

std::string NameOf(const Catalog& c, const std::string& id) {
  const Artist* a = c.ArtistById(id);
  return a ? a->name : id;
}

std::string Joined(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) {
    s += (i == 0 ? "" : i + 1 == names.size() ? " & " : ", ") + names[i];
  }
  return s;
}

}  // namespace

std::vector<NewsItem> ReleaseNews(const Catalog& c, const std::set<std::string>& done, Day from,
                                  Day to) {
  // Each artist's releases (as a release's artists credit them), by date.
  std::map<std::string, std::vector<const Release*>> by_artist;
  for (const Release& r : c.releases()) {
    for (const auto& a : r.artists) by_artist[a].push_back(&r);
  }
  for (auto& [a, list] : by_artist) {
    std::stable_sort(list.begin(), list.end(),
                     [](const Release* x, const Release* y) { return x->date < y->date; });
  }
  // Who has worked with whom, and from when: the earliest date of a track that credits both
  // (as primary or featured artists), by the release it is on.
  std::map<std::pair<std::string, std::string>, Day> together;
  std::map<std::string, std::vector<const Track*>> tracks_of_release;
  for (const Track& t : c.tracks()) {
    const Release* r = c.ReleaseById(t.release_id);
    if (!r) continue;
    tracks_of_release[r->id].push_back(&t);
    std::vector<std::string> all = t.primary;
    all.insert(all.end(), t.featured.begin(), t.featured.end());
    for (const auto& x : all) {
      for (const auto& y : all) {
        if (x >= y) continue;
        auto [it, added] = together.emplace(std::pair{x, y}, r->date);
        if (!added) it->second = std::min(it->second, r->date);
      }
    }
  }
  std::vector<const Release*> releases;
  // Unranked acts' releases (RecordsUniverse::Unranked) make no news.
  for (const Release& r : c.releases()) {
    if (r.date >= from && r.date <= to && !done.count("release:" + r.id) && !c.AllUnranked(r.artists))
      releases.push_back(&r);
  }
  std::stable_sort(releases.begin(), releases.end(),
                   [](const Release* x, const Release* y) { return x->date < y->date; });
  std::vector<NewsItem> out;
  for (const Release* r : releases) {
    std::vector<std::string> names, context;
    json artists = json::array();
    for (const auto& id : r->artists) names.push_back(NameOf(c, id));
    for (const auto& id : r->artists) {
      const Artist* a = c.ArtistById(id);
      const std::string name = NameOf(c, id);
      const size_t said = context.size();
      const bool solo = r->artists.size() == 1 && (!a || a->kind != ArtistKind::kGroup);
      std::vector<const Release*> before;
      for (const Release* p : by_artist[id]) {
        if (p->date < r->date) before.push_back(p);
      }
      json evidence = {{"artist", id}, {"releases_before", before.size()}};
      // The catalog holds the start of the artist's career when it knows when it began (`begin`)
      // and holds a release within a year of it, or when the artist is a group's member (a solo
      // career the catalog follows from its first solo release): only then is a first release or
      // album a debut. Otherwise (Miley Cyrus, or the persona Agust D, in the demo catalog: no
      // `begin`) the first one held is only the first in the catalog (issue 18: "Flowers … Miley
      // Cyrus' debut single" was false).
      const bool start_held =
          a && (!a->member_of.empty() ||
                (a->begin && !by_artist[id].empty() && by_artist[id].front()->date - *a->begin <= 365));
      if (before.empty()) {
        // A member of a group on a release of their own makes a solo debut.
        const bool member = a && !a->member_of.empty();
        if (member && solo) {
          context.push_back(Possessive(name) + " solo debut " + Noun(*r));
        } else if (start_held) {
          context.push_back(Possessive(name) + " debut " + Noun(*r));
        } else {
          context.push_back(Possessive(name) + " first " + Noun(*r) + " in the catalog" +
                            (a && a->begin ? " (active since " + FormatDate(*a->begin) + ")" : ""));
        }
        artists.push_back(evidence);
        continue;
      }
      // The last release of the same kind (solo, or with others) before this one.
      const Release* last = nullptr;
      for (const Release* p : before) {
        if ((p->artists.size() == 1) == (r->artists.size() == 1)) last = p;
      }
      auto describe = [&](const Release* p) {
        const bool debut_album =
            p->type == ReleaseType::kAlbum &&
            std::none_of(before.begin(), before.end(), [&](const Release* q) {
              return q->type == ReleaseType::kAlbum && q->date < p->date;
            });
        return std::string(debut_album && start_held ? "the debut album " : "the " + Noun(*p) + " ") +
               p->title + " (" + FormatDate(p->date) + ")";
      };
      if (r->type == ReleaseType::kAlbum) {
        const Release* last_album = nullptr;
        for (const Release* p : before) {
          if (p->type == ReleaseType::kAlbum) last_album = p;
        }
        if (!last_album) {
          context.push_back(Possessive(name) + (start_held ? " debut album" : " first album in the catalog"));
        } else {
          // Whole calendar years between the two dates (an anniversary counts).
          int y1, y2;
          unsigned m1, m2, d1, d2;
          CivilFromDay(last_album->date, &y1, &m1, &d1);
          CivilFromDay(r->date, &y2, &m2, &d2);
          const int years = y2 - y1 - ((m2 < m1 || (m2 == m1 && d2 < d1)) ? 1 : 0);
          if (years >= 2) {
            context.push_back(Possessive(name) + " first album in " + std::to_string(years) +
                              " years, since " + describe(last_album));
          }
          evidence["previous_album"] = {{"release", last_album->id},
                                        {"date", FormatDate(last_album->date)}};
        }
      }
      if (last && context.size() == said) {
        context.push_back(Possessive(name) + " first " + (solo ? "solo " : "") + "release since " +
                          describe(last));
      }
      if (last) {
        evidence["previous"] = {{"release", last->id}, {"date", FormatDate(last->date)}};
      }
      artists.push_back(evidence);
    }
    // Collaborations this release begins: pairs credited together for the first time.
    json firsts = json::array();
    for (const Track* t : tracks_of_release[r->id]) {
      std::vector<std::string> all = t->primary;
      all.insert(all.end(), t->featured.begin(), t->featured.end());
      for (const auto& x : all) {
        for (const auto& y : all) {
          if (x >= y) continue;
          auto it = together.find({x, y});
          if (it == together.end() || it->second != r->date) continue;
          // Earlier tracks on this same date (another release) do not make it a first here.
          const std::string pair = NameOf(c, x) + " and " + NameOf(c, y);
          if (std::find(firsts.begin(), firsts.end(), pair) != firsts.end()) continue;
          firsts.push_back(pair);
          context.push_back("the first collaboration of " + pair);
        }
      }
    }
    NewsItem n;
    n.day = r->date;
    n.kind = "release";
    n.entity = "release:" + r->id;
    n.text = r->title + " by " + Joined(names) + " is out (" + Noun(*r) + ", " +
             FormatDate(r->date) + ")";
    for (size_t i = 0; i < context.size(); ++i) n.text += (i == 0 ? ": " : "; ") + context[i];
    n.evidence = json{{"release", r->id},
                      {"title", r->title},
                      {"type", Noun(*r)},
                      {"date", FormatDate(r->date)},
                      {"artists", artists},
                      {"first_collaborations", firsts}}
                     .dump();
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace encore
