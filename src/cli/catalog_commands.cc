// encore catalog import | artist | resolve
#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "catalog/names.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "encore/catalog.h"
#include "encore/chart_streams.h"
#include "encore/charts.h"
#include "encore/query.h"
#include "encore/records.h"
#include "encore/store.h"

namespace encore::cli {
namespace {

using nlohmann::json;

Result<std::unique_ptr<CountStore>> MaybeOpenStore(const std::string& dir) {
  StoreOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  auto s = OpenStore(dir, o);
  if (!s.ok() && s.status().code() == StatusCode::kNotFound) return std::unique_ptr<CountStore>();
  return s;
}

// A catalog query command: one required argument, --store and --format; its body gets the
// store's catalog and (when the store holds counts) the count store.
struct QueryContext {
  const std::string& arg;
  const std::string& dir;
  const Catalog& catalog;
  const CountStore* counts;
  bool json;
};

void AddCatalogQuery(CLI::App& app, Action* action, const char* name, const char* help,
                     const char* arg_name, const char* arg_help,
                     std::function<Status(const QueryContext&)> body) {
  auto* cmd = app.add_subcommand(name, help);
  auto arg = std::make_shared<std::string>();
  auto store = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("table");
  cmd->add_option(arg_name, *arg, arg_help)->required();
  cmd->add_option("--store", *store, "Store directory");
  AddViewFormat(cmd, format.get());
  cmd->callback([=] {
    *action = [=]() -> Status {
      const std::string dir = DefaultStoreDir(*store);
      ENCORE_ASSIGN_OR_RETURN(Catalog c, LoadStoredCatalog(dir));
      ENCORE_ASSIGN_OR_RETURN(auto counts, MaybeOpenStore(dir));
      return body({*arg, dir, c, counts.get(), *format == "json"});
    };
  });
}

// What the pages of a track, a release and an artist read besides the counts (views::PageContext),
// as the API reads them: the catalog with its chart links, the records brought up to date (in
// memory when the store cannot be written), the news and the kept charts.
struct PageData {
  Catalog catalog;
  RecordsSettings settings;
  RecordsState state;
  std::vector<NewsItem> news;
  std::unique_ptr<ChartHistory> history;

