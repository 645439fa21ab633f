// Chart streams: the streams printed on imported Spotify charts written to the count store as
// services of their own, an edition owning its (service, region, day) cells (doc/decisions/0008).
#include "encore/chart_streams.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/strings.h"

namespace encore {

bool IsChartStreamsService(std::string_view service) {
  return service == kChartStreamsWeekly || service == kChartStreamsDaily;
}

int ServiceSpan(std::string_view service) { return service == kChartStreamsWeekly ? 7 : 1; }

std::optional<ChartStreamsTarget> ChartStreamsOf(std::string_view chart) {
  constexpr std::string_view kPrefix = "spotify-";
  if (chart.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = chart.substr(kPrefix.size());
  ChartStreamsTarget t;
  if (EndsWith(rest, "-weekly")) {
    t.service = kChartStreamsWeekly;
    rest.remove_suffix(7);
  } else if (EndsWith(rest, "-daily")) {
    t.service = kChartStreamsDaily;
    rest.remove_suffix(6);
  } else {
    return std::nullopt;
  }
  if (rest == "global") return t;
  if (rest.size() != 2) return std::nullopt;  // viral-<region>, a compiled NAME:REGION, …
  std::string code(rest);
  for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto country = ParseCountry(code, false);
  if (!country) return std::nullopt;
  t.region = *country;
  return t;
}

namespace {

// The writer of one sync: the store's dictionaries as they grow, and the days of the part being
// gathered (each edition whole in one part).
class Sync {
 public:
  Sync(ChartHistory& history, CountStore* store, const ChartStreamsOptions& options,
       ChartStreamsReport* report)
      : history_(history), store_(store), options_(options), report_(report) {
    const auto& names = store->tracks();
    track_ids_.reserve(names.size());
    for (uint32_t i = 0; i < names.size(); ++i) track_ids_.emplace(names[i], i);
    next_track_ = static_cast<uint32_t>(names.size());
  }

  // Gathers one file's editions, committing whenever enough rows are held; the commit that
  // holds its last edition records the file as a store source.
  Status File(const std::vector<const ChartHistory::EditionSource*>& editions) {
    SourceRecord source;
    source.fingerprint = editions.front()->fingerprint;
    source.path = editions.front()->path;
    source.kind = std::string(kChartStreamsKind);
    summary_ = SourceSummary();
    file_tracks_.clear();
    for (const ChartHistory::EditionSource* ed : editions) {
      const auto target = ChartStreamsOf(ed->chart);
      ENCORE_ASSIGN_OR_RETURN(auto got, history_.Editions(ed->chart, ed->date, ed->date));
      ENCORE_RETURN_IF_ERROR(Gather(*target, ed->date, got));
      if (held_ >= options_.commit_rows) ENCORE_RETURN_IF_ERROR(Commit());
    }
    summary_.tracks = file_tracks_.size();
    source.summary = summary_;
    ++report_->files;
    sources_.push_back(std::move(source));
    return Status::Ok();
  }

  // Commits what is held: each day's rows without the cells its editions own, with theirs, and
  // the files completed.
  Status Commit() { return CommitHeld(); }

 private:
  uint32_t ServiceId(std::string_view name) {
    const auto& names = store_->services();
    for (uint32_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return i;
    for (uint32_t i = 0; i < new_services_.size(); ++i)
      if (new_services_[i] == name) return static_cast<uint32_t>(names.size() + i);
    new_services_.emplace_back(name);
    return static_cast<uint32_t>(names.size() + new_services_.size() - 1);
  }

  uint32_t TrackId(const std::string& name) {
    auto [it, added] = track_ids_.emplace(name, next_track_);
    if (added) {
      new_tracks_.push_back(name);
      ++next_track_;
      ++report_->new_tracks;
    }
    return it->second;
  }

  Status Gather(const ChartStreamsTarget& target, Day date,
                const std::vector<ChartEdition>& editions) {
    const uint32_t service = ServiceId(target.service);
    Part& part = days_[date];
    part.replaced.insert({service, target.region});
    std::unordered_set<uint32_t> seen;
    ++report_->editions;
    for (const ChartEdition& ed : editions) {
      for (const ChartEntry& e : ed.entries) {
        ++summary_.lines;
        if (!e.metric) {
          ++report_->no_streams;
          continue;
        }
        if (e.id.empty()) {
          ++report_->no_id;
          continue;
        }
        const uint32_t track = TrackId(e.id);
        if (!seen.insert(track).second) {
          ++report_->repeated;
          continue;
        }
        file_tracks_.insert(track);
        part.rows.push_back({MakeCell(service, track, target.region), Tier::kUnknown, *e.metric});
        ++summary_.plays;
        summary_.counted += static_cast<uint64_t>(*e.metric);
        ++held_;
        ++report_->rows;
      }
    }
    if (summary_.first_day < 0 || date < summary_.first_day) summary_.first_day = date;
    if (date > summary_.last_day) summary_.last_day = date;
    return Status::Ok();
  }

  Status CommitHeld() {
    CommitBatch batch;
    batch.new_tracks = std::move(new_tracks_);
    batch.new_services = std::move(new_services_);
    new_tracks_.clear();
    new_services_.clear();
    const std::vector<Day> stored = store_->Days();
    for (auto& [day, part] : days_) {
      DayUpdate u;
      u.day = day;
      if (std::binary_search(stored.begin(), stored.end(), day)) {
        ENCORE_ASSIGN_OR_RETURN(u.counts, store_->ReadCounts(day));
        ENCORE_ASSIGN_OR_RETURN(u.state, store_->ReadCapState(day));
        const auto& replaced = part.replaced;  // a structured binding is not captured (C++20)
        std::erase_if(u.counts, [&replaced](const CountRow& r) {
          return replaced.count({CellService(r.cell), CellCountry(r.cell)}) > 0;
        });
      }
      u.counts.insert(u.counts.end(), part.rows.begin(), part.rows.end());
      std::sort(u.counts.begin(), u.counts.end(), [](const CountRow& a, const CountRow& b) {
        return a.cell != b.cell ? a.cell < b.cell : a.tier < b.tier;
      });
      batch.days.push_back(std::move(u));
    }
    report_->days += days_.size();
    days_.clear();
    held_ = 0;
    if (!sources_.empty()) {
      batch.source = std::move(sources_.front());
      batch.more_sources.assign(std::make_move_iterator(sources_.begin() + 1),
                                std::make_move_iterator(sources_.end()));
      sources_.clear();
    }
    if (batch.days.empty() && !batch.source && batch.new_tracks.empty()) return Status::Ok();
    ++report_->commits;
    return store_->Apply(std::move(batch));
  }

  struct Part {
    std::set<std::pair<uint32_t, CountryCode>> replaced;  // (service, region) cells it owns
    std::vector<CountRow> rows;
  };

  ChartHistory& history_;
  CountStore* store_;
  const ChartStreamsOptions& options_;
  ChartStreamsReport* report_;
  std::unordered_map<std::string, uint32_t> track_ids_;
  uint32_t next_track_ = 0;
  std::vector<std::string> new_tracks_, new_services_;
  std::map<Day, Part> days_;
  size_t held_ = 0;
  SourceSummary summary_;
  std::unordered_set<uint32_t> file_tracks_;
  std::vector<SourceRecord> sources_;  // files completed, not yet committed
};

}  // namespace

Result<ChartStreamsReport> SyncChartStreams(ChartHistory& history, CountStore* store,
                                            const ChartStreamsOptions& options) {
  ChartStreamsReport report;
  ENCORE_ASSIGN_OR_RETURN(const auto editions, history.EditionSources());
  // A file's chart-streams editions, files in import order; a file the store has is done.
  std::vector<std::vector<const ChartHistory::EditionSource*>> files;
  int64_t last = -1;
  bool done = false;
  for (const auto& ed : editions) {
    if (!ChartStreamsOf(ed.chart)) continue;
    if (ed.source != last) {
      last = ed.source;
      done = store->HasSource(ed.fingerprint);
      if (!done) files.emplace_back();
    }
    if (!done) files.back().push_back(&ed);
  }
  Sync sync(history, store, options, &report);
  for (const auto& file : files) ENCORE_RETURN_IF_ERROR(sync.File(file));
  ENCORE_RETURN_IF_ERROR(sync.Commit());
  return report;
}

Result<size_t> AddChartTrackLinks(const std::string& store_dir, Catalog* catalog) {
  if (!std::filesystem::exists(store_dir + "/charts.sqlite")) return 0;
  ENCORE_ASSIGN_OR_RETURN(auto history, OpenChartHistory(store_dir, false));
  ENCORE_ASSIGN_OR_RETURN(const auto links, history->TrackLinks());
  std::vector<std::pair<std::string, std::string>> aliases;
  std::vector<Catalog::ChartSong> songs;
  for (const auto& l : links) {
    if (!l.track_id.empty()) aliases.emplace_back(l.id, l.track_id);
    songs.push_back({l.id, l.title, l.artist});
  }
  const size_t added = catalog->AddTrackAliases(aliases);
  catalog->AddChartSongs(std::move(songs));
  return added;
}

}  // namespace encore
