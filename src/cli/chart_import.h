// `encore chart import` (src/cli/chart_import.cc), registered by `encore chart`.
#pragma once

#include "cli/commands.h"

namespace encore::cli {

void AddChartImport(CLI::App* chart, Action* action);
// `encore chart streams`: the chart history's chart streams written to the store.
void AddChartStreams(CLI::App* chart, Action* action);

}  // namespace encore::cli
