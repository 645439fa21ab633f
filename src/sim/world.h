// The worlds `encore simulate --world` and `encore demo` play: the demo world built into the
// binary, or any catalog directory, with the stories its daily totals and launch sales tell
// (stories.csv; doc/records.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "encore/catalog.h"
#include "encore/simulate.h"
#include "encore/status.h"

namespace encore {

// The world `world` names: "demo" (the demo world built into the binary) or a catalog directory.
// Errors: the catalog's, each issue on its own line.
Result<Catalog> LoadWorld(const std::string& world);
// The tracks of a catalog as the simulator plays them: songs rank in catalog order, other
// versions of a song a tenth as popular.
std::vector<WorldTrack> WorldTracks(const Catalog& c);
// What a world's daily totals and launch sales must tell.
struct WorldStories {
  std::vector<TrackStory> tracks;
  std::vector<ArtistStory> artists;
  std::vector<LaunchStory> launches;
};
// Parses a stories.csv (`file` names it in errors: kDataError with file:line).
Result<WorldStories> ParseStories(std::string_view text, const std::string& file, const Catalog& c);
// The demo's built-in stories, or DIR/stories.csv (none when the file does not exist).
Result<WorldStories> LoadStories(const std::string& world, const Catalog& c);
// Writes the demo world's catalog files (and its stories.csv) into dir.
Status WriteDemoCatalog(const std::string& dir);

// The rest of the market in the demo world, so that its charts have a market-sized long tail and
// plausible positions (issue 18): 200 songs at a time, the k-th biggest about 7,000,000 * k^-0.42
// streams a day (about 49M a week at No. 1 and 5.5M at No. 200, the range of Spotify's global
// weekly chart in 2023), each easing over 90 to 330 days (the biggest over fewer) and then fading. Generic names ("Market
// Song 0042" by "Market Act 017"); the acts are tagged `unranked`, so that the records and the
// news leave them out and the demo's stories stay what the public figures say. Deterministic.
struct MarketSong {
  MarketTrack track;
  std::string title, act_id, act_name;
};
const std::vector<MarketSong>& DemoMarket();
// The market songs of a world: the demo's (DemoMarket), none for any other.
std::vector<MarketTrack> WorldMarket(const std::string& world);

}  // namespace encore
