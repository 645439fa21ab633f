// "No. 1 on iTunes in N countries within T hours" from the stores' own feed snapshots, as kworb
// counts it (doc/records.md, "Store No. 1s from feed snapshots"): per country, the first snapshot
// from the start where the song is No. 1; the countries whose first No. 1 is within T hours of
// the start (the first snapshot anywhere listing the song, or --from).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "catalog/names.h"
#include "common/strings.h"
#include "encore/catalog.h"
#include "encore/store_feeds.h"

namespace encore {

size_t StoreTopsResult::CountWithin(int64_t seconds) const {
  return static_cast<size_t>(std::count_if(tops.begin(), tops.end(),
                                           [&](const CountryTop& t) { return t.after <= seconds; }));
}

std::optional<int64_t> ParseHours(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  double total = 0;
  bool any = false;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == 0) return std::nullopt;
    const std::string number(s.substr(0, i));
    char* end = nullptr;
    const double v = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size() || !std::isfinite(v)) return std::nullopt;
    s.remove_prefix(i);
    size_t j = 0;
    while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
    const std::string unit(s.substr(0, j));
    s = Trim(s.substr(j));
    if (unit.empty() || unit == "h" || unit == "hours" || unit == "hour" || unit == "hr") {
      total += v * 3600;
    } else if (unit == "m" || unit == "min" || unit == "mins" || unit == "minutes") {
      total += v * 60;
    } else if (unit == "s") {
      total += v;
    } else {
      return std::nullopt;
    }
    any = true;
    if (unit.empty() && !s.empty()) return std::nullopt;
  }
  if (!any || total <= 0 || total > 1e9) return std::nullopt;
  return static_cast<int64_t>(std::llround(total));
}

std::vector<std::string> SongKeysOf(const Catalog* catalog, const std::string& query) {
  std::vector<std::string> keys;
  auto add = [&](std::string k) {
    if (k.empty() || k[0] == '|' || k.back() == '|') return;
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(std::move(k));
  };
  const size_t dash = query.find(" - ");
  if (dash == std::string::npos && catalog) {
    // A title (or a track id or ISRC) alone: the catalog's song of that name, when one song has
    // it, as "Artist - Title".
    const std::string want = NormalizeName(ParseTitle(query).base);
    std::set<std::string> songs;
    const Track* hit = nullptr;
    for (const Track& t : catalog->tracks()) {
      if (t.id == query || (!t.isrc.empty() && t.isrc == query) ||
          NormalizeName(ParseTitle(t.title).base) == want) {
        songs.insert(catalog->SongKeyOf(t));
        if (!hit) hit = &t;
      }
    }
    if (songs.size() == 1 && !hit->primary.empty())
      return SongKeysOf(catalog, catalog->NamesOf(hit->primary, " & ") + " - " + hit->title);
  }
  if (catalog && !catalog->tracks().empty()) {
    const Resolution r = Resolve(*catalog, query);
    if (r.match || !r.versions.empty()) {
      add(r.song_key);
      const Track* t = r.match ? r.match : r.versions.front();
      add(catalog->SongKeyOf(*t));
      // The lead artist under each of its names and aliases, as feeds print them.
      for (const Artist* a : r.artists) {
        add(SongKey(a->name, r.base_title));
        for (const std::string& alias : a->aliases) add(SongKey(alias, r.base_title));
      }
    }
  }
  if (dash != std::string::npos) add(SongKey(query.substr(0, dash), query.substr(dash + 3)));
  return keys;
}

Result<StoreTopsResult> StoreTops(StoreFeeds& feeds, const Catalog* catalog,
                                  const std::string& query, const StoreTopsOptions& options) {
  StoreTopsResult out;
  out.query = query;
  out.within = options.within;
  out.songs = SongKeysOf(catalog, query);
  if (out.songs.empty() && options.ids.empty()) {
    return Status::InvalidArgument("'" + query +
                                   "': write \"Artist - Title\" (or a title the catalog knows), "
                                   "or give the store's id");
  }
  // Entries by name, then every entry sharing a store id with them (a retitled entry).
  ENCORE_ASSIGN_OR_RETURN(auto first, feeds.Sightings(options.store, options.kind, out.songs,
                                                      options.ids));
  std::set<std::string> ids(options.ids.begin(), options.ids.end());
  for (const SongSighting& s : first)
    if (!s.id.empty()) ids.insert(s.id);
  out.ids.assign(ids.begin(), ids.end());
  ENCORE_ASSIGN_OR_RETURN(auto sightings,
                          feeds.Sightings(options.store, options.kind, out.songs, out.ids));
  if (sightings.empty()) {
    return Status::NotFound("no " + options.store + " " + options.kind + " snapshot lists '" +
                            query + "'");
  }
  std::map<int64_t, const SongSighting*> best;  // snapshot -> its best position
  std::set<std::string> names;
  for (const SongSighting& s : sightings) {
    auto [it, fresh] = best.try_emplace(s.snapshot, &s);
    if (!fresh && s.position < it->second->position) it->second = &s;
    names.insert(s.artist + " - " + s.title);
  }
  out.names.assign(names.begin(), names.end());
  ENCORE_ASSIGN_OR_RETURN(auto heads, feeds.Snapshots(options.store, options.kind));
  // The start: --from, else the first snapshot listing the song (the earliest country's).
  if (options.from) {
    out.start = *options.from;
    out.start_from = "--from";
  } else {
    const SnapshotHead* first_seen = nullptr;
    for (const SnapshotHead& h : heads) {
      if (best.count(h.id)) {
        first_seen = &h;
        break;
      }
    }
    if (!first_seen) return Status::Internal("a sighting without its snapshot");
    out.start = first_seen->taken;
    out.start_from = "first listed: " + first_seen->country + " " +
                     FormatTimestamp(first_seen->taken) + " at No. " +
                     std::to_string(best[first_seen->id]->position);
  }
  const int64_t end = out.start + options.within;
  struct Seen {
    const SnapshotHead* before = nullptr;
    bool top = false;
  };
  std::map<std::string, Seen> by_country;
  std::set<std::string> seen_in_window, all_countries;
  for (const SnapshotHead& h : heads) {
    all_countries.insert(h.country);
    if (h.taken < out.start) continue;
    if (h.taken <= end) {
      seen_in_window.insert(h.country);
      ++out.snapshots_seen;
    }
    Seen& c = by_country[h.country];
    if (c.top) continue;
    const auto it = best.find(h.id);
    if (it == best.end() || it->second->position != 1) {
      c.before = &h;
      continue;
    }
    c.top = true;
    CountryTop t;
    t.country = h.country;
    t.taken = h.taken;
    t.after = h.taken - out.start;
    t.taken_from = h.taken_from;
    t.path = h.path;
    t.title = it->second->title;
    t.artist = it->second->artist;
    t.id = it->second->id;
    if (c.before) {
      t.before = c.before->taken;
      const auto b = best.find(c.before->id);
      t.before_position = b == best.end() ? 0 : b->second->position;
      t.before_top = c.before->top_artist + " - " + c.before->top_title;
    }
    out.tops.push_back(std::move(t));
  }
  std::sort(out.tops.begin(), out.tops.end(), [](const CountryTop& a, const CountryTop& b) {
    return a.after != b.after ? a.after < b.after : a.country < b.country;
  });
  out.countries_seen = seen_in_window.size();
  for (const std::string& c : all_countries)
    if (!seen_in_window.count(c)) out.not_seen.push_back(c);
  return out;
}

}  // namespace encore
