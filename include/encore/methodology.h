// Chart methodologies as data: one text file per chart family (charts/methodologies/*.chart,
// built into the binary), each rule and weight versioned by effective date. Format and the
// built-in set: doc/charts.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "encore/date.h"
#include "encore/status.h"

namespace encore {

// One chart of a methodology file, with its settings. A setting may appear several times with
// `from YYYY-MM-DD`: the one in force on a date is the latest that took effect on or before it
// (a setting without `from` is in force from the beginning).
struct ChartMethod {
  std::string name, file;
  uint64_t line = 0;  // where `chart NAME` is
  struct Value {
    Day from = 0;  // kMinDay: always
    std::vector<std::string> words;
    uint64_t line = 0;
  };
  std::map<std::string, std::vector<Value>> settings;  // key -> values by `from`
  std::string fingerprint;                             // of the chart's text, for caching

  // The words of `key` in force on `date`; nullptr when none.
  const std::vector<std::string>* Get(const std::string& key, Day date) const;
  std::string Word(const std::string& key, Day date, const std::string& fallback = "") const;
  double Number(const std::string& key, Day date, double fallback) const;
  // Every value of a repeatable key in force on `date` (recurrent rules: one per line), i.e. all
  // lines whose `from` equals the latest `from` on or before `date`.
  std::vector<std::vector<std::string>> All(const std::string& key, Day date) const;
};

struct MethodologyIssue {
  std::string file;
  uint64_t line = 0;
  std::string reason;
  std::string ToString() const;
};

// Parses one methodology file's text. Unknown keys, bad numbers or dates, a setting before any
// `chart` line: kDataError with every problem (file:line: reason).
Result<std::vector<ChartMethod>> ParseMethodology(const std::string& file, const std::string& text,
                                                  std::vector<MethodologyIssue>* issues);

// The built-in methodologies (charts/methodologies/*.chart).
const std::vector<ChartMethod>& BuiltinMethodologies();
const ChartMethod* FindMethodology(const std::string& name);

}  // namespace encore
