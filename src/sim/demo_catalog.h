// The demo world's catalog files (catalog/demo/), built into the binary.
#pragma once

namespace encore {

extern const char* const kDemoArtists;
extern const char* const kDemoReleases;
extern const char* const kDemoTracks;
extern const char* const kDemoStories;  // stories.csv: what the demo's daily totals tell

}  // namespace encore
