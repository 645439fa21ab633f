// `encore chart`: import published charts, list them, show an edition with its movements, a
// song's or an artist's chart runs, and the check of the printed columns (doc/charts.md).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "catalog/names.h"
#include "cli/chart_import.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "common/hash.h"
#include "common/strings.h"
#include "common/text.h"
#include "encore/charts.h"
#include "encore/query.h"
#include "encore/compile.h"
#include "encore/methodology.h"
#include "encore/sales.h"
#include "encore/store_feeds.h"

namespace encore::cli {
namespace {

using json = nlohmann::json;

Result<std::unique_ptr<ChartHistory>> OpenHistory(const std::string& store, bool create) {
  return OpenChartHistory(DefaultStoreDir(store), create);
}

// The chart's summary, or kNotFound listing the charts there are.
Result<ChartSummary> FindChart(ChartHistory& h, const std::string& name) {
  ENCORE_ASSIGN_OR_RETURN(auto charts, h.Charts());
  std::string known;
  for (const auto& c : charts) {
    if (c.chart == name) return c;
    known += (known.empty() ? "" : ", ") + c.chart;
  }
  // The charts compiled from the counts are charts too: a name near one of them is offered.
  std::vector<std::string> names;
  for (const auto& c : charts) names.push_back(c.chart);
  for (const ChartMethod& m : BuiltinMethodologies()) names.push_back(m.name);
  return Status::NotFound("no chart '" + name + "'" + DidYouMean(name, names) +
                          "; kept in the chart history: " +
                          (known.empty() ? "none (encore chart import)" : known) +
                          "; compiled from the counts: encore chart list");
}

std::string Opt(const std::optional<int>& v) { return v ? std::to_string(*v) : "-"; }

// Points as a reader wants them: whole numbers with separators, small ones with decimals.
std::string Points(double v) {
  if (v >= 1000 || v == std::floor(v)) return Thousands(std::llround(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

void AddList(CLI::App* chart, Action* action) {
  auto* cmd = chart->add_subcommand("list", "The charts: compiled, kept, store feeds, lists of No. 1s");
  auto store = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("--store", *store, "Store directory");
  AddViewFormat(cmd, format.get());
  cmd->callback([=] {
    *action = [=]() -> Status {
      if (!std::filesystem::exists(DefaultStoreDir(*store)))
        return Status::NotFound("no encore store at " + DefaultStoreDir(*store));
      // The compiled charts as of the store's last day (else today's rules), and the kept ones.
      Day on = std::numeric_limits<Day>::max();
      {
        StoreOptions o;
        o.read_only = true;
        o.create_if_missing = false;
        auto counts = OpenStore(DefaultStoreDir(*store), o);
        if (counts.ok() && !(*counts)->Days().empty()) on = (*counts)->Days().back();
      }
      auto history = OpenHistory(*store, false);
      ENCORE_ASSIGN_OR_RETURN(json view,
                              views::ChartListJson(on, history.ok() ? history->get() : nullptr));
      if (*format == "json") {
        std::cout << view.dump(1) << "\n";
        return Status::Ok();
      }
      std::printf("compiled from the store's counts (methodologies built in):\n");
      for (const auto& m : view["compiled"]) {
        std::string regions;
        for (const auto& x : m["regions"]) regions += (regions.empty() ? "" : " ") + x.get<std::string>();
        std::printf("  %-26s %-5s %-22s %s\n", m["chart"].get<std::string>().c_str(),
                    m["period"].get<std::string>().c_str(), regions.c_str(),
                    m["title"].get<std::string>().c_str());
      }
      std::printf("published (encore chart import):%s\n", view["kept"].empty() ? " none" : "");
      for (const auto& c : view["kept"]) {
        std::printf("  %-24s %8s editions  %s..%s  %10s entries\n", c["chart"].get<std::string>().c_str(),
                    Thousands(c["editions"].get<int64_t>()).c_str(), c["first"].get<std::string>().c_str(),
                    c["last"].get<std::string>().c_str(), Thousands(c["entries"].get<int64_t>()).c_str());
      }
      // Store feed snapshots and lists of No. 1s, where imported.
      auto feeds = OpenStoreFeeds(DefaultStoreDir(*store), false);
      if (!feeds.ok()) return Status::Ok();
      ENCORE_ASSIGN_OR_RETURN(auto series, (*feeds)->Series());
      if (!series.empty()) std::printf("store feeds (snapshots of top songs by country):\n");
      for (const FeedSeries& f : series) {
        std::printf("  %-24s %8s snapshots  %s..%s  %zu countries, %s entries\n",
                    (f.store + " " + f.kind + (f.genre.empty() ? "" : " genre " + f.genre)).c_str(),
                    Thousands(static_cast<int64_t>(f.snapshots)).c_str(),
                    FormatTimestamp(f.first).c_str(), FormatTimestamp(f.last).c_str(), f.countries,
                    Thousands(static_cast<int64_t>(f.entries)).c_str());
      }
      ENCORE_ASSIGN_OR_RETURN(auto lists, (*feeds)->Lists());
      if (!lists.empty()) std::printf("lists of No. 1s:\n");
      for (const std::string& l : lists) {
        ENCORE_ASSIGN_OR_RETURN(const NumberOnesList list, (*feeds)->List(l));
        size_t weeks = 0;
        Day first = 0, last = 0;
        for (const auto& n : list.entries) {
          weeks += static_cast<size_t>(std::max(0, n.weeks));
          if (!first || n.date < first) first = n.date;
          last = std::max(last, n.date);
        }
        std::printf("  %-24s %8s No. 1s    %s..%s  %s weeks at No. 1\n", l.c_str(),
                    Thousands(static_cast<int64_t>(list.entries.size())).c_str(),
                    first ? FormatDate(first).c_str() : "-", last ? FormatDate(last).c_str() : "-",
                    Thousands(static_cast<int64_t>(weeks)).c_str());
      }
      return Status::Ok();
    };
  });
}

void AddRejects(CLI::App* chart, Action* action) {
  auto* cmd =
      chart->add_subcommand("rejects", "The rows of imported chart files that were rejected");
  auto store = std::make_shared<std::string>();
  cmd->add_option("--store", *store, "Store directory");
  cmd->callback([=] {
    *action = [=]() -> Status {
      // Rows of chart files, then of store feeds and lists of No. 1s.
      auto history = OpenHistory(*store, false);
      auto feeds = OpenStoreFeeds(DefaultStoreDir(*store), false);
      if (!history.ok() && !feeds.ok()) return history.status();
      std::vector<std::pair<std::string, ChartReject>> all;
      if (history.ok()) {
        ENCORE_ASSIGN_OR_RETURN(all, (*history)->Rejects());
      }
      if (feeds.ok()) {
        ENCORE_ASSIGN_OR_RETURN(auto more, (*feeds)->Rejects());
        all.insert(all.end(), std::make_move_iterator(more.begin()),
                   std::make_move_iterator(more.end()));
      }
      for (const auto& [path, r] : all) {
        std::printf("%s:%llu: %s: %s\n", Printable(path).c_str(),
                    static_cast<unsigned long long>(r.line), Printable(r.reason).c_str(),
                    Printable(r.text).c_str());
      }
      return Status::Ok();
    };
  });
}

json VerifyJson(const VerifyReport& r, size_t examples) {
  json classes = json::object();
  std::map<std::string, size_t> shown;
  json list = json::array();
  for (const auto& d : r.disagreements) {
    if (shown[d.cls]++ >= examples) continue;
    list.push_back({{"date", FormatDate(d.date)},
                    {"position", d.entry.position},
                    {"title", d.entry.title},
                    {"artist", d.entry.artist},
                    {"printed",
                     {{"last_week", d.entry.last_week ? json(*d.entry.last_week) : json()},
                      {"peak", d.entry.peak ? json(*d.entry.peak) : json()},
                      {"weeks", d.entry.weeks ? json(*d.entry.weeks) : json()}}},
                    {"computed",
                     {{"last_week", d.computed.last ? json(*d.computed.last) : json()},
                      {"peak", d.computed.peak},
                      {"weeks", d.computed.weeks},
                      {"streak", d.computed.streak}}},
                    {"class", d.cls}});
  }
  for (const auto& [c, n] : r.classes) classes[c] = n;
  json repairs = json::array();
  for (const auto& rp : r.repairs)
    repairs.push_back({{"date", FormatDate(rp.date)}, {"what", rp.what}, {"rows", rp.rows}});
  auto pct = [](size_t a, size_t b) {
    return b ? 100.0 * static_cast<double>(a) / static_cast<double>(b) : 100.0;
  };
  return {{"chart", r.chart},
          {"editions", r.editions},
          {"rows", r.rows},
          {"carried_in", r.carried_in},
          {"agree", r.agree},
          {"agree_percent", r.nothing_printed ? json() : json(pct(r.agree, r.rows))},
          {"nothing_printed", r.nothing_printed},
          {"last_week", {{"rows", r.last_rows}, {"agree", r.last_agree}}},
          {"peak", {{"rows", r.peak_rows}, {"agree", r.peak_agree}}},
          {"weeks", {{"rows", r.weeks_rows}, {"agree", r.weeks_agree}}},
          {"classes", classes},
          {"repairs", repairs},
          {"examples", list}};
}

// The check of a list of No. 1s (doc/charts.md, "Lists of No. 1s"): its own consistency, then
// against the chart's editions where both exist.
Status VerifyNumberOnes(StoreFeeds& feeds, ChartHistory& history, const std::string& chart,
                        const std::string& format, size_t examples, json* out) {
  ENCORE_ASSIGN_OR_RETURN(const NumberOnesList list, feeds.List(chart));
  const ListCheck c = CheckNumberOnesList(list);
  ENCORE_ASSIGN_OR_RETURN(auto editions, history.Editions(chart));
  const NumberOnesReport r = CompareNumberOnes(list, editions);
  std::map<std::string, size_t> classes;
  for (const auto& f : c.findings) ++classes[f.cls];
  if (format == "json") {
    json findings = json::array();
    for (const auto& f : c.findings) findings.push_back({{"class", f.cls}, {"what", f.what}});
    json rows = json::array();
    for (const auto& row : r.rows) {
      rows.push_back(
          {{"date", FormatDate(row.date)},
           {"artist", row.artist},
           {"title", row.title},
           {"list_weeks", row.list_weeks},
           {"chart_weeks", row.chart_weeks},
           {"chart_first", row.chart_first ? json(FormatDate(*row.chart_first)) : json(nullptr)},
           {"agree", row.agree},
           {"cause", row.cause}});
    }
    json chart_only = json::array();
    for (const auto& [d, who] : r.chart_only)
      chart_only.push_back({{"date", FormatDate(d)}, {"song", who}});
    json j = {{"number_ones", chart},
              {"entries", c.entries},
              {"weeks", c.weeks},
              {"returns", c.reentries},
              {"shared", c.shared},
              {"first", FormatDate(c.first)},
              {"last", FormatDate(c.last)},
              {"gaps_agree", c.gaps_agree},
              {"findings", findings},
              {"chart_editions", r.editions},
              {"overlap", r.overlap},
              {"agree", r.agree},
              {"runs", rows},
              {"chart_only", chart_only}};
    if (r.overlap) {
      j["overlap_from"] = FormatDate(r.overlap_from);
      j["overlap_to"] = FormatDate(r.overlap_to);
    }
    out->push_back(std::move(j));
    return Status::Ok();
  }
  std::printf("%s, list of No. 1s: %s No. 1s (%zu returns), %s..%s, %s weeks at No. 1\n",
              chart.c_str(), Thousands(static_cast<int64_t>(c.entries)).c_str(), c.reentries,
              FormatDate(c.first).c_str(), FormatDate(c.last).c_str(), Thousands(c.weeks).c_str());
  std::printf("  its own dates: %s of %s runs last exactly until the next No. 1's date\n",
              Thousands(static_cast<int64_t>(c.gaps_agree)).c_str(),
              Thousands(static_cast<int64_t>(c.entries ? c.entries - 1 : 0)).c_str());
  for (const auto& [cls, n] : classes) {
    std::printf("    %6zu  %s\n", n, cls.c_str());
    size_t shown = 0;
    for (const auto& f : c.findings)
      if (f.cls == cls && shown++ < examples)
        std::printf("            %s\n", Printable(f.what).c_str());
  }
  if (editions.empty()) {
    std::printf("  against the chart: no editions of %s in the history: nothing to compare\n",
                chart.c_str());
    return Status::Ok();
  }
  if (!r.overlap) {
    std::printf(
        "  against the chart: no overlap: the list covers %s..%s, the chart's %s editions "
        "%s..%s; nothing compared\n",
        FormatDate(r.list_first).c_str(), FormatDate(r.list_end).c_str(),
        Thousands(static_cast<int64_t>(r.editions)).c_str(), FormatDate(r.chart_first).c_str(),
        FormatDate(r.chart_last).c_str());
    return Status::Ok();
  }
  std::printf(
      "  against the chart (%s editions; both cover %s..%s): %zu of %zu runs agree on "
      "their weeks at No. 1\n",
      Thousands(static_cast<int64_t>(r.editions)).c_str(), FormatDate(r.overlap_from).c_str(),
      FormatDate(r.overlap_to).c_str(), r.agree, r.rows.size());
  for (const auto& row : r.rows) {
    if (row.agree && row.cause.empty()) continue;
    std::printf("    %s %s - %s: list %d weeks, chart %d%s%s\n", FormatDate(row.date).c_str(),
                Printable(row.artist).c_str(), Printable(row.title).c_str(), row.list_weeks,
                row.chart_weeks, row.cause.empty() ? "" : ": ", Printable(row.cause).c_str());
  }
  for (const auto& [d, who] : r.chart_only)
    std::printf("    %s %s: No. 1 on the chart, not in the list\n", FormatDate(d).c_str(),
                Printable(who).c_str());
  return Status::Ok();
}

void AddVerify(CLI::App* chart, Action* action) {
  auto* cmd = chart->add_subcommand(
      "verify",
      "Recompute last week, peak and weeks on chart from the positions and compare them with "
      "the printed ones");
  struct Args {
    std::vector<std::string> charts;
    std::string store, format = "table";
    size_t examples = 3;
    bool streak = false, number_ones = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("charts", a->charts, "Chart names (default: every chart)");
  cmd->add_flag("--number-ones", a->number_ones,
                "Only the lists of No. 1s: their own dates and weeks, and against the chart");
  cmd->add_option("--store", a->store, "Store directory");
  cmd->add_option("--examples", a->examples, "Disagreements shown per class")
      ->capture_default_str();
  cmd->add_flag("--weeks-as-streak", a->streak,
                "Check the printed weeks as a streak (reset on re-entry), not cumulative");
  AddViewFormat(cmd, &a->format);
  cmd->callback([=] {
    *action = [=]() -> Status {
      const auto t0 = std::chrono::steady_clock::now();
      auto feeds = OpenStoreFeeds(DefaultStoreDir(a->store), false);
      std::vector<std::string> lists;  // charts with a list of No. 1s
      if (feeds.ok()) {
        ENCORE_ASSIGN_OR_RETURN(lists, (*feeds)->Lists());
      }
      // A store with lists only has no chart history yet: an empty one answers.
      auto opened = OpenHistory(a->store, !lists.empty());
      if (!opened.ok()) return opened.status();
      auto history = std::move(*opened);
      std::vector<std::string> names = a->charts;
      if (names.empty()) {
        ENCORE_ASSIGN_OR_RETURN(auto all, history->Charts());
        for (const auto& c : all) names.push_back(c.chart);
      }
      auto has_list = [&](const std::string& n) {
        return std::find(lists.begin(), lists.end(), n) != lists.end();
      };
      if (a->number_ones && lists.empty())
        return Status::NotFound("no list of No. 1s in the store (encore chart import LIST.json)");
      std::vector<std::string> list_names;
      for (const auto& l : lists)
        if (a->charts.empty() ||
            std::find(a->charts.begin(), a->charts.end(), l) != a->charts.end())
          list_names.push_back(l);
      json out = json::array();
      for (const auto& name : names) {
        if (a->number_ones) break;
        if (has_list(name) && !FindChart(*history, name).ok()) continue;  // the list only
        ENCORE_RETURN_IF_ERROR(FindChart(*history, name).status());
        ENCORE_ASSIGN_OR_RETURN(auto editions, history->Editions(name));
        VerifyOptions o;
        o.weeks_as_streak = a->streak;
        const VerifyReport r = VerifyChart(name, editions, o);
        if (a->format == "json") {
          out.push_back(VerifyJson(r, a->examples));
          continue;
        }
        auto pct = [](size_t x, size_t n) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.2f%%",
                        n ? 100.0 * static_cast<double>(x) / static_cast<double>(n) : 100.0);
          return std::string(buf);
        };
        if (r.nothing_printed) {
          std::printf(
              "%s: %s editions; nothing printed to check (its files print no last week, "
              "peak or weeks on chart)\n",
              name.c_str(), Thousands(static_cast<int64_t>(r.editions)).c_str());
          continue;
        }
        std::printf("%s: %s editions, %s rows checked; all printed columns agree on %s rows (%s)\n",
                    name.c_str(), Thousands(static_cast<int64_t>(r.editions)).c_str(),
                    Thousands(static_cast<int64_t>(r.rows)).c_str(),
                    Thousands(static_cast<int64_t>(r.agree)).c_str(), pct(r.agree, r.rows).c_str());
        if (r.carried_in)
          std::printf(
              "  %s more rows carry in their printed history (where the data starts or "
              "resumes after a gap): not checked\n",
              Thousands(static_cast<int64_t>(r.carried_in)).c_str());
        std::printf("  last week %s of %s (%s), peak %s of %s (%s), weeks %s of %s (%s)%s\n",
                    Thousands(static_cast<int64_t>(r.last_agree)).c_str(),
                    Thousands(static_cast<int64_t>(r.last_rows)).c_str(),
                    pct(r.last_agree, r.last_rows).c_str(),
                    Thousands(static_cast<int64_t>(r.peak_agree)).c_str(),
                    Thousands(static_cast<int64_t>(r.peak_rows)).c_str(),
                    pct(r.peak_agree, r.peak_rows).c_str(),
                    Thousands(static_cast<int64_t>(r.weeks_agree)).c_str(),
                    Thousands(static_cast<int64_t>(r.weeks_rows)).c_str(),
                    pct(r.weeks_agree, r.weeks_rows).c_str(),
                    a->streak ? " (weeks as a streak)" : "");
        for (size_t k = 0; k < r.repairs.size(); ++k) {
          const ChartRepair& rp = r.repairs[k];
          if (k == a->examples && r.repairs.size() > k + 1) {
            std::printf("  … and %zu more repairs (--format json lists them all)\n",
                        r.repairs.size() - k);
            break;
          }
          std::printf("  repaired %s: %s (%zu rows)\n", FormatDate(rp.date).c_str(),
                      rp.what.c_str(), rp.rows);
        }
        if (!r.classes.empty()) std::printf("  disagreements by class:\n");
        for (const auto& [cls, n] : r.classes) {
          std::printf("    %8s  %s\n", Thousands(static_cast<int64_t>(n)).c_str(), cls.c_str());
          size_t shown = 0;
          for (const auto& d : r.disagreements) {
            if (d.cls != cls || shown++ >= a->examples) continue;
            std::printf("              %s #%d %s - %s: printed %s/%s/%s, computed %s/%d/%d\n",
                        FormatDate(d.date).c_str(), d.entry.position, d.entry.artist.c_str(),
                        d.entry.title.c_str(), Opt(d.entry.last_week).c_str(),
                        Opt(d.entry.peak).c_str(), Opt(d.entry.weeks).c_str(),
                        Opt(d.computed.last).c_str(), d.computed.peak,
                        a->streak ? d.computed.streak : d.computed.weeks);
          }
        }
      }
      for (const auto& l : list_names)
        ENCORE_RETURN_IF_ERROR(
            VerifyNumberOnes(**feeds, *history, l, a->format, a->examples, &out));
      if (a->format == "json") {
        std::cout << out.dump(1) << "\n";
      } else {
        std::printf("(last/peak/weeks; checked in %.2f s)\n",
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
      return Status::Ok();
    };
  });
}

// A date flag's value when given.
Result<std::optional<Day>> OptionalDate(const std::string& flag, const std::string& value) {
  if (value.empty()) return std::optional<Day>();
  ENCORE_ASSIGN_OR_RETURN(const Day d, ParseDateFlag(flag, value));
  return std::optional<Day>(d);
}

// The compiled chart date a date flag means (views::CompiledDate).
Result<Day> CompiledDateFlag(const ChartMethod& m, const CountStore& store, const std::string& flag,
                             const std::string& value) {
  ENCORE_ASSIGN_OR_RETURN(const auto d, OptionalDate(flag, value));
  return views::CompiledDate(m, store, d);
}

// Prints a chart view (views/views.h) cut to `top` entries: its JSON, with the paging fields that
// say how many were left out, or a table of the same columns with a line saying so.
void PrintChartView(json view, size_t top, const std::string& format, const std::string& heading) {
  const json entries = std::move(view["entries"]);
  views::PutPage(&view, "entries", entries, 0, top);
  if (format == "json") {
    std::cout << view.dump(1) << "\n";
    return;
  }
  std::printf("%s\n", heading.c_str());
  const bool runs = !view["entries"].empty() && !view["entries"][0]["movement"].is_null();
  const bool days = view.value("run_unit", "") == "days";
  const std::string value = view["value_name"].is_null() ? "" : view["value_name"].get<std::string>();
  if (runs) {
    std::printf("%4s %5s  %-40s %-28s %4s %4s %4s %6s %14s\n", "pos", "move", "title", "artist", "last",
                "peak", days ? "days" : "wks", "streak", value.c_str());
  } else {
    std::printf("%4s  %-40s %-28s %14s\n", "pos", "title", "artist", value.c_str());
  }
  for (const json& e : view["entries"]) {
    const std::string v = !e.contains("value")             ? ""
                          : e["value"].is_number_integer() ? Thousands(e["value"].get<int64_t>())
                                                           : Points(e["value"].get<double>());
    const std::string title = Printable(e["title"].get<std::string>());
    const std::string artist = e.value("in_catalog", true) || !e["artist"].get<std::string>().empty()
                                   ? Printable(e["artist"].get<std::string>())
                                   : "(not in the catalog)";
    if (runs) {
      const std::string last =
          e["last_week"].is_null() ? "-" : std::to_string(e["last_week"].get<int>());
      std::printf("%4d %5s  %-40.40s %-28.28s %4s %4d %4d %6d %14s\n", e["position"].get<int>(),
                  e["movement"].get<std::string>().c_str(), title.c_str(), artist.c_str(),
                  last.c_str(), e["peak"].get<int>(), e["weeks"].get<int>(), e["streak"].get<int>(),
                  v.c_str());
    } else {
      std::printf("%4d  %-40.40s %-28.28s %14s\n", e["position"].get<int>(), title.c_str(),
                  artist.c_str(), v.c_str());
    }
  }
  const size_t total = view["total"].get<size_t>();
  if (total > top) std::printf("(%zu of %zu entries: --top %zu shows them all)\n", top, total, total);
  for (const auto& n : view["notes"]) std::printf("note: %s\n", n.get<std::string>().c_str());
}

// `encore chart NAME --date D`: the kept edition on D (or the last one before it).
Status ShowChart(const std::string& store, const std::string& name, const std::string& date_flag,
                 size_t top, const std::string& format) {
  auto opened = OpenHistory(store, false);
  if (!opened.ok() && opened.status().code() == StatusCode::kNotFound) {
    std::vector<std::string> names;
    for (const ChartMethod& m : BuiltinMethodologies()) names.push_back(m.name);
    return Status::NotFound("no chart '" + name + "'" + DidYouMean(name, names) +
                            "; the store keeps no published charts (encore chart import); "
                            "compiled from the counts: encore chart list");
  }
  ENCORE_ASSIGN_OR_RETURN(auto history, std::move(opened));
  ENCORE_ASSIGN_OR_RETURN(ChartSummary c, FindChart(*history, name));
  ENCORE_ASSIGN_OR_RETURN(const auto date, OptionalDate("--date", date_flag));
  ENCORE_ASSIGN_OR_RETURN(const Catalog catalog, LoadStoredCatalog(DefaultStoreDir(store)));
  ENCORE_ASSIGN_OR_RETURN(json view, views::KeptChartJson(*history, catalog, c.chart, date));
  const std::string shown = view["date"].get<std::string>();
  const std::string asked = date ? FormatDate(*date) : shown;
  PrintChartView(std::move(view), top, format,
                 c.chart + " dated " + shown +
                     (asked != shown ? " (the last edition on or before " + asked + ")" : ""));
  return Status::Ok();
}

// A song's or an artist's runs on every chart of the history (or one).
void AddRun(CLI::App* chart, Action* action) {
  auto* cmd = chart->add_subcommand("run",
                                    "Chart runs of a song (\"Artist - Title\"), a catalog track or "
                                    "an artist: debut, peak, weeks");
  struct Args {
    std::string query, artist, track, chart, store, format = "table";
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("song", a->query, "\"Artist - Title\" (every version and spelling of the song)");
  cmd->add_option("--artist", a->artist, "Every entry crediting this artist");
  cmd->add_option("--track", a->track,
                  "A catalog track: the chart songs matched to any version of its song");
  cmd->add_option("--chart", a->chart, "One chart (default: every chart)");
  cmd->add_option("--store", a->store, "Store directory");
  AddViewFormat(cmd, &a->format);
  cmd->callback([=] {
    *action = [=]() -> Status {
      if (a->query.empty() + a->artist.empty() + a->track.empty() != 2)
        return Status::InvalidArgument(
            "give one of a song (\"Artist - Title\"), --artist NAME or --track ID");
      std::string want_song, want_artist = NormalizeName(a->artist);
      if (!a->query.empty()) {
        const size_t dash = a->query.find(" - ");
        if (dash == std::string::npos)
          return Status::InvalidArgument("a song is \"Artist - Title\"");
        want_song = SongKey(a->query.substr(0, dash), a->query.substr(dash + 3));
      }
      ENCORE_ASSIGN_OR_RETURN(auto history, OpenHistory(a->store, false));
      std::set<std::string> want_keys;  // --track: the chart songs linked to its versions
      std::optional<Catalog> catalog;
      if (!a->track.empty() || !a->artist.empty()) {
        ENCORE_ASSIGN_OR_RETURN(catalog, LoadStoredCatalog(DefaultStoreDir(a->store)));
      }
      if (!a->track.empty()) {
        const Track* t = catalog->TrackById(a->track);
        if (!t) return Status::NotFound("no track '" + a->track + "' in the catalog");
        ENCORE_ASSIGN_OR_RETURN(want_keys, ChartSongsOfTrack(*history, *catalog, *t));
      }
      // --artist: the name as given (either name of "Jung Kook (정국)") and, when the catalog
      // knows the artist, every name and alias of theirs; credits split where the catalog's
      // names allow.
      std::set<std::string> want_artists;
      KnownName known;
      if (!a->artist.empty()) {
        want_artists.insert(want_artist);
        if (const auto [name, native] = NameAndParenthesized(a->artist); !name.empty()) {
          want_artists.insert(NormalizeName(name));
          want_artists.insert(NormalizeName(native));
        }
        for (const Artist* x : catalog->FindArtists(a->artist)) {
          want_artists.insert(NormalizeName(x->name));
          for (const auto& alias : x->aliases) want_artists.insert(NormalizeName(alias));
        }
        if (!catalog->artists().empty()) known = catalog->KnownNames();
      }
      auto named = [&](const std::string& n) {
        if (want_artists.count(NormalizeName(n))) return true;
        const auto [name, native] = NameAndParenthesized(n);
        return !name.empty() && (want_artists.count(NormalizeName(name)) ||
                                 want_artists.count(NormalizeName(native)));
      };
      auto matches = [&](const ChartEntry& e) {
        if (!a->track.empty()) return want_keys.count(e.song) > 0;
        if (!want_song.empty()) return SongKey(e.artist, e.title) == want_song;
        const Credit c = SplitCredit(e.artist, known);
        for (const auto* list : {&c.primary, &c.featured})
          for (const auto& n : *list)
            if (named(n)) return true;
        for (const auto& n : ParseTitle(e.title).featured)
          if (named(n)) return true;
        return NormalizeName(e.artist) == want_artist;
      };
      std::vector<std::string> names;
      if (!a->chart.empty()) {
        ENCORE_RETURN_IF_ERROR(FindChart(*history, a->chart).status());
        names.push_back(a->chart);
      } else {
        ENCORE_ASSIGN_OR_RETURN(auto all, history->Charts());
        for (const auto& c : all) names.push_back(c.chart);
      }
      ENCORE_ASSIGN_OR_RETURN(const json out, ChartRunsJson(*history, names, matches));
      if (out.empty()) return Status::NotFound("no chart entry matches");
      if (a->format == "json") {
        std::cout << out.dump(1) << "\n";
        return Status::Ok();
      }
      for (const auto& s : out) {
        const bool days = s["period"] == "day";
        const std::string unit = days ? "days" : "weeks";
        const char* one = days ? "day" : "week";
        const int n_peak = s[unit + "_at_peak"].get<int>(), n = s[unit].get<int>();
        const int at_1 = s[unit + "_at_1"].get<int>();
        std::printf("%s: %s - %s%s\n", s["chart"].get<std::string>().c_str(),
                    s["artist"].get<std::string>().c_str(), s["title"].get<std::string>().c_str(),
                    !s["carried_in"].get<bool>() ? ""
                    : s["debut_in_data"].get<bool>()
                        ? " (carried in: on the chart across a gap in the data)"
                        : " (carried in: on the chart before the data)");
        if (!s["debut_in_data"].get<bool>()) {
          std::printf("  first in the data %s at No. %d (its debut is before the data)",
                      s["debut"]["date"].get<std::string>().c_str(),
                      s["debut"]["position"].get<int>());
        } else {
          std::printf("  debut %s at No. %d", s["debut"]["date"].get<std::string>().c_str(),
                      s["debut"]["position"].get<int>());
        }
        if (s["peak_date"].is_null()) {
          std::printf("; peak No. %d (before the data); %d %s%s on chart", s["peak"].get<int>(), n,
                      one, n == 1 ? "" : "s");
        } else {
          std::printf("; peak No. %d (%s, %d %s%s there); %d %s%s on chart", s["peak"].get<int>(),
                      s["peak_date"].get<std::string>().c_str(), n_peak, one,
                      n_peak == 1 ? "" : "s", n, one, n == 1 ? "" : "s");
        }
        if (at_1 || s[unit + "_at_1_before_data"].get<bool>())
          std::printf(", %s%d at No. 1",
                      s[unit + "_at_1_before_data"].get<bool>() ? "at least " : "", at_1);
        std::printf("; longest streak %d; last %s\n", s["longest_streak"].get<int>(),
                    s["last"].get<std::string>().c_str());
        for (const auto& d : s["reentries"])
          std::printf("  re-entry %s\n", d.get<std::string>().c_str());
        for (const auto& d : s["new_runs"])
          std::printf("  new run %s (the publisher restarted its count)\n",
                      d.get<std::string>().c_str());
      }
      return Status::Ok();
    };
  });
}


struct CompiledContext {
  std::unique_ptr<CountStore> store;
  Catalog catalog;
  std::unique_ptr<SalesData> sales;  // null: no sales or airplay taken in
};

Result<CompiledContext> OpenCounts(const std::string& flag) {
  CompiledContext c;
  StoreOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  const std::string dir = DefaultStoreDir(flag);
  ENCORE_ASSIGN_OR_RETURN(c.store, OpenStore(dir, o));
  ENCORE_ASSIGN_OR_RETURN(c.catalog, LoadStoredCatalog(dir));
  ENCORE_ASSIGN_OR_RETURN(c.sales, OpenSalesData(dir));
  return c;
}


Status ShowCompiled(const ChartMethod& m, const std::string& store_flag,
                    const std::string& date_flag, const std::string& region, size_t top,
                    const std::string& format) {
  ENCORE_ASSIGN_OR_RETURN(const auto date, OptionalDate("--date", date_flag));
  ENCORE_ASSIGN_OR_RETURN(CompiledContext ctx, OpenCounts(store_flag));
  const Catalog* catalog = ctx.catalog.artists().empty() ? nullptr : &ctx.catalog;
  std::vector<CompiledChart> series;
  const views::CompileEdition compile = [&](Day d,
                                            const std::string& r) -> Result<const CompiledChart*> {
    ENCORE_ASSIGN_OR_RETURN(series, CompileSeries(*ctx.store, catalog, m, d, r, ctx.sales.get()));
    return &series.back();
  };
  ENCORE_ASSIGN_OR_RETURN(json view,
                          views::CompiledChartJson(*ctx.store, catalog, m, date, region, compile));
  const std::string heading = m.name + " (" + view["title"].get<std::string>() + "), " +
                              view["region"].get<std::string>() + ", dated " +
                              view["date"].get<std::string>() + ": " +
                              view["period"][0].get<std::string>() + ".." +
                              view["period"][1].get<std::string>();
  PrintChartView(std::move(view), top, format, heading);
  return Status::Ok();
}

// An hourly store chart: one country's, or every country's No. 1.
Status ShowStoreChart(const ChartMethod& m, const std::string& store_flag,
                      const std::string& date_flag, const std::string& country, bool all_regions,
                      size_t top, const std::string& format) {
  ENCORE_ASSIGN_OR_RETURN(CompiledContext ctx, OpenCounts(store_flag));
  if (!ctx.sales)
    return Status::NotFound(m.name +
                            " is compiled from sales: the store has none (encore ingest "
                            "sales.csv)");
  if (date_flag.empty())
    return Status::InvalidArgument(m.name + " is hourly: --date YYYY-MM-DDTHH (UTC)");
  auto ts = ParseTimestamp(date_flag.size() == 13 ? date_flag + ":00:00Z" : date_flag);
  if (!ts)
    return Status::InvalidArgument("--date takes YYYY-MM-DDTHH or a timestamp, not '" + date_flag +
                                   "'");
  const Catalog* catalog = ctx.catalog.artists().empty() ? nullptr : &ctx.catalog;
  std::vector<std::string> countries;
  if (all_regions) {
    const int64_t window =
        static_cast<int64_t>(m.Number("window", static_cast<Day>(*ts / 86400), 24));
    const auto* stores = m.Get("stores", static_cast<Day>(*ts / 86400));
    for (const auto& st : stores ? *stores : std::vector<std::string>{""}) {
      ENCORE_ASSIGN_OR_RETURN(auto cs, ctx.sales->Countries(*ts - (window - 1) * 3600 - *ts % 3600,
                                                            *ts - *ts % 3600 + 3599, st));
      countries.insert(countries.end(), cs.begin(), cs.end());
    }
    std::sort(countries.begin(), countries.end());
    countries.erase(std::unique(countries.begin(), countries.end()), countries.end());
  } else {
    ENCORE_ASSIGN_OR_RETURN(std::string one, views::StoreChartCountry(country));
    countries.push_back(std::move(one));
  }
  json out = json::array();
  std::map<std::string, std::vector<std::string>> number_ones;  // item -> countries
  std::map<std::string, std::string> titles;
  for (const auto& c : countries) {
    ENCORE_ASSIGN_OR_RETURN(CompiledChart chart, CompileStoreChart(*ctx.sales, catalog, m, *ts, c));
    if (all_regions) {
      if (!chart.edition.entries.empty()) {
        const ChartEntry& e = chart.edition.entries[0];
        number_ones[e.song].push_back(c);
        titles[e.song] = e.title + (e.artist.empty() ? "" : " by " + e.artist);
      }
      continue;
    }
    PrintChartView(views::StoreChartJson(m, chart, c, *ts - *ts % 3600), top, format,
                   m.name + ", " + c + ", the " + Points(m.Number("window", chart.date, 24)) +
                       " hours to the hour of " + date_flag);
  }
  if (all_regions) {
    std::vector<std::pair<std::string, std::vector<std::string>>> list(number_ones.begin(),
                                                                       number_ones.end());
    std::sort(list.begin(), list.end(),
              [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
    if (format == "json") {
      for (const auto& [song, cs] : list)
        out.push_back({{"item", song}, {"title", titles[song]}, {"countries", cs}});
      std::cout << json{{"chart", m.name}, {"hour", FormatTimestamp(*ts - *ts % 3600)}, {"number_ones", out}}.dump(1)
                << "\n";
      return Status::Ok();
    }
    std::printf("%s at %s: No. 1 in %zu countries with sales\n", m.name.c_str(), date_flag.c_str(),
                countries.size());
    for (const auto& [song, cs] : list) {
      std::string l;
      for (const auto& c : cs) l += (l.empty() ? "" : " ") + c;
      std::printf("  %3zu  %s: %s\n", cs.size(), titles[song].c_str(), l.c_str());
    }
  }
  return Status::Ok();
}

void AddExplain(CLI::App* chart, Action* action) {
  auto* cmd = chart->add_subcommand(
      "explain", "Why a track has its place on a compiled chart: points by component and rule");
  struct Args {
    std::string name, date, track, country, store, format = "table";
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("name", a->name, "A compiled chart (encore chart list)")->required();
  cmd->add_option("--date", a->date, "Chart date (default: the latest)");
  cmd->add_option("--track", a->track, "Store track id, catalog track id or title")->required();
  cmd->add_option("--region,--country", a->country, "Region: a country code or GLOBAL (the API's region=)");
  cmd->add_option("--store", a->store, "Store directory");
  AddViewFormat(cmd, &a->format);
  cmd->callback([=] {
    *action = [=]() -> Status {
      const ChartMethod* m = FindMethodology(a->name);
      if (!m) return Status::NotFound("no compiled chart '" + a->name + "' (encore chart list)");
      ENCORE_ASSIGN_OR_RETURN(CompiledContext ctx, OpenCounts(a->store));
      ENCORE_ASSIGN_OR_RETURN(const auto date, OptionalDate("--date", a->date));
      const Catalog* catalog = ctx.catalog.artists().empty() ? nullptr : &ctx.catalog;
      ENCORE_ASSIGN_OR_RETURN(const json x, views::ChartExplainJson(*ctx.store, catalog, ctx.sales.get(), *m,
                                                                    date, a->country, a->track));
      if (a->format == "json") {
        std::cout << x.dump(2) << "\n";
        return Status::Ok();
      }
      const std::string unit = x["value_name"].get<std::string>();
      std::printf("%s, %s, dated %s, counting %s..%s\n", m->name.c_str(),
                  x["region"].get<std::string>().c_str(), x["date"].get<std::string>().c_str(),
                  x["period"][0].get<std::string>().c_str(), x["period"][1].get<std::string>().c_str());
      const std::string artist = x["artist"].get<std::string>();
      std::printf("%s by %s: No. %d%s with %s %s\n", Printable(x["title"].get<std::string>()).c_str(),
                  artist.empty() ? "(not in the catalog)" : Printable(artist).c_str(),
                  x["position"].get<int>(),
                  x["in_top"].get<bool>() ? "" : (" (outside the top " + std::to_string(x["size"].get<size_t>()) + ")").c_str(),
                  Points(x["points"].get<double>()).c_str(), unit.c_str());
      std::string tracks;
      for (const auto& t : x["tracks"]) tracks += (tracks.empty() ? "" : ", ") + t.get<std::string>();
      std::printf("  tracks counted: %s\n",
                  tracks.empty() ? "none (no streams: the points are the lines below)" : tracks.c_str());
      for (const auto& l : x["components"]) std::printf("  %s\n", l["line"].get<std::string>().c_str());
      for (const auto& n : x["neighbours"]) {
        std::printf("  No. %d %s it has %s\n", n["position"].get<int>(),
                    n["relation"].get<std::string>().c_str(), Points(n["points"].get<double>()).c_str());
      }
      std::printf("  ties: %s\n", x["ties"].get<std::string>().c_str());
      for (const auto& n : x["notes"]) std::printf("  rule: %s\n", n.get<std::string>().c_str());
      return Status::Ok();
    };
  });
}

void AddCompile(CLI::App* chart, Action* action) {
  auto* cmd = chart->add_subcommand(
      "compile",
      "Compile a chart for every region (or one) and keep it in the chart history; an unchanged "
      "period is not compiled again");
  struct Args {
    std::string name, date, from, to, store;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("name", a->name, "A compiled chart (encore chart list)")->required();
  cmd->add_option("--date", a->date, "Chart date (default: the latest with its period counted)");
  cmd->add_option("--from", a->from, "First chart date of a range");
  cmd->add_option("--to", a->to, "Last chart date of a range");
  cmd->add_option("--store", a->store, "Store directory");
  cmd->callback([=] {
    *action = [=]() -> Status {
      const ChartMethod* m = FindMethodology(a->name);
      if (!m) return Status::NotFound("no compiled chart '" + a->name + "' (encore chart list)");
      ENCORE_ASSIGN_OR_RETURN(CompiledContext ctx, OpenCounts(a->store));
      ENCORE_ASSIGN_OR_RETURN(auto history, OpenHistory(a->store, true));
      const Catalog* catalog = ctx.catalog.artists().empty() ? nullptr : &ctx.catalog;
      const std::string catalog_digest = catalog ? catalog->Digest() : "";
      Day first, last;
      if (!a->from.empty() || !a->to.empty()) {
        if (!a->from.empty()) {
          // The first chart dated on or after --from (the one before it counts days before it).
          ENCORE_ASSIGN_OR_RETURN(const Day from, ParseDateFlag("--from", a->from));
          Day d = ChartDateOnOrBefore(*m, from);
          if (d < from) d = NextChartDate(*m, d);
          ENCORE_ASSIGN_OR_RETURN(first, views::CompiledDate(*m, *ctx.store, d));
        } else {
          ENCORE_ASSIGN_OR_RETURN(first, CompiledDateFlag(*m, *ctx.store, "--to", a->to));
        }
        ENCORE_ASSIGN_OR_RETURN(last,
                                CompiledDateFlag(*m, *ctx.store, a->to.empty() ? "--from" : "--to", a->to.empty() ? a->from : a->to));
      } else {
        ENCORE_ASSIGN_OR_RETURN(first, CompiledDateFlag(*m, *ctx.store, "--date", a->date));
        last = first;
      }
      std::vector<ChartHistory::CompiledDate> batch;
      size_t batch_entries = 0;
      auto keep = [&]() -> Status {
        if (batch.empty()) return Status::Ok();
        const auto t0 = std::chrono::steady_clock::now();
        ENCORE_RETURN_IF_ERROR(history->StoreCompiled(m->name, batch));
        std::printf(
            "%s: kept %zu %s (%s entries) in %.1f ms (as %s:REGION)\n", m->name.c_str(),
            batch.size(), batch.size() == 1 ? "date" : "dates",
            Thousands(static_cast<int64_t>(batch_entries)).c_str(),
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count(),
            m->name.c_str());
        batch.clear();
        batch_entries = 0;
        return Status::Ok();
      };
      for (Day d = first; d <= last; d = NextChartDate(*m, d)) {
        const auto t0 = std::chrono::steady_clock::now();
        ENCORE_ASSIGN_OR_RETURN(auto period, ChartPeriod(*m, d));
        std::string inputs = m->fingerprint + "|" + catalog_digest;
        for (Day x = period.first; x <= period.second; ++x)
          inputs += "|" + ctx.store->DayVersion(x);
        Fingerprinter fp;
        fp.Update(inputs);
        const std::string token = fp.Hex();
        ENCORE_ASSIGN_OR_RETURN(auto before, history->CompiledInputs(m->name, d));
        if (before && *before == token) {
          std::printf(
              "%s %s: unchanged since it was compiled (%.1f ms)\n", m->name.c_str(),
              FormatDate(d).c_str(),
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                  .count());
          continue;
        }
        ENCORE_ASSIGN_OR_RETURN(auto charts,
                                CompileAllRegions(*ctx.store, catalog, *m, d, ctx.sales.get()));
        const double compile_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        ChartHistory::CompiledDate compiled{d, token, {}};
        size_t entries = 0;
        for (auto& c : charts) {
          entries += c.edition.entries.size();
          compiled.editions.push_back(std::move(c.edition));
        }
        std::printf("%s %s (%s..%s): %zu regions, %s entries, compiled in %.1f ms\n",
                    m->name.c_str(), FormatDate(d).c_str(), FormatDate(period.first).c_str(),
                    FormatDate(period.second).c_str(), compiled.editions.size(),
                    Thousands(static_cast<int64_t>(entries)).c_str(), compile_ms);
        batch_entries += entries;
        batch.push_back(std::move(compiled));
        // Kept a batch at a time: one transaction (one commit's fsyncs) for up to a month of
        // dates or half a million entries, whichever comes first.
        if (batch.size() >= 31 || batch_entries >= 500'000) ENCORE_RETURN_IF_ERROR(keep());
      }
      ENCORE_RETURN_IF_ERROR(keep());
      // The chart songs of the stored editions linked to the catalog, as an import does, so
      // that `chart run --track` and the server's track pages find them.
      if (catalog) {
        ENCORE_RETURN_IF_ERROR(history->LinkSongs(*catalog).status());
      }
      return Status::Ok();
    };
  });
}

}  // namespace

void AddChart(CLI::App& app, Action* action) {
  auto* chart = app.add_subcommand(
      "chart", "Charts: show an edition, import published ones, runs, verify (doc/charts.md)");
  struct Args {
    std::string name, date, store, country, format = "table";
    size_t top = 100;
    bool all_regions = false;
  };
  auto a = std::make_shared<Args>();
  chart->add_option("name", a->name, "Chart name (encore chart list)");
  chart->add_flag("--all-regions", a->all_regions,
                  "Hourly store charts: the No. 1 of every country with sales");
  chart->add_option(
      "--region,--country", a->country,
      "Region of a compiled chart: a country code, GLOBAL (default: the chart's first)");
  chart->add_option("--date", a->date, "Chart date YYYY-MM-DD (default: the latest)");
  chart->add_option("--top", a->top, "Entries shown")->capture_default_str()->check(CLI::Range(1, 1000000000));
  chart->add_option("--store", a->store, "Store directory");
  AddViewFormat(chart, &a->format);
  AddChartImport(chart, action);
  AddChartStreams(chart, action);
  AddList(chart, action);
  AddVerify(chart, action);
  AddRun(chart, action);
  AddRejects(chart, action);
  AddExplain(chart, action);
  AddCompile(chart, action);
  chart->callback([=] {
    if (!chart->get_subcommands().empty()) {
      // Options given before a subcommand are `chart NAME`'s, which is not what runs: refused,
      // never dropped (`encore chart --store X run …` would read another store).
      std::string given;
      for (const CLI::Option* o : chart->get_options()) {
        if (o->count() == 0 || o->get_name() == "--help") continue;
        // A positional by its value ("'spotify-weekly' came before 'run'"), an option by name.
        given += (given.empty() ? "" : ", ") +
                 (o->get_lnames().empty() && !o->results().empty() ? "'" + o->results()[0] + "'"
                                                                    : o->get_name());
      }
      if (!given.empty()) {
        const std::string sub = chart->get_subcommands().front()->get_name();
        *action = [=]() -> Status {
          return Status::InvalidArgument(given + " came before '" + sub +
                                         "': a chart's name and options go after the subcommand (encore chart " +
                                         sub + " --help lists its own)");
        };
      }
      return;
    }
    *action = [=]() -> Status {
      if (a->name.empty())
        return Status::InvalidArgument("name a chart (encore chart list), or a subcommand");
      if (const ChartMethod* m = FindMethodology(a->name)) {
        if (m->Word("period", std::numeric_limits<Day>::max()) == "hour")
          return ShowStoreChart(*m, a->store, a->date, a->country, a->all_regions, a->top,
                                a->format);
        return ShowCompiled(*m, a->store, a->date, a->country, a->top, a->format);
      }
      Status shown = ShowChart(a->store, a->name, a->date, a->top, a->format);
      // A subcommand mistyped ("chart lst") is not a chart either: say which was meant.
      if (shown.code() == StatusCode::kNotFound) {
        std::vector<std::string> subs;
        for (const CLI::App* sub : chart->get_subcommands({})) subs.push_back(sub->get_name());
        if (const std::string near = NearestWords(a->name, subs); !near.empty()) {
          return Status::InvalidArgument(shown.message() + "; as a subcommand, did you mean " + near + "?");
        }
      }
      return shown;
    };
  });
}

}  // namespace encore::cli
