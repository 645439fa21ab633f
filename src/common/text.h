// Text from the input: what ids and names may hold, and how it is shown on a terminal.
#pragma once

#include <string>
#include <string_view>

namespace encore {

// Whether s is valid UTF-8 (no overlong forms, no surrogates) without control characters (C0,
// DEL, C1): what ids and names from the input must be.
bool CleanText(std::string_view s);

// Text as it may reach a terminal: valid UTF-8 passes; control characters (C0, DEL, C1) and
// bytes that are not UTF-8 become escapes (\n, \t, \x1b, ...), so that a name or a file name
// from the input can never move the cursor, recolour or retitle the terminal. With
// collapse_space, runs of line ends, tabs and spaces become one space (a multi-line JSON entry
// on one line).
std::string Printable(std::string_view s, bool collapse_space = false);

}  // namespace encore
