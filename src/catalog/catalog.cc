#include "encore/catalog.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "catalog/names.h"
#include "common/csv_scanner.h"
#include "common/hash.h"
#include "common/strings.h"
#include "encore/keys.h"

namespace encore {
namespace {

using Row = CatalogRow;

bool ReadCsv(const std::string& path, const std::string& file,
             const std::vector<std::string>& required, std::vector<Row>* rows,
             std::vector<CatalogIssue>* issues) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string data = ss.str();
  if (data.rfind("\xEF\xBB\xBF", 0) == 0) data.erase(0, 3);
  CsvRecordReader reader(data, 1, true);
  CsvRecordReader::Record rec;
  std::vector<std::string_view> fields;
  std::string scratch;
  std::vector<std::string> header;
  std::shared_ptr<const std::vector<std::string>> columns;  // the header, shared by the rows
  while (reader.Next(&rec)) {
    if (rec.raw.empty()) continue;
    if (!SplitCsv(rec.raw, &fields, &scratch)) {
      issues->push_back({file, rec.line, "not valid CSV"});
      continue;
    }
    if (header.empty()) {
      header.assign(fields.begin(), fields.end());
      for (const auto& r : required) {
        if (std::find(header.begin(), header.end(), r) == header.end()) {
          issues->push_back({file, 1, "missing column '" + r + "'"});
        }
      }
      continue;
    }
    if (fields.size() != header.size()) {
      issues->push_back({file, rec.line,
                         "expected " + std::to_string(header.size()) + " fields, found " +
                             std::to_string(fields.size())});
      continue;
    }
    if (!columns) columns = std::make_shared<const std::vector<std::string>>(header);
    Row& row = rows->emplace_back();
    row.line = rec.line;
    row.columns = columns;
    row.values.assign(fields.begin(), fields.end());
  }
  return true;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ";") {
    if (c == ';') {
      if (const std::string_view name = Trim(cur); !name.empty()) out.emplace_back(name);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

bool Covers(const Membership& m, std::optional<Day> on) {
  if (!on) return true;
  return (!m.from || *on >= *m.from) && (!m.to || *on <= *m.to);
}

}  // namespace

std::string_view ArtistKindName(ArtistKind k) {
  switch (k) {
    case ArtistKind::kPerson:
      return "person";
    case ArtistKind::kGroup:
      return "group";
    case ArtistKind::kProject:
      return "project";
  }
  return "person";
}

std::string_view ReleaseTypeName(ReleaseType t) {
  switch (t) {
    case ReleaseType::kSingle:
      return "single";
    case ReleaseType::kEp:
      return "ep";
    case ReleaseType::kAlbum:
      return "album";
  }
  return "single";
}

std::string CatalogIssue::ToString() const {
  return file + (line ? ":" + std::to_string(line) : "") + ": " + reason;
}

bool Catalog::ReadTable(const std::string& path, std::vector<CatalogRow>* rows,
                        std::vector<CatalogIssue>* issues) {
  return ReadCsv(path, std::filesystem::path(path).filename().string(), {}, rows, issues);
}

Result<Catalog> Catalog::Load(const std::string& dir, std::vector<CatalogIssue>* issues,
                              CatalogTables* rows) {
  CatalogTables own;
  CatalogTables& tables = rows ? *rows : own;
  const size_t before = issues->size();
  if (!ReadCsv(dir + "/artists.csv", "artists.csv", {"artist_id", "name", "kind", "country"},
               &tables.artists, issues)) {
    return Status::NotFound("no artists.csv in " + dir);
  }
  ReadCsv(dir + "/releases.csv", "releases.csv", {"release_id", "title", "type", "date", "artists"},
          &tables.releases, issues);
  ReadCsv(dir + "/tracks.csv", "tracks.csv", {"track_id", "title", "primary"}, &tables.tracks,
          issues);
  auto c = Build(tables, issues);
  if (issues->size() > before) {
    return Status::DataError(std::to_string(issues->size() - before) +
                             " problems in the catalog at " + dir);
  }
  return c;
}

Result<Catalog> Catalog::Build(const CatalogTables& tables, std::vector<CatalogIssue>* issues) {
  Catalog c;
  const size_t issues_before = issues->size();
  auto issue = [&](const std::string& file, uint64_t line, std::string reason) {
    issues->push_back({file, line, std::move(reason)});
  };
  const std::vector<Row>& rows = tables.artists;
  c.artists_.reserve(rows.size());
  c.artist_ids_.reserve(rows.size());
  c.releases_.reserve(tables.releases.size());
  c.release_ids_.reserve(tables.releases.size());
  c.tracks_.reserve(tables.tracks.size());
  c.track_ids_.reserve(2 * tables.tracks.size());
  std::vector<uint64_t> artist_lines;
  for (const Row& r : rows) {
    Artist a;
    a.id = r["artist_id"];
    a.name = r["name"];
    if (a.id.empty()) {
      issue("artists.csv", r.line, "empty artist_id");
      continue;
    }
    if (c.artist_ids_.count(a.id)) {
      issue("artists.csv", r.line, "duplicate artist_id '" + a.id + "'");
      continue;
    }
    if (a.name.empty()) issue("artists.csv", r.line, "empty name for '" + a.id + "'");
    const std::string& kind = r["kind"];
    if (kind == "person")
      a.kind = ArtistKind::kPerson;
    else if (kind == "group")
      a.kind = ArtistKind::kGroup;
    else if (kind == "project")
      a.kind = ArtistKind::kProject;
    else
      issue("artists.csv", r.line, "kind must be person, group or project, not '" + kind + "'");
    a.country = r["country"];
    if (!ParseCountry(a.country, false))
      issue("artists.csv", r.line, "not a country code: '" + a.country + "'");
    a.aliases = SplitList(r["aliases"]);
    for (const std::string& m : SplitList(r["member_of"])) {
      Membership ms;
      const size_t at = m.find('@');
      ms.group_id = m.substr(0, at);
      if (at != std::string::npos) {
        const std::string span = m.substr(at + 1);
        const size_t dots = span.find("..");
        const std::string from = span.substr(0, dots),
                          to = dots == std::string::npos ? "" : span.substr(dots + 2);
        if (dots == std::string::npos || (!from.empty() && !ParseDate(from)) ||
            (!to.empty() && !ParseDate(to))) {
          issue("artists.csv", r.line, "member_of '" + m + "' is not id@YYYY-MM-DD..YYYY-MM-DD");
        } else {
          if (!from.empty()) ms.from = ParseDate(from);
          if (!to.empty()) ms.to = ParseDate(to);
          if (ms.from && ms.to && *ms.to < *ms.from)
            issue("artists.csv", r.line, "member_of '" + m + "' ends before it begins");
        }
      }
      a.member_of.push_back(ms);
    }
    a.persona_of = r["persona_of"];
    a.tags = SplitList(r["tags"]);
    if (!r["begin"].empty()) {
      a.begin = ParseDate(r["begin"]);
      if (!a.begin) issue("artists.csv", r.line, "begin is not a date: '" + r["begin"] + "'");
    }
    c.artist_ids_[a.id] = c.artists_.size();
    c.artists_.push_back(std::move(a));
    artist_lines.push_back(r.line);
  }
  for (size_t i = 0; i < c.artists_.size(); ++i) {
    const Artist& a = c.artists_[i];
    const uint64_t line = artist_lines[i];
    for (const auto& m : a.member_of) {
      const Artist* g = c.ArtistById(m.group_id);
      if (!g)
        issue("artists.csv", line, "unknown group '" + m.group_id + "' in member_of");
      else if (g->kind != ArtistKind::kGroup)
        issue("artists.csv", line, "'" + m.group_id + "' in member_of is not a group");
    }
    if (a.kind == ArtistKind::kProject) {
      const Artist* p = c.ArtistById(a.persona_of);
      if (a.persona_of.empty())
        issue("artists.csv", line, "a project needs persona_of");
      else if (!p)
        issue("artists.csv", line, "unknown artist '" + a.persona_of + "' in persona_of");
      else if (p->kind != ArtistKind::kPerson)
        issue("artists.csv", line, "persona_of '" + a.persona_of + "' is not a person");
    } else if (!a.persona_of.empty()) {
      issue("artists.csv", line, "persona_of is only for a project");
    }
  }
  // Membership must not loop (a group that is, through other groups, a member of itself).
  std::vector<int> state(c.artists_.size(), 0);  // 0 new, 1 on the path, 2 done
  std::function<bool(size_t)> loops = [&](size_t i) {
    if (state[i] == 1) return true;
    if (state[i] == 2) return false;
    state[i] = 1;
    for (const auto& m : c.artists_[i].member_of) {
      auto it = c.artist_ids_.find(m.group_id);
      if (it != c.artist_ids_.end() && loops(it->second)) return true;
    }
    state[i] = 2;
    return false;
  };
  for (size_t i = 0; i < c.artists_.size(); ++i) {
    if (state[i] == 0 && loops(i)) {
      issue("artists.csv", artist_lines[i], "membership cycle through '" + c.artists_[i].id + "'");
      for (auto& s : state) s = s == 1 ? 2 : s;
    }
  }

  // releases.csv
  {
    for (const Row& r : tables.releases) {
      Release rel;
      rel.id = r["release_id"];
      rel.title = r["title"];
      if (rel.id.empty() || c.release_ids_.count(rel.id)) {
        issue("releases.csv", r.line,
              rel.id.empty() ? "empty release_id" : "duplicate release_id '" + rel.id + "'");
        continue;
      }
      const std::string& type = r["type"];
      if (type == "single")
        rel.type = ReleaseType::kSingle;
      else if (type == "ep")
        rel.type = ReleaseType::kEp;
      else if (type == "album")
        rel.type = ReleaseType::kAlbum;
      else
        issue("releases.csv", r.line, "type must be single, ep or album, not '" + type + "'");
      if (auto d = ParseDate(r["date"]))
        rel.date = *d;
      else
        issue("releases.csv", r.line, "date is not a date: '" + r["date"] + "'");
      rel.artists = SplitList(r["artists"]);
      if (rel.artists.empty()) issue("releases.csv", r.line, "a release needs artists");
      for (const auto& id : rel.artists) {
        if (!c.ArtistById(id)) issue("releases.csv", r.line, "unknown artist '" + id + "'");
      }
      c.release_ids_[rel.id] = c.releases_.size();
      c.releases_.push_back(std::move(rel));
    }
  }

  // tracks.csv
  {
    for (const Row& r : tables.tracks) {
      Track t;
      t.id = r["track_id"];
      t.isrc = r["isrc"];
      t.title = r["title"];
      t.release_id = r["release_id"];
      if (t.id.empty() || c.track_ids_.count(t.id)) {
        issue("tracks.csv", r.line,
              t.id.empty() ? "empty track_id" : "duplicate track_id '" + t.id + "'");
        continue;
      }
      if (t.title.empty()) issue("tracks.csv", r.line, "empty title");
      if (!t.release_id.empty() && !c.ReleaseById(t.release_id)) {
        issue("tracks.csv", r.line, "unknown release '" + t.release_id + "'");
      }
      if (!r["duration_ms"].empty()) {
        try {
          const long long ms = std::stoll(r["duration_ms"]);
          if (ms < 0 || ms > 86400000) throw std::out_of_range("duration");
          t.duration_ms = static_cast<uint32_t>(ms);
        } catch (const std::exception&) {
          issue("tracks.csv", r.line, "duration_ms is not a duration: '" + r["duration_ms"] + "'");
        }
      }
      t.primary = SplitList(r["primary"]);
      t.featured = SplitList(r["featured"]);
      if (t.primary.empty()) issue("tracks.csv", r.line, "a track needs a primary artist");
      for (const auto* list : {&t.primary, &t.featured}) {
        for (const auto& id : *list) {
          if (!c.ArtistById(id)) issue("tracks.csv", r.line, "unknown artist '" + id + "'");
        }
      }
      c.track_ids_[t.id] = c.tracks_.size();
      if (!t.isrc.empty() && !c.track_ids_.count(t.isrc)) c.track_ids_[t.isrc] = c.tracks_.size();
      c.tracks_.push_back(std::move(t));
    }
  }

  if (issues->size() > issues_before) {
    return Status::DataError(std::to_string(issues->size() - issues_before) +
                             " problems in the catalog");
  }
  c.Derive();
  return c;
}

void Catalog::Derive() {
  for (size_t i = 0; i < artists_.size(); ++i) {
    artist_names_.emplace(NormalizeName(artists_[i].name), i);
    for (const auto& alias : artists_[i].aliases)
      artist_names_.emplace(NormalizeName(alias), i);
  }
  // Song keys, by the lead artist's name and each alias: the original version first, then the
  // earliest release.
  auto rank = [this](const Track& t) {
    const VersionKind k = ParseTitle(t.title).kind;
    const Release* r = ReleaseById(t.release_id);
    return std::make_pair(k == VersionKind::kOriginal ? 0 : k == VersionKind::kExplicit ? 1 : 2,
                          r ? r->date : Day{kMaxStoredDay});
  };
  for (size_t i = 0; i < tracks_.size(); ++i) {
    const Track& t = tracks_[i];
    const Artist* lead = t.primary.empty() ? nullptr : ArtistById(t.primary.front());
    if (!lead) continue;
    std::vector<std::string> names = {lead->name};
    names.insert(names.end(), lead->aliases.begin(), lead->aliases.end());
    for (const auto& name : names) {
      auto [it, added] = song_tracks_.emplace("song:" + SongKey(name, t.title), i);
      if (!added && rank(t) < rank(tracks_[it->second])) it->second = i;
    }
  }
  song_keys_.clear();
  song_keys_.reserve(tracks_.size());
  for (const Track& t : tracks_) song_keys_.push_back(SongKey(NamesOf(t.primary, " & "), t.title));
  base_digest_ = BaseDigest();
}

const Artist* Catalog::ArtistById(std::string_view id) const {
  auto it = artist_ids_.find(std::string(id));
  return it == artist_ids_.end() ? nullptr : &artists_[it->second];
}
const Release* Catalog::ReleaseById(std::string_view id) const {
  auto it = release_ids_.find(std::string(id));
  return it == release_ids_.end() ? nullptr : &releases_[it->second];
}
const Track* Catalog::TrackById(std::string_view id) const {
  auto it = track_ids_.find(std::string(id));
  if (it != track_ids_.end()) return &tracks_[it->second];
  if (id.substr(0, 5) != "song:") return nullptr;
  it = song_tracks_.find(std::string(id));
  return it == song_tracks_.end() ? nullptr : &tracks_[it->second];
}

std::vector<const Artist*> Catalog::FindArtists(std::string_view name) const {
  std::vector<const Artist*> out;
  if (const Artist* a = ArtistById(name)) out.push_back(a);
  auto add = [&](std::string_view spelling) {
    auto [lo, hi] = artist_names_.equal_range(NormalizeName(spelling));
    for (auto it = lo; it != hi; ++it) {
      const Artist* a = &artists_[it->second];
      if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    }
  };
  add(name);
  if (out.empty()) {
    // "Jung Kook (정국)": the name or its native name, whichever the catalog knows.
    const auto [outer, inner] = NameAndParenthesized(name);
    if (!outer.empty()) {
      add(outer);
      add(inner);
    }
  }
  return out;
}

bool Catalog::IsSolo(const Track& t) const {
  if (t.primary.empty()) return false;
  for (const auto& id : t.primary) {
    const Artist* a = ArtistById(id);
    if (!a || a->kind == ArtistKind::kGroup) return false;
  }
  return true;
}

const Artist* Catalog::Person(const Artist& a) const {
  if (a.kind == ArtistKind::kPerson) return &a;
  if (a.kind == ArtistKind::kProject) return ArtistById(a.persona_of);
  return nullptr;
}

std::vector<const Artist*> Catalog::MembersOf(const Artist& group, std::optional<Day> on) const {
  std::vector<const Artist*> out;
  for (const auto& a : artists_) {
    for (const auto& m : a.member_of) {
      if (m.group_id == group.id && Covers(m, on)) {
        out.push_back(&a);
        break;
      }
    }
  }
  return out;
}

std::vector<const Artist*> Catalog::GroupsOf(const Artist& person, std::optional<Day> on) const {
  std::vector<const Artist*> out;
  for (const auto& m : person.member_of) {
    if (Covers(m, on)) {
      if (const Artist* g = ArtistById(m.group_id)) out.push_back(g);
    }
  }
  return out;
}

std::vector<const Artist*> Catalog::Personas(const Artist& person) const {
  std::vector<const Artist*> out;
  for (const auto& a : artists_) {
    if (a.kind == ArtistKind::kProject && a.persona_of == person.id) out.push_back(&a);
  }
  return out;
}

std::vector<const Track*> Catalog::TracksOf(const Artist& a, bool featured) const {
  std::vector<const Track*> out;
  for (const auto& t : tracks_) {
    const auto& list = featured ? t.featured : t.primary;
    if (std::find(list.begin(), list.end(), a.id) != list.end()) out.push_back(&t);
  }
  return out;
}

std::string_view ContinentOf(std::string_view country) {
  static const std::map<std::string_view, std::string_view> kContinents = [] {
    std::map<std::string_view, std::string_view> m;
    auto add = [&](std::string_view codes, std::string_view continent) {
      for (size_t i = 0; i + 1 < codes.size(); i += 3) m[codes.substr(i, 2)] = continent;
    };
    add("AF AM AZ BD BH BN BT CN CY GE HK ID IL IN IQ IR JO JP KG KH KP KR KW KZ LA LB LK MM MN MO "
        "MV "
        "MY NP OM PH PK PS QA SA SG SY TH TJ TL TM TR TW UZ VN YE AE",
        "Asia");
    add("AD AL AT AX BA BE BG BY CH CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT "
        "LU "
        "LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK",
        "Europe");
    add("AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS MX NI "
        "PA "
        "PM PR SV SX TC TT US VC VG VI",
        "North America");
    add("AR BO BR CL CO EC FK GF GY PE PY SR UY VE", "South America");
    add("AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG "
        "ML "
        "MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW",
        "Africa");
    add("AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS", "Oceania");
    return m;
  }();
  auto it = kContinents.find(country);
  return it == kContinents.end() ? std::string_view() : it->second;
}

std::string Catalog::NamesOf(const std::vector<std::string>& artist_ids,
                             std::string_view separator) const {
  std::string out;
  for (const auto& id : artist_ids) {
    const Artist* a = ArtistById(id);
    if (!out.empty()) out += separator;
    out += a ? a->name : id;
  }
  return out;
}

bool Catalog::AllUnranked(const std::vector<std::string>& artist_ids) const {
  return !artist_ids.empty() &&
         std::all_of(artist_ids.begin(), artist_ids.end(), [this](const std::string& id) {
           const Artist* a = ArtistById(id);
           return a && a->unranked();
         });
}

std::string Catalog::CreditOf(const Track& t) const {
  return NamesOf(t.primary) + (t.featured.empty() ? "" : " feat. " + NamesOf(t.featured));
}

std::string Catalog::SongKeyOf(const Track& t) const {
  const std::less<const Track*> before;
  if (song_keys_.size() == tracks_.size() && !tracks_.empty() && !before(&t, tracks_.data()) &&
      before(&t, tracks_.data() + tracks_.size())) {
    return song_keys_[static_cast<size_t>(&t - tracks_.data())];
  }
  return SongKey(NamesOf(t.primary, " & "), t.title);
}

std::string Catalog::Digest() const {
  const std::string base = base_digest_.empty() ? BaseDigest() : base_digest_;
  if (track_aliases_.empty()) return base;
  Fingerprinter fp;
  fp.Update(base);
  for (const auto& [alias, track] : track_aliases_) {
    fp.Update("\x1b" "alias\x1f" + alias + "\x1f" + tracks_[track].id + "\x1e");
  }
  return fp.Hex();
}

std::string Catalog::BaseDigest() const {
  const Catalog* c = this;
  Fingerprinter fp;
  for (const Artist& a : c->artists()) {
    std::string row = a.id + "\x1f" + a.name + "\x1f" + std::string(ArtistKindName(a.kind)) +
                      "\x1f" + a.country + "\x1f" + a.persona_of;
    for (const auto& m : a.member_of) {
      row += "\x1f" + m.group_id + "@" + std::to_string(m.from.value_or(-1)) + ".." +
             std::to_string(m.to.value_or(-1));
    }
    for (const auto& t : a.tags) row += "\x1d" + t;
    for (const auto& al : a.aliases) row += "\x1c" + al;
    fp.Update(row + "\x1e");
  }
  for (const Release& r : c->releases()) {
    std::string row = r.id + "\x1f" + r.title + "\x1f" + std::string(ReleaseTypeName(r.type)) +
                      "\x1f" + std::to_string(r.date);
    for (const auto& a : r.artists) row += "\x1f" + a;
    fp.Update(row + "\x1e");
  }
  for (const Track& t : c->tracks()) {
    std::string row = t.id + "\x1f" + t.isrc + "\x1f" + t.title + "\x1f" + t.release_id;
    for (const auto& p : t.primary) row += "\x1f" + p;
    row += "\x1d";
    for (const auto& f : t.featured) row += "\x1f" + f;
    fp.Update(row + "\x1e");
  }
  return fp.Hex();
}

void Catalog::AddChartSongs(std::vector<ChartSong> songs) {
  chart_songs_ = std::move(songs);
  std::sort(chart_songs_.begin(), chart_songs_.end(),
            [](const ChartSong& a, const ChartSong& b) { return a.id < b.id; });
}

const Catalog::ChartSong* Catalog::ChartSongById(std::string_view id) const {
  auto it = std::lower_bound(chart_songs_.begin(), chart_songs_.end(), id,
                             [](const ChartSong& a, std::string_view b) { return a.id < b; });
  return it != chart_songs_.end() && it->id == id ? &*it : nullptr;
}

size_t Catalog::AddTrackAliases(const std::vector<std::pair<std::string, std::string>>& aliases) {
  size_t added = 0;
  for (const auto& [alias, id] : aliases) {
    auto it = track_ids_.find(id);
    if (alias.empty() || it == track_ids_.end() || track_ids_.count(alias)) continue;
    track_ids_[alias] = it->second;
    track_aliases_.emplace_back(alias, it->second);
    ++added;
  }
  return added;
}

}  // namespace encore