  views::PageContext Context(const CountStore& store) const {
    views::PageContext c;
    c.catalog = &catalog;
    c.store = &store;
    c.state = &state;
    c.settings = &settings;
    c.news = &news;
    c.history = history.get();
    return c;
  }
};

Result<std::unique_ptr<PageData>> LoadPageData(const std::string& dir, const CountStore& store) {
  auto d = std::make_unique<PageData>();  // not moved after this: the records refer to its catalog
  ENCORE_ASSIGN_OR_RETURN(d->catalog, LoadStoredCatalog(dir));
  (void)AddChartTrackLinks(dir, &d->catalog);
  auto up = UpdateRecords(dir, store, &d->catalog, d->settings);
  if (up.ok()) {
    d->state = std::move(up->state);
  } else {
    ENCORE_ASSIGN_OR_RETURN(d->state, ComputeRecords(store, &d->catalog, d->settings));
  }
  ENCORE_ASSIGN_OR_RETURN(d->news, ReadNews(dir, std::nullopt));
  auto history = OpenChartHistory(dir, false);
  if (history.ok()) d->history = std::move(*history);
  return d;
}

// Prints the page of each entity found, as the API gives it (one object, or a list for
// several), when the store holds counts; false without a store (the catalog's view is all there
// is, and the caller prints it).
using PageView = Result<json> (*)(const views::PageContext&, const std::string&, const StreamsQuery&);
Result<bool> PrintPages(const QueryContext& q, const std::vector<std::string>& ids, PageView page) {
  if (!q.counts) return false;
  ENCORE_ASSIGN_OR_RETURN(auto data, LoadPageData(q.dir, *q.counts));
  json out = json::array();
  for (const auto& id : ids) {
    ENCORE_ASSIGN_OR_RETURN(json j, page(data->Context(*q.counts), id, StreamsQuery{}));
    out.push_back(std::move(j));
  }
  std::cout << (out.size() == 1 ? out[0] : out).dump(1) << "\n";
  return true;
}

}  // namespace

Status PrintArtist(const Catalog& c, const Artist& a, const CountStore* store, bool as_json) {
  ENCORE_ASSIGN_OR_RETURN(const json j, ArtistJson(c, a, store));
  const json& groups = j["member_of"];
  const json& members = j["members"];
  const json& personas = j["personas"];
  const json& releases = j["releases"];
  const json& songs = j["songs"];
  if (as_json) {
    std::cout << j.dump(1) << "\n";
    return Status::Ok();
  }
  std::printf("%s (%s): %s from %s", a.name.c_str(), a.id.c_str(),
              std::string(ArtistKindName(a.kind)).c_str(), a.country.c_str());
  if (!ContinentOf(a.country).empty())
    std::printf(" (%s)", std::string(ContinentOf(a.country)).c_str());
  if (a.begin) std::printf(", debut %s", FormatDate(*a.begin).c_str());
  std::printf("\n");
  auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  if (!a.aliases.empty()) std::printf("  also known as: %s\n", list(a.aliases).c_str());
  if (!a.tags.empty()) std::printf("  tags: %s\n", list(a.tags).c_str());
  if (a.kind == ArtistKind::kProject) {
    const Artist* p = c.ArtistById(a.persona_of);
    std::printf("  a persona of: %s\n", p ? p->name.c_str() : a.persona_of.c_str());
  }
  for (const auto& g : groups) {
    std::printf("  member of: %s (%s)\n", g["name"].get<std::string>().c_str(),
                g["period"].get<std::string>().c_str());
  }
  if (!members.empty()) {
    std::string s;
    for (const auto& m : members) s += (s.empty() ? "" : ", ") + m["name"].get<std::string>();
    std::printf("  members: %s\n", s.c_str());
  }
  for (const auto& p : personas)
    std::printf("  persona: %s\n", p["name"].get<std::string>().c_str());
  if (!releases.empty()) std::printf("  releases:\n");
  for (const auto& r : releases) {
    std::printf("    %s  %-6s %s\n", r["date"].get<std::string>().c_str(),
                r["type"].get<std::string>().c_str(), r["title"].get<std::string>().c_str());
  }
  auto streams = [&](const json& x) {
    return x.contains("streams") ? Thousands(x["streams"].get<int64_t>()) : (store ? "-" : "");
  };
  for (const char* key : {"tracks", "featured_on"}) {
    if (j[key].empty()) continue;
    std::printf("  %-40s %-24s %14s\n",
                key == std::string("tracks") ? "tracks:" : "featured on:", "release",
                store ? "streams" : "");
    for (const auto& t : j[key]) {
      std::printf("    %-38s %-24s %14s\n", t["title"].get<std::string>().c_str(),
                  t["release_title"].get<std::string>().c_str(), streams(t).c_str());
    }
  }
  if (store && !songs.empty()) {
    std::printf("  %-65s %14s\n", "songs (all versions):", "streams");
    for (const auto& sj : songs) {
      std::printf(
          "    %-38s %-24s %14s\n", sj["song"].get<std::string>().c_str(),
          (std::to_string(sj["tracks"].size()) + " track" + (sj["tracks"].size() == 1 ? "" : "s"))
              .c_str(),
          streams(sj).c_str());
    }
  }
  if (j.contains("streams")) {
    std::printf("  streams counted as primary artist: %s\n",
                Thousands(j["streams"].get<int64_t>()).c_str());
  }
  return Status::Ok();
}

void AddCatalog(CLI::App& app, Action* action) {
  auto* cat = app.add_subcommand("catalog", "The catalog of artists, releases and tracks");
  cat->require_subcommand(1);
  auto* imp = cat->add_subcommand("import",
                                  "Import artists.csv, releases.csv, tracks.csv (all or nothing)");
  auto dir = std::make_shared<std::string>();
  auto store = std::make_shared<std::string>();
  imp->add_option("dir", *dir, "Directory with the catalog files")->required();
  imp->add_option("--store", *store, "Store directory");
  imp->callback([=] {
    *action = [=]() -> Status {
      std::vector<CatalogIssue> issues;
      auto report = ImportCatalog(*dir, DefaultStoreDir(*store), &issues);
      for (const auto& i : issues)
        std::fprintf(stderr, "%s/%s\n", dir->c_str(), i.ToString().c_str());
      if (!report.ok()) {
        if (!issues.empty())
          return Status::DataError(std::to_string(issues.size()) +
                                   " problems; the catalog is unchanged");
        return report.status();
      }
      auto line = [](const char* name, const CatalogChanges& c) {
        std::printf("%-9s %6zu  (%zu added, %zu changed, %zu removed)\n", name, c.total, c.added,
                    c.changed, c.removed);
      };
      line("artists", report->artists);
      line("releases", report->releases);
      line("tracks", report->tracks);
      return Status::Ok();
    };
  });
}

void AddArtist(CLI::App& app, Action* action) {
  AddCatalogQuery(
      app, action, "artist",
      "An artist's profile: kind, country, groups, personas, releases, tracks, streams", "name",
      "Name, alias or id (any spelling)", [](const QueryContext& q) -> Status {
        const Catalog& c = q.catalog;
        const auto found = c.FindArtists(q.arg);
        if (found.empty())
          return Status::NotFound("no artist '" + q.arg + "' in the catalog of " + q.dir);
        if (found.size() > 1) {
          std::string ids;
          for (const Artist* a : found) ids += " " + a->id + " (" + a->name + ")";
          return Status::InvalidArgument("'" + q.arg + "' names several artists:" + ids +
                                         "; give an id");
        }
        // With counts: the API's page (GET /api/v1/artists/{id}).
        if (q.json) {
          ENCORE_ASSIGN_OR_RETURN(const bool printed, PrintPages(q, {found[0]->id}, views::ArtistPageJson));
          if (printed) return Status::Ok();
        }
        return PrintArtist(c, *found[0], q.counts, q.json);
      });
}

void AddResolve(CLI::App& app, Action* action) {
  AddCatalogQuery(
      app, action, "resolve", "Match \"Artist - Title\" to a catalog song and version, and say why",
      "query", "\"Artist - Title\"", [](const QueryContext& q) -> Status {
        const Catalog& c = q.catalog;
        const Resolution r = Resolve(c, q.arg);
        const json j = ResolutionJson(q.arg, r);
        if (q.json) {
          std::cout << j.dump(1) << "\n";
        } else {
          std::printf("query:    %s\n", q.arg.c_str());
          std::string names;
          for (const Artist* a : r.artists)
            names += (names.empty() ? "" : ", ") + a->name + " (" + a->id + ")";
          std::printf("artists:  %s\n", names.empty() ? "(none known)" : names.c_str());
          for (const auto& u : r.unknown_artists)
            std::printf("unknown:  '%s' is not in the catalog (or names several artists)\n",
                        u.c_str());
          std::printf("song:     %s   [key %s]\n", r.base_title.c_str(), r.song_key.c_str());
          std::printf("version:  %s%s\n", r.version_kind.c_str(),
                      r.version_label.empty() ? "" : (" (" + r.version_label + ")").c_str());
          std::printf("versions of this song in the catalog: %zu%s\n", r.versions.size(),
                      r.versions.empty() || r.artists.empty()
                          ? ""
                          : (" (title \"" + r.base_title + "\" with lead artist " +
                             r.artists.front()->name + " among the primary artists)")
                                .c_str());
          for (const Track* t : r.versions)
            std::printf("  %s %-22s %s\n", t == r.match ? "*" : " ", t->id.c_str(),
                        t->title.c_str());
          if (r.match) {
            std::printf("matched:  %s, the %s\n", r.match->id.c_str(),
                        r.version_kind == "original"
                            ? "original (the earliest release of the song's plain or explicit "
                              "version)"
                            : ("version of kind " + r.version_kind).c_str());
          } else {
            std::printf("no catalog track matches this %s\n",
                        r.versions.empty() ? "song" : "version");
          }
          const std::string edition = ParseAlbumTitle(r.title_part).edition;
          for (const Release* x : r.releases) {
            std::printf("release:  %s (%s), %s of %s%s\n", x->id.c_str(), x->title.c_str(),
                        std::string(ReleaseTypeName(x->type)).c_str(), FormatDate(x->date).c_str(),
                        edition.empty() ? "" : (", edition \"" + edition + "\" dropped").c_str());
          }
        }
        // A song's version, or an album the query names as charts print it ("FACE (EP)").
        if (!r.match && r.releases.empty()) return Status::NotFound("not resolved: " + q.arg);
        return Status::Ok();
      });
}

void AddTrack(CLI::App& app, Action* action) {
  AddCatalogQuery(
      app, action, "track",
      "A track: release, credits, version, other versions of the song, streams", "name",
      "Track id, ISRC, \"Artist - Title\" or a title", [](const QueryContext& q) -> Status {
        const Catalog& c = q.catalog;
        const auto found = FindTracks(c, q.arg);
        if (found.empty())
          return Status::NotFound("no track '" + q.arg + "' in the catalog of " + q.dir);
        // With counts: the API's page of each (GET /api/v1/tracks/{id}).
        if (q.json) {
          std::vector<std::string> ids;
          for (const Track* t : found) ids.push_back(t->id);
          ENCORE_ASSIGN_OR_RETURN(const bool printed, PrintPages(q, ids, views::TrackPageJson));
          if (printed) return Status::Ok();
        }
        json out = json::array();
        for (const Track* t : found) {
          ENCORE_ASSIGN_OR_RETURN(json j, TrackJson(c, *t, q.counts));
          out.push_back(std::move(j));
        }
        if (q.json) {
          std::cout << (out.size() == 1 ? out[0] : out).dump(1) << "\n";
          return Status::Ok();
        }
        for (const auto& j : out) {
          std::printf("%s (%s)\n", j["title"].get<std::string>().c_str(),
                      j["id"].get<std::string>().c_str());
          std::printf("  by %s", c.NamesOf(j["primary"].get<std::vector<std::string>>()).c_str());
          if (!j["featured"].empty())
            std::printf(", featuring %s",
                        c.NamesOf(j["featured"].get<std::vector<std::string>>()).c_str());
          std::printf("%s\n", j["solo"].get<bool>() ? " (solo)" : "");
          if (!j["release"].is_null()) {
            std::printf("  on %s (%s)\n", j["release"]["title"].get<std::string>().c_str(),
                        j["release"]["date"].get<std::string>().c_str());
          }
          std::printf("  song \"%s\", version %s%s\n", j["song"].get<std::string>().c_str(),
                      j["version_kind"].get<std::string>().c_str(),
                      j["version"].get<std::string>().empty()
                          ? ""
                          : (" (" + j["version"].get<std::string>() + ")").c_str());
          if (j.contains("streams"))
            std::printf("  streams %s\n", Thousands(j["streams"].get<int64_t>()).c_str());
          for (const auto& v : j["other_versions"]) {
            std::printf("  other version: %s (%s)\n", v["title"].get<std::string>().c_str(),
                        v["id"].get<std::string>().c_str());
          }
        }
        return Status::Ok();
      });
}

void AddRelease(CLI::App& app, Action* action) {
  AddCatalogQuery(
      app, action, "release", "A release: type, date, artists and its tracks", "name",
      "Release id or title", [](const QueryContext& q) -> Status {
        const Catalog& c = q.catalog;
        std::vector<const Release*> found;
        if (const Release* r = c.ReleaseById(q.arg)) found.push_back(r);
        for (const auto& r : c.releases()) {
          if (found.empty() && NormalizeName(r.title) == NormalizeName(q.arg)) found.push_back(&r);
        }
        // As charts print it: "FACE (EP)", "GOLDEN (Deluxe)"; "Artist - Title".
        if (found.empty()) {
          if (q.arg.find(" - ") != std::string::npos) {
            found = Resolve(c, q.arg).releases;
          } else {
            const std::string want = NormalizeName(ParseAlbumTitle(q.arg).base);
            for (const auto& r : c.releases())
              if (NormalizeName(ParseAlbumTitle(r.title).base) == want) found.push_back(&r);
          }
        }
        if (found.empty())
          return Status::NotFound("no release '" + q.arg + "' in the catalog of " + q.dir);
        // With counts: the API's page of each (GET /api/v1/releases/{id}).
        if (q.json) {
          std::vector<std::string> ids;
          for (const Release* r : found) ids.push_back(r->id);
          ENCORE_ASSIGN_OR_RETURN(const bool printed, PrintPages(q, ids, views::ReleasePageJson));
          if (printed) return Status::Ok();
        }
        json out = json::array();
        for (const Release* r : found) {
          json tracks = json::array();
          for (const auto& t : c.tracks()) {
            if (t.release_id != r->id) continue;
            ENCORE_ASSIGN_OR_RETURN(json tj, TrackJson(c, t, q.counts));
            tracks.push_back(std::move(tj));
          }
          out.push_back({{"id", r->id},
                         {"title", r->title},
                         {"type", ReleaseTypeName(r->type)},
                         {"date", FormatDate(r->date)},
                         {"artists", r->artists},
                         {"tracks", tracks}});
        }
        if (q.json) {
          std::cout << (out.size() == 1 ? out[0] : out).dump(1) << "\n";
          return Status::Ok();
        }
        for (const auto& j : out) {
          std::printf("%s (%s): %s by %s, %s\n", j["title"].get<std::string>().c_str(),
                      j["id"].get<std::string>().c_str(), j["type"].get<std::string>().c_str(),
                      c.NamesOf(j["artists"].get<std::vector<std::string>>()).c_str(),
                      j["date"].get<std::string>().c_str());
          int n = 0;
          for (const auto& t : j["tracks"]) {
            std::printf(
                "  %2d. %-50s %-12s%s\n", ++n, t["title"].get<std::string>().c_str(),
                t["version_kind"].get<std::string>().c_str(),
                t.contains("streams") ? Thousands(t["streams"].get<int64_t>()).c_str() : "");
          }
        }
        return Status::Ok();
      });
}

}  // namespace encore::cli
